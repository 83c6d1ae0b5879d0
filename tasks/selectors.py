from django.db.models import QuerySet
from django.utils import timezone

from accounts.permissions import Perm, has_perm
from core.scoping import get_scoped_or_404, scoped
from tasks.models import Task


def task_list(
    *, user, assignee_id: int | None = None, status: str | None = Task.Status.OPEN, store_wide: bool = False
) -> QuerySet:
    """My tasks by due time; a manager may see the whole store's (DOMAIN §4 task lists)."""
    queryset = scoped(Task.objects, user).select_related("customer", "vehicle", "assignee").order_by("due_at", "id")
    if status:
        queryset = queryset.filter(status=status)
    if assignee_id is not None:
        queryset = queryset.filter(assignee_id=assignee_id)
    elif not (store_wide and has_perm(user, Perm.AUDIT_VIEW)):
        queryset = queryset.filter(assignee=user)
    return queryset


def task_get(*, user, task_id: int) -> Task:
    return get_scoped_or_404(Task.objects.select_related("customer", "vehicle", "assignee"), user, pk=task_id)


def is_overdue(task: Task) -> bool:
    return task.status == Task.Status.OPEN and task.due_at < timezone.now()
