"""Writes of the handover (DOMAIN §3): open on delivery (24 h clock), submit by the salesperson,
confirm by the after-sales specialist ("1+1"), field-by-field corrections, joint delivery and the
first-use feedback shared with the salesperson."""

import datetime as dt
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Perm, has_perm, require
from complaints.services.notify import staff_task, store_manager
from core.errors import Conflict, Forbidden, InvalidInput, full_clean_or_invalid
from core.policies import policy_value
from core.scoping import store_for_write
from customers.models import Channel
from handover.models import CHECKED_FIELDS, JOINT_CHECKLIST, Correction, Handover, Promise
from sla.models import SlaTracked
from sla.services import (
    claim_breaches,
    deadline_after,
    due_candidates,
    handle_isolated,
    sla_refresh,
    warning_candidates,
    warning_claim,
)
from tasks.models import Outcome, Task

BATCH = 500


# --- open -----------------------------------------------------------------------------------------


def handover_open(*, user, customer, vehicle, salesperson, delivered_at, promises: list[dict], source_key: str) -> Handover:
    """Open the handover of a delivered car and start its 24 h clock (DOMAIN §3). Idempotent: the same
    source_key — or any earlier handover of the vehicle — gives back the handover already open."""
    existing = _existing(vehicle_id=vehicle.pk, source_key=source_key)
    if existing is not None:
        return existing
    if not (has_perm(user, Perm.HANDOVER_FILL) or has_perm(user, Perm.HANDOVER_CONFIRM)):
        raise Forbidden()
    store_for_write(user, vehicle.store_id)
    now = timezone.now()
    if delivered_at is not None and timezone.is_naive(delivered_at):
        delivered_at = timezone.make_aware(delivered_at)
    _check_open(customer=customer, vehicle=vehicle, salesperson=salesperson, delivered_at=delivered_at, now=now)
    cleaned = [_clean_promise(promise, index) for index, promise in enumerate(promises or [])]
    try:
        with transaction.atomic():
            return _create(
                customer=customer, vehicle=vehicle, salesperson=salesperson, delivered_at=delivered_at,
                promises=cleaned, source_key=source_key, now=now,
            )  # fmt: skip
    except IntegrityError:
        existing = _existing(vehicle_id=vehicle.pk, source_key=source_key)
        if existing is None:
            raise
        return existing


def _existing(*, vehicle_id: int, source_key: str) -> Handover | None:
    return Handover.objects.filter(Q(source_key=source_key) | Q(vehicle_id=vehicle_id)).first()


def _check_open(*, customer, vehicle, salesperson, delivered_at, now) -> None:
    if vehicle.owner_id != customer.pk:
        raise InvalidInput({"vehicle_id": "该车辆不属于此客户"})
    if delivered_at is None or delivered_at > now:
        raise InvalidInput({"delivered_at": "车辆尚未交车，不能建立交接表"})
    if salesperson is None or not User.objects.filter(pk=salesperson.pk, is_active=True, stores=vehicle.store_id).exists():
        raise InvalidInput({"salesperson_id": "请选择本店在职的销售顾问"})


def _clean_promise(promise: dict, index: int) -> dict:
    """Promise dicts: kind, description, value (Decimal|None), valid_until (date|None)."""
    field = f"promises.{index}"
    kind = promise.get("kind")
    description = str(promise.get("description") or "").strip()
    if kind not in Promise.Kind.values:
        raise InvalidInput({f"{field}.kind": "承诺类型无效"})
    if not description or len(description) > 300:
        raise InvalidInput({f"{field}.description": "请填写承诺内容（不超过300字）"})
    value = promise.get("value")
    if value is not None:
        try:
            value = Decimal(str(value))
        except InvalidOperation:
            raise InvalidInput({f"{field}.value": "金额格式不正确"}) from None
        if not value.is_finite() or value < 0 or value >= Decimal("100000000"):
            raise InvalidInput({f"{field}.value": "金额须为 0 至 1 亿元之间"})
    valid_until = promise.get("valid_until")
    if isinstance(valid_until, str):
        try:
            valid_until = dt.date.fromisoformat(valid_until)
        except ValueError:
            raise InvalidInput({f"{field}.valid_until": "有效期格式不正确"}) from None
    elif valid_until is not None and not isinstance(valid_until, dt.date):
        raise InvalidInput({f"{field}.valid_until": "有效期格式不正确"})
    return {"kind": kind, "description": description, "value": value, "valid_until": valid_until}


