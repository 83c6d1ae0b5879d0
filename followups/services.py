"""Follow-up plans and outcomes (DOMAIN §7): every visit gets a call within 3 days (window 3–7),
first-time customers also at 1 and 3 months; an issue raised must be resolved and is scanned for
red-alert words."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Perm, require
from core.errors import Conflict, InvalidInput
from core.policies import policy_value
from followups.models import FollowUp
from tasks.models import Outcome, Task
from vehicles.models import Vehicle

LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)
CALL_HOUR = 10
FIRST_TIME_EXTRA_OFFSETS = (30, 90)  # DOMAIN §7: 1 month and 3 months
RETRY_DELAY = dt.timedelta(days=1)

# The final outcome of the follow-up → the outcome shown on the generic task.
_TASK_OUTCOME = {
    FollowUp.Outcome.SATISFIED: Outcome.DONE,
    FollowUp.Outcome.ISSUE_RAISED: Outcome.DONE,
    FollowUp.Outcome.UNREACHABLE: Outcome.NO_ANSWER,
    FollowUp.Outcome.REFUSED: Outcome.NOT_INTERESTED,
}
# An outcome recorded on the generic task list → what it means for the follow-up.
_FROM_TASK_OUTCOME = {
    Outcome.DONE: FollowUp.Outcome.SATISFIED,
    Outcome.BOOKED: FollowUp.Outcome.SATISFIED,
    Outcome.NOT_INTERESTED: FollowUp.Outcome.REFUSED,
    Outcome.CAR_SOLD: FollowUp.Outcome.REFUSED,
    Outcome.WRONG_NUMBER: FollowUp.Outcome.UNREACHABLE,
}


def follow_up_offsets(*, store_id: int, first_time: bool) -> list[int]:
    first = policy_value(store_id, "followups.due_days")
    return [first, *FIRST_TIME_EXTRA_OFFSETS] if first_time else [first]


@transaction.atomic
def visit_follow_ups_plan(*, vehicle: Vehicle, visited_on: dt.date, kind: str = FollowUp.Kind.SERVICE) -> list[FollowUp]:
    """Create the follow-up call tasks of one visit, exactly once per (vehicle, day, offset).
    First-time service customers (first completed service) and deliveries get three calls."""
    if kind not in FollowUp.Kind.values:
        raise InvalidInput({"kind": "未知的回访类型"})
    first_time = kind == FollowUp.Kind.DELIVERY or vehicle.service_cycle == 1
    window = policy_value(vehicle.store_id, "followups.window_days")
    first = policy_value(vehicle.store_id, "followups.due_days")
    follow_ups = []
    for offset in follow_up_offsets(store_id=vehicle.store_id, first_time=first_time):
        due_on = visited_on + dt.timedelta(days=offset)
        task, _ = Task.objects.get_or_create(
            source_key=f"follow_up:{vehicle.pk}:{visited_on.isoformat()}:{offset}",
            defaults={
                "store_id": vehicle.store_id,
                "customer_id": vehicle.owner_id,
                "vehicle": vehicle,
                "assignee_id": vehicle.service_advisor_id,
                "kind": f"follow_up_{kind}",
                "title": f"{FollowUp.Kind(kind).label}（{_offset_label(offset)}）：{vehicle.plate}",
                "script": "询问客户对本次服务是否满意，车辆使用有无问题；如有问题详细记录并跟进处理。",
                "due_at": dt.datetime.combine(due_on, dt.time(CALL_HOUR), tzinfo=LOCAL),
            },
        )
        follow_up, _ = FollowUp.objects.get_or_create(
            task=task,
            defaults={
                "store_id": vehicle.store_id,
                "customer_id": vehicle.owner_id,
                "vehicle": vehicle,
                "kind": kind,
                "visited_on": visited_on,
                "offset_days": offset,
                "due_on": due_on,
                "window_ends_on": due_on + dt.timedelta(days=max(window - first, 0)),
            },
        )
        follow_ups.append(follow_up)
    return follow_ups


def _offset_label(offset: int) -> str:
    return {30: "1个月", 90: "3个月"}.get(offset, f"{offset}天")


@transaction.atomic
def follow_up_record(*, user, follow_up: FollowUp, outcome: str, issue_description: str = "", notes: str = "") -> FollowUp:
    """Record a follow-up call. Unreachable → the task is retried next day until the store's
    maximum number of attempts; an issue needs a description and stays open until resolved."""
    require(user, Perm.INTERACTION_LOG)
    if outcome not in FollowUp.Outcome.values:
        raise InvalidInput({"outcome": "未知的回访结果"})
    issue_description = issue_description.strip()
    if outcome == FollowUp.Outcome.ISSUE_RAISED and not issue_description:
        raise InvalidInput({"issue_description": "请描述客户提出的问题"})
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.outcome:
        raise Conflict("该回访已记录结果")
    follow_up.attempts += 1
    if outcome == FollowUp.Outcome.UNREACHABLE and follow_up.attempts < policy_value(
        follow_up.store_id, "followups.max_attempts"
    ):
        follow_up.save(update_fields=["attempts"])
        Task.objects.filter(pk=follow_up.task_id).update(due_at=timezone.now() + RETRY_DELAY, outcome=Outcome.NO_ANSWER)
        return follow_up
    _finish(follow_up, user=user, outcome=outcome, issue_description=issue_description)
    Task.objects.filter(pk=follow_up.task_id).update(
        status=Task.Status.DONE,
        outcome=_TASK_OUTCOME[outcome],
        completed_at=follow_up.recorded_at,
        completed_by=user,
        notes=(follow_up.task.notes + "\n" + notes.strip()).strip()[:2000],
    )
    return follow_up


def _finish(follow_up: FollowUp, *, user, outcome: str, issue_description: str = "") -> None:
    follow_up.outcome, follow_up.recorded_at, follow_up.recorded_by = outcome, timezone.now(), user
    follow_up.issue_description = issue_description
    follow_up.save(update_fields=["attempts", "outcome", "recorded_at", "recorded_by", "issue_description"])
    if outcome == FollowUp.Outcome.ISSUE_RAISED:
        # Imported here: complaints → sla → reminders → followups would otherwise be circular.
        from complaints.services import red_alert_scan

        red_alert_scan(
            store_id=follow_up.store_id, text=issue_description, source=f"follow_up:{follow_up.pk}", customer=follow_up.customer
        )


@transaction.atomic
def follow_up_resolve(*, user, follow_up: FollowUp, resolution: str) -> FollowUp:
    """Close an issue raised at follow-up (DOMAIN §7: ≥ 95 % of raised issues resolved)."""
    require(user, Perm.INTERACTION_LOG)
    resolution = resolution.strip()
    if not resolution:
        raise InvalidInput({"resolution": "请填写处理结果"})
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.outcome != FollowUp.Outcome.ISSUE_RAISED or follow_up.resolved_at is not None:
        raise Conflict("只有未解决的问题才能登记处理结果")
    follow_up.resolution, follow_up.resolved_at, follow_up.resolved_by = resolution, timezone.now(), user
    follow_up.save(update_fields=["resolution", "resolved_at", "resolved_by"])
    return follow_up


def follow_up_task_outcome(task: Task) -> None:
    """An outcome recorded on the generic task list (tasks.hooks): "no answer" counts an attempt
    and gives up after the store's maximum; the others settle the follow-up."""
    follow_up = FollowUp.objects.select_for_update().filter(task=task, outcome="").first()
    if follow_up is None:
        return
    follow_up.attempts += 1
    if task.outcome in (Outcome.NO_ANSWER, Outcome.CALL_BACK):
        if follow_up.attempts < policy_value(follow_up.store_id, "followups.max_attempts"):
            follow_up.save(update_fields=["attempts"])
            return
        Task.objects.filter(pk=task.pk).update(status=Task.Status.DONE, completed_at=timezone.now())
        _finish(follow_up, user=task.completed_by, outcome=FollowUp.Outcome.UNREACHABLE)
        return
    _finish(follow_up, user=task.completed_by, outcome=_FROM_TASK_OUTCOME.get(task.outcome, FollowUp.Outcome.SATISFIED))
