from ninja import Query, Router, Schema

from core.api import paginate
from core.errors import InvalidInput
from tasks import selectors, services
from tasks.schemas import OutcomeIn, ReassignIn, RescheduleIn, TaskOut, TaskPage

router = Router(tags=["tasks"])


class TaskQuery(Schema):
    assignee: str = "me"
    status: str | None = "open"
    limit: int | None = None
    offset: int | None = None


@router.get("", response=TaskPage)
def task_list(request, params: Query[TaskQuery]):
    """`assignee=me` (default), a staff id, or `all` (managers: the whole store)."""
    user = request.auth
    if params.assignee == "me":
        queryset = selectors.task_list(user=user, status=params.status)
    elif params.assignee == "all":
        queryset = selectors.task_list(user=user, status=params.status, store_wide=True)
    elif params.assignee.isascii() and params.assignee.isdigit() and len(params.assignee) < 19:
        queryset = selectors.task_list(user=user, status=params.status, assignee_id=int(params.assignee))
    else:
        raise InvalidInput({"assignee": "只能是 me、all 或员工编号"})
    return paginate(queryset, params.limit, params.offset)


@router.get("/{int:task_id}", response=TaskOut)
def task_detail(request, task_id: int):
    return selectors.task_get(user=request.auth, task_id=task_id)


@router.post("/{int:task_id}/outcome", response=TaskOut)
def task_outcome(request, task_id: int, payload: OutcomeIn):
    """Record the call's outcome; it decides the reminder plan's next step (DOMAIN §4)."""
    task = selectors.task_get(user=request.auth, task_id=task_id)
    return services.task_record_outcome(user=request.auth, task=task, **payload.dict())


@router.post("/{int:task_id}/reschedule", response=TaskOut)
def task_reschedule(request, task_id: int, payload: RescheduleIn):
    task = selectors.task_get(user=request.auth, task_id=task_id)
    return services.task_reschedule(user=request.auth, task=task, due_at=payload.due_at)


@router.post("/{int:task_id}/reassign", response=TaskOut)
def task_reassign(request, task_id: int, payload: ReassignIn):
    task = selectors.task_get(user=request.auth, task_id=task_id)
    return services.task_reassign(user=request.auth, task=task, assignee_id=payload.assignee_id)