def _create(*, customer, vehicle, salesperson, delivered_at, promises, source_key, now) -> Handover:
    store_id = vehicle.store_id
    hours = policy_value(store_id, "handover.submit_hours")
    handover = Handover(
        store_id=store_id,
        customer=customer,
        vehicle=vehicle,
        salesperson=salesperson,
        specialist_id=vehicle.service_advisor_id,
        source_key=source_key,
        delivered_at=delivered_at,
        submit_due_at=deadline_after(store_id=store_id, start=delivered_at, duration=dt.timedelta(hours=hours)),
        first_use_due_at=delivered_at + dt.timedelta(days=policy_value(store_id, "handover.first_use_days")),
        preferred_channel=customer.preferred_channel,
        preferred_time=customer.preferred_time,
        key_options="、".join(str(option) for option in vehicle.options or [])[:500],
    )
    sla_refresh(handover, now=now)
    handover.save()
    Promise.objects.bulk_create(
        [Promise(store_id=store_id, handover=handover, vehicle=vehicle, **promise) for promise in promises]
    )
    _task(handover, "submit", salesperson, "handover_submit", "填写《客户服务交接表》", handover.submit_due_at)
    _task(handover, "first_use", handover.specialist, "handover_first_use", "记录首次使用反馈", handover.first_use_due_at)
    return handover


def _task(handover: Handover, key: str, assignee, kind: str, title: str, due_at: dt.datetime) -> Task:
    return staff_task(
        store_id=handover.store_id,
        customer_id=handover.customer_id,
        assignee=assignee,
        kind=kind,
        title=f"{title}：{handover.vehicle.plate or handover.vehicle.vin}",
        due_at=due_at,
        source_key=f"handover:{handover.pk}:{key}",
    )


def _task_done(handover: Handover, key: str, user, now: dt.datetime) -> None:
    Task.objects.filter(source_key=f"handover:{handover.pk}:{key}", status=Task.Status.OPEN).update(
        status=Task.Status.DONE, outcome=Outcome.DONE, completed_at=now, completed_by=user
    )


@transaction.atomic
def handover_open_for_vehicle(*, user, vehicle) -> Handover:
    """Staff open a handover by hand for a vehicle already delivered (its delivery date, 18:00 local)."""
    if vehicle.delivery_date is None:
        raise InvalidInput({"vehicle_id": "车辆尚未交车，不能建立交接表"})
    if vehicle.salesperson_id is None:
        raise InvalidInput({"vehicle_id": "该车辆没有登记销售顾问，请先在车辆档案中填写"})
    delivered_at = dt.datetime.combine(vehicle.delivery_date, dt.time(18, 0), tzinfo=timezone.get_current_timezone())
    return handover_open(
        user=user,
        customer=vehicle.owner,
        vehicle=vehicle,
        salesperson=vehicle.salesperson,
        delivered_at=min(delivered_at, timezone.now()),
        promises=[],
        source_key=f"handover:vehicle:{vehicle.pk}",
    )


# --- the form and its confirmations ---------------------------------------------------------------


def _locked(handover: Handover) -> Handover:
    return Handover.objects.select_for_update().select_related("vehicle").get(pk=handover.pk)


