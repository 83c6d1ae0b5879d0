"""Writes to task lists: record an outcome, reschedule, reassign (DOMAIN §4 call tasks)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import Conflict, InvalidInput
from tasks.hooks import handler_for
from tasks.models import Outcome, Task

RETRY_OUTCOMES = {Outcome.CALL_BACK, Outcome.NO_ANSWER}


@transaction.atomic
def task_record_outcome(*, user, task: Task, outcome: str, notes: str = "", call_back_at: dt.datetime | None = None) -> Task:
    """Close a task with its outcome; "call back later" / "no answer" keep it open for a new time.
    The module that created the task decides what the outcome means for its plan."""
    if outcome not in Outcome.values:
        raise InvalidInput({"outcome": "未知的结果代码"})
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.status != Task.Status.OPEN:
        raise Conflict("该任务已关闭")
    label = Outcome(outcome).label
    task.notes = _append_note(task.notes, user, f"{label}：{notes.strip()}" if notes.strip() else label)
    task.outcome = outcome
    if outcome in RETRY_OUTCOMES:
        task.due_at = _next_attempt(call_back_at)
    else:
        task.status, task.completed_at, task.completed_by = Task.Status.DONE, timezone.now(), user
    task.save()
    handler = handler_for(task.source_key)
    if handler is not None:
        handler(task)
    return task


def _next_attempt(call_back_at: dt.datetime | None) -> dt.datetime:
    if call_back_at is None:
        return timezone.now() + dt.timedelta(days=1)
    if call_back_at <= timezone.now():
        raise InvalidInput({"call_back_at": "再次联系时间必须晚于现在"})
    return call_back_at


def _append_note(existing: str, user, text: str) -> str:
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return f"{existing}\n[{stamp} {user}] {text}".strip()[:2000]


@transaction.atomic
def task_reschedule(*, user, task: Task, due_at: dt.datetime) -> Task:
    if task.status != Task.Status.OPEN:
        raise Conflict("该任务已关闭")
    if due_at <= timezone.now():
        raise InvalidInput({"due_at": "新的截止时间必须晚于现在"})
    Task.objects.filter(pk=task.pk).update(due_at=due_at)
    task.due_at = due_at
    return task


@transaction.atomic
def task_reassign(*, user, task: Task, assignee_id: int) -> Task:
    """Hand a task to a colleague of the same store (first-contact ownership moves explicitly)."""
    if task.status != Task.Status.OPEN:
        raise Conflict("该任务已关闭")
    assignee = User.objects.filter(pk=assignee_id, is_active=True, stores=task.store_id).first()
    if assignee is None:
        raise InvalidInput({"assignee_id": "该员工不在本店"})
    task.notes = _append_note(task.notes, user, f"转交给 {assignee}")
    Task.objects.filter(pk=task.pk).update(assignee=assignee, notes=task.notes)
    task.assignee = assignee
    return task