@transaction.atomic
def handover_submit(*, user, handover: Handover, **fields) -> Handover:
    """The salesperson's confirmation: the form with every field, stamped (the first "1")."""
    require(user, Perm.HANDOVER_FILL)
    handover = _locked(handover)
    if handover.status != Handover.Status.OPEN:
        raise Conflict("交接表已提交")
    unknown = set(fields) - set(CHECKED_FIELDS)
    if unknown:
        raise InvalidInput({field: "未知字段" for field in unknown})
    for field, value in fields.items():
        setattr(handover, field, value.strip() if isinstance(value, str) else value)
    full_clean_or_invalid(handover, exclude=["store", "customer", "vehicle", "salesperson", "specialist", "source_key"])
    now = timezone.now()
    hours = policy_value(handover.store_id, "handover.confirm_hours")
    handover.status, handover.submitted_at = Handover.Status.SUBMITTED, now
    handover.confirm_due_at = deadline_after(store_id=handover.store_id, start=now, duration=dt.timedelta(hours=hours))
    handover.fields_checked = len(CHECKED_FIELDS) + handover.promises.count()
    sla_refresh(handover, now=now)
    handover.save()
    _task_done(handover, "submit", user, now)
    _task_done(handover, "warn_submit", user, now)
    _task(handover, "confirm", handover.specialist, "handover_confirm", "确认《客户服务交接表》", handover.confirm_due_at)
    return handover


@transaction.atomic
def handover_confirm(*, user, handover: Handover) -> Handover:
    """The after-sales specialist's confirmation (the second "1"), stamped with who and when."""
    require(user, Perm.HANDOVER_CONFIRM)
    handover = _locked(handover)
    if handover.status != Handover.Status.SUBMITTED:
        raise Conflict("交接表尚未提交或已确认")
    now = timezone.now()
    handover.status, handover.confirmed_at, handover.confirmed_by = Handover.Status.CONFIRMED, now, user
    handover.specialist = handover.specialist or user
    sla_refresh(handover, now=now)
    handover.save()
    _task_done(handover, "confirm", user, now)
    _task_done(handover, "warn_confirm", user, now)
    return handover


@transaction.atomic
def handover_promise_add(*, user, handover: Handover, kind: str, description: str, value=None, valid_until=None) -> Promise:
    """A promise made at sale, added by the salesperson before the form is submitted."""
    require(user, Perm.HANDOVER_FILL)
    handover = _locked(handover)
    if handover.status != Handover.Status.OPEN:
        raise Conflict("交接表已提交，承诺的更正请由售后专员登记")
    cleaned = _clean_promise({"kind": kind, "description": description, "value": value, "valid_until": valid_until}, 0)
    return Promise.objects.create(store_id=handover.store_id, handover=handover, vehicle_id=handover.vehicle_id, **cleaned)


def _parse_field(field: str, value: str):
    if field not in CHECKED_FIELDS:
        raise InvalidInput({"field": "该字段不能更正"})
    value = (value or "").strip()
    if field == "event_interest":
        if value not in ("true", "false", "1", "0", "是", "否"):
            raise InvalidInput({"new_value": "请填写 是 或 否"})
        return value in ("true", "1", "是")
    if field == "preferred_channel" and value not in Channel.values:
        raise InvalidInput({"new_value": "联系渠道无效"})
    max_length = Handover._meta.get_field(field).max_length
    if len(value) > max_length:
        raise InvalidInput({"new_value": f"不超过 {max_length} 字"})
    return value


@transaction.atomic
def handover_correct(*, user, handover: Handover, field: str, new_value: str, reason: str = "") -> Correction:
    """After-sales corrects one handed-over field; each corrected field counts once against the
    information accuracy (DOMAIN §3, target ≥ 98 %)."""
    require(user, Perm.HANDOVER_CONFIRM)
    value = _parse_field(field, new_value)
    handover = _locked(handover)
    if handover.status == Handover.Status.OPEN:
        raise Conflict("交接表尚未提交，请由销售顾问直接修改")
    old = getattr(handover, field)
    if old == value:
        raise InvalidInput({"new_value": "与原值相同，无需更正"})
    correction = Correction.objects.create(
        store_id=handover.store_id, handover=handover, field=field, old_value=str(old)[:500], new_value=str(value)[:500],
        reason=(reason or "").strip()[:200], corrected_by=user, corrected_at=timezone.now(),
    )  # fmt: skip
    setattr(handover, field, value)
    handover.fields_corrected = handover.corrections.values("field").distinct().count()
    handover.save(update_fields=[field, "fields_corrected"])
    return correction


@transaction.atomic
def handover_joint_delivery(*, user, handover: Handover, checklist: dict[str, bool]) -> Handover:
    """The joint delivery checklist (DOMAIN §3, §15 three explanations), ticked item by item."""
    if not (has_perm(user, Perm.HANDOVER_FILL) or has_perm(user, Perm.HANDOVER_CONFIRM)):
        raise Forbidden()
    unknown = set(checklist) - set(JOINT_CHECKLIST)
    if unknown:
        raise InvalidInput({"checklist": f"未知的清单项：{'、'.join(sorted(unknown))}"})
    handover = _locked(handover)
    handover.joint_checklist = {key: bool(checklist.get(key)) for key in JOINT_CHECKLIST}
    handover.joint_recorded_at = timezone.now()
    handover.save(update_fields=["joint_checklist", "joint_recorded_at"])
    return handover


@transaction.atomic
def handover_first_use(*, user, handover: Handover, feedback: str) -> Handover:
    """First-use feedback within 3 days of delivery, shared with the salesperson as a task (§3)."""
    require(user, Perm.HANDOVER_CONFIRM)
    feedback = (feedback or "").strip()
    if not feedback or len(feedback) > 2000:
        raise InvalidInput({"feedback": "请填写首次使用反馈（不超过2000字）"})
    handover = _locked(handover)
    if handover.first_use_recorded_at is not None:
        raise Conflict("首次使用反馈已记录")
    now = timezone.now()
    handover.first_use_feedback, handover.first_use_recorded_at, handover.first_use_recorded_by = feedback, now, user
    handover.save(update_fields=["first_use_feedback", "first_use_recorded_at", "first_use_recorded_by"])
    _task_done(handover, "first_use", user, now)
    shared = _task(
        handover, "first_use_shared", handover.salesperson, "handover_feedback", "查看首次使用反馈", now + dt.timedelta(days=1)
    )
    Task.objects.filter(pk=shared.pk).update(script=feedback)
    return handover


# --- the clock job --------------------------------------------------------------------------------


def handover_escalate_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The owner of a running clock is warned before its deadline (`handover.warning_minutes`), and a
    late form or confirmation goes to the store manager — each once (conditional claims)."""
    now = now or timezone.now()
    counts: Counter = Counter()
    handovers = Handover.objects.select_related("vehicle")
    for pk in list(due_candidates(Handover, now=now)[:BATCH]):
        handle_isolated(_breach, handovers, pk, now, counts)
    for pk in list(warning_candidates(Handover, now=now)[:BATCH]):
        handle_isolated(_warn, handovers, pk, now, counts)
    return {"warned": counts["warned"], "breached": counts["breached"], "failed": counts["failed"]}


def _warn(handover: Handover, now: dt.datetime) -> Counter:
    """The salesperson (form) or the after-sales specialist (confirmation) hears of the deadline
    while it can still be met: a task due at the deadline."""
    if not warning_claim(handover, now=now):
        return Counter()
    clock = min((c for c in handover.SLA_CLOCKS if c.is_running(handover)), key=lambda c: c.due_at(handover))
    owner = handover.salesperson if clock.name == "submit" else handover.specialist
    due = clock.due_at(handover)
    _task(
        handover, f"warn_{clock.name}", owner, "handover_warning", f"{clock.label}将于 {timezone.localtime(due):%H:%M} 到期", due
    )
    return Counter(warned=1)


def _breach(handover: Handover, now: dt.datetime) -> Counter:
    clocks = claim_breaches(handover, now=now)
    for clock in clocks:
        _task(handover, f"late_{clock.name}", store_manager(handover.store_id), "handover_late", f"{clock.label}超时", now)
    _refresh_saved(handover, now)
    return Counter(breached=len(clocks))


def _refresh_saved(item: SlaTracked, now: dt.datetime) -> None:
    sla_refresh(item, now=now)
    item.save(update_fields=SlaTracked.SLA_FIELDS)
