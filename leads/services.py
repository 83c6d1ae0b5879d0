"""Writes of service → sales leads (DOMAIN §11): record (graded A/B), push to the customer's
salesperson or the store's sales team in turn within 1 h, follow-up within 24 h with escalation to
the sales manager, close won/lost; the salesperson's care call when their customer arrives."""

import datetime as dt
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Department, Role, User
from accounts.permissions import Perm, has_perm, require
from complaints.services.notify import staff_task, store_manager
from core.errors import Conflict, Forbidden, InvalidInput
from core.policies import policy_value
from core.scoping import store_for_write
from leads.models import Lead, LeadFollowUp
from sla.models import SlaTracked
from sla.services import claim_breaches, deadline_after, due_candidates, handle_isolated, sla_refresh
from tasks.models import Outcome, Task
from vehicles.models import Vehicle

BATCH = 500


# --- record and push ------------------------------------------------------------------------------


def lead_record(
    *,
    user,
    customer,
    kind: str,
    grade: str,
    description: str,
    source: str,
    vehicle=None,
    source_ref: str = "",
    source_key: str | None = None,
) -> Lead:
    """After-sales staff record a lead; it is pushed at once when a salesperson can be found (else
    the job retries, and the 1 h clock escalates to the sales manager)."""
    require(user, Perm.LEAD_RECORD)
    store_id = store_for_write(user, customer.store_id)
    _check(customer=customer, vehicle=vehicle, kind=kind, grade=grade, description=description, source=source)
    if source_key:
        existing = Lead.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return _create(
                user=user, store_id=store_id, customer=customer, vehicle=vehicle, kind=kind, grade=grade,
                description=description.strip(), source=source, source_ref=(source_ref or "")[:60], source_key=source_key or None,
            )  # fmt: skip
    except IntegrityError:
        existing = Lead.objects.filter(source_key=source_key).first() if source_key else None
        if existing is None:
            raise
        return existing


def _check(*, customer, vehicle, kind, grade, description, source) -> None:
    errors = {}
    if kind not in Lead.Kind.values:
        errors["kind"] = "请选择线索类型（增购、置换、转介绍）"
    if grade not in Lead.Grade.values:
        errors["grade"] = "请选择线索等级（A 或 B）"
    if source not in Lead.Source.values:
        errors["source"] = "线索来源无效"
    if not (description or "").strip() or len(description) > 1000:
        errors["description"] = "请填写需求描述（不超过1000字）"
    if vehicle is not None and vehicle.owner_id != customer.pk:
        errors["vehicle_id"] = "该车辆不属于此客户"
    if errors:
        raise InvalidInput(errors)


def _create(*, user, store_id, customer, vehicle, kind, grade, description, source, source_ref, source_key) -> Lead:
    now = timezone.now()
    minutes = policy_value(store_id, "leads.push_minutes")
    lead = Lead.objects.create(
        store_id=store_id, customer=customer, vehicle=vehicle, kind=kind, grade=grade, description=description,
        source=source, source_ref=source_ref, source_key=source_key, recorded_by=user, recorded_at=now,
        push_due_at=deadline_after(store_id=store_id, start=now, duration=dt.timedelta(minutes=minutes)),
    )  # fmt: skip
    salesperson = customer_salesperson(customer_id=customer.pk, store_id=store_id) or next_salesperson(store_id=store_id)
    if salesperson is not None:
        _push(lead, salesperson, now)
    else:
        _refresh_saved(lead, now)
    return lead


def customer_salesperson(*, customer_id: int, store_id: int) -> User | None:
    """The salesperson of the customer's most recently bought vehicle, if still working in the store."""
    salesperson_id = (
        Vehicle.objects.filter(owner_id=customer_id, salesperson__isnull=False)
        .order_by("-purchase_date", "-pk")
        .values_list("salesperson_id", flat=True)
        .first()
    )
    if salesperson_id is None:
        return None
    return User.objects.filter(pk=salesperson_id, is_active=True, stores=store_id).first()


def next_salesperson(*, store_id: int) -> User | None:
    """Round robin of the store's sales team: the salesperson whose last lead came longest ago."""
    team = User.objects.filter(is_active=True, stores=store_id, role=Role.SALESPERSON)
    latest = dict(
        Lead.objects.filter(store_id=store_id, salesperson__in=team)
        .values("salesperson_id")
        .annotate(last=Max("pushed_at"))
        .values_list("salesperson_id", "last")
    )
    members = list(team.order_by("pk").only("pk", "username", "display_name"))
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return min(members, key=lambda member: (latest.get(member.pk) or epoch, member.pk), default=None)


def _push(lead: Lead, salesperson: User, now: dt.datetime) -> None:
    """Hand the lead to the salesperson: a task in their list and the 24 h follow-up clock."""
    hours = policy_value(lead.store_id, "leads.follow_up_hours")
    lead.salesperson, lead.pushed_at, lead.status = salesperson, now, Lead.Status.PUSHED
    lead.follow_up_due_at = deadline_after(store_id=lead.store_id, start=now, duration=dt.timedelta(hours=hours))
    sla_refresh(lead, now=now)
    lead.save()
    staff_task(
        store_id=lead.store_id,
        customer_id=lead.customer_id,
        assignee=salesperson,
        kind="lead_follow_up",
        title=f"跟进售后线索（{lead.grade}级 {lead.get_kind_display()}）：{lead.customer.name}",
        due_at=lead.follow_up_due_at,
        source_key=f"lead:{lead.pk}:follow_up:{salesperson.pk}",
        script=lead.description,
    )


@transaction.atomic
def lead_assign(*, user, lead: Lead, salesperson_id: int) -> Lead:
    """The sales manager hands a lead to another salesperson of the store (a new 24 h clock)."""
    require(user, Perm.LEAD_ASSIGN)
    lead = Lead.objects.select_for_update().select_related("customer").get(pk=lead.pk)
    if lead.is_closed:
        raise Conflict("线索已结案")
    salesperson = User.objects.filter(pk=salesperson_id, is_active=True, stores=lead.store_id, role=Role.SALESPERSON).first()
    if salesperson is None:
        raise InvalidInput({"salesperson_id": "请选择本店在职的销售顾问"})
    now = timezone.now()
    Task.objects.filter(source_key__startswith=f"lead:{lead.pk}:follow_up:", status=Task.Status.OPEN).update(
        status=Task.Status.CANCELLED, completed_at=now, completed_by=user
    )
    lead.followed_up_at = lead.follow_up_breached_at = None
    _push(lead, salesperson, now)
    return lead


# --- follow-up and outcome ------------------------------------------------------------------------


@transaction.atomic
def lead_follow_up(*, user, lead: Lead, note: str, outcome: str = "", sale_amount=None) -> Lead:
    """The salesperson records a follow-up (the first stops the 24 h clock); an outcome of won or
    lost closes the lead."""
    require(user, Perm.LEAD_FOLLOW_UP)
    note = (note or "").strip()
    if not note or len(note) > 1000:
        raise InvalidInput({"note": "请填写跟进记录（不超过1000字）"})
    if outcome not in ("", *Lead.CLOSED):
        raise InvalidInput({"outcome": "结果只能是已成交或已战败"})
    amount = _amount(sale_amount) if outcome == Lead.Status.WON else None
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.is_closed:
        raise Conflict("线索已结案")
    if lead.salesperson_id != user.pk and not has_perm(user, Perm.LEAD_ASSIGN):
        raise Forbidden("只有负责该线索的销售顾问可以跟进")
    now = timezone.now()
    LeadFollowUp.objects.create(lead=lead, by=user, at=now, note=note)
    _mark_followed_up(lead, user, now)
    if outcome:
        lead.status, lead.closed_at, lead.close_note, lead.sale_amount = outcome, now, note[:500], amount
    sla_refresh(lead, now=now)
    lead.save()
    return lead


def _amount(value):
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput({"sale_amount": "金额格式不正确"}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("10000000000"):
        raise InvalidInput({"sale_amount": "金额须为 0 至 100 亿元之间"})
    return amount


def _mark_followed_up(lead: Lead, user, now: dt.datetime) -> None:
    if lead.followed_up_at is None:
        lead.followed_up_at = now
    if lead.status == Lead.Status.PUSHED:
        lead.status = Lead.Status.FOLLOWING
    Task.objects.filter(source_key__startswith=f"lead:{lead.pk}:follow_up:", status=Task.Status.OPEN).update(
        status=Task.Status.DONE, outcome=Outcome.DONE, completed_at=now, completed_by=user
    )


def lead_task_outcome(task: Task) -> None:
    """A follow-up task closed from "我的任务" counts as the first follow-up of its lead."""
    parts = task.source_key.split(":")
    if len(parts) < 3 or parts[2] != "follow_up" or task.status != Task.Status.DONE:
        return
    lead = Lead.objects.select_for_update().filter(pk=parts[1]).first()
    if lead is None or lead.is_closed or lead.followed_up_at is not None:
        return
    now = task.completed_at or timezone.now()
    LeadFollowUp.objects.create(lead=lead, by=task.completed_by, at=now, note=task.notes[-1000:] or task.get_outcome_display())
    _mark_followed_up(lead, task.completed_by, now)
    sla_refresh(lead, now=now)
    lead.save()


# --- the clock job --------------------------------------------------------------------------------


def lead_clocks_run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Every minute: push leads still waiting for a salesperson; a missed 1 h push or 24 h follow-up
    is escalated to the sales manager once (conditional claim per clock)."""
    now = now or timezone.now()
    counts: Counter = Counter()
    leads = Lead.objects.select_related("customer")
    for pk in list(Lead.objects.filter(status=Lead.Status.NEW).order_by("recorded_at").values_list("pk", flat=True)[:BATCH]):
        handle_isolated(_retry_push, leads, pk, now, counts)
    for pk in list(due_candidates(Lead, now=now)[:BATCH]):
        handle_isolated(_breach, leads, pk, now, counts)
    return {key: counts[key] for key in ("pushed", "escalated", "failed")}


def _retry_push(lead: Lead, now: dt.datetime) -> Counter:
    if lead.status != Lead.Status.NEW:
        return Counter()
    salesperson = customer_salesperson(customer_id=lead.customer_id, store_id=lead.store_id) or next_salesperson(
        store_id=lead.store_id
    )
    if salesperson is None:
        return Counter()
    _push(lead, salesperson, now)
    return Counter(pushed=1)


def sales_manager(store_id: int) -> User | None:
    """The store manager of the sales department, else the store's manager."""
    manager = (
        User.objects.filter(is_active=True, stores=store_id, role=Role.STORE_MANAGER, department__kind=Department.Kind.SALES)
        .order_by("pk")
        .first()
    )
    return manager or store_manager(store_id)


def _breach(lead: Lead, now: dt.datetime) -> Counter:
    clocks = claim_breaches(lead, now=now)
    manager = sales_manager(lead.store_id) if clocks else None
    for clock in clocks:
        staff_task(
            store_id=lead.store_id,
            customer_id=lead.customer_id,
            assignee=manager,
            kind="lead_escalated",
            title=f"售后线索{clock.label}超时：{lead.customer.name}（{lead.grade}级）",
            due_at=now + dt.timedelta(hours=1),
            source_key=f"lead:{lead.pk}:late_{clock.name}:{getattr(lead, clock.due).timestamp():.0f}",
            script=lead.description,
        )
    if clocks:
        lead.escalated_to = manager
    _refresh_saved(lead, now)
    return Counter(escalated=len(clocks))


def _refresh_saved(item: SlaTracked, now: dt.datetime) -> None:
    sla_refresh(item, now=now)
    item.save()


# --- salesperson care (DOMAIN §11) ----------------------------------------------------------------


def sales_care_on_service_arrival(*, customer, source_key: str) -> Task | None:
    """When a customer arrives for service, their salesperson gets a care-call task — once per arrival
    (the caller's source_key). None when the customer has no salesperson in the store."""
    salesperson = customer_salesperson(customer_id=customer.pk, store_id=customer.store_id)
    if salesperson is None:
        return None
    hours = policy_value(customer.store_id, "leads.care_call_hours")
    return staff_task(
        store_id=customer.store_id,
        customer_id=customer.pk,
        assignee=salesperson,
        kind="sales_care_call",
        title=f"关怀电话：{customer.name} 今日到店售后",
        due_at=timezone.now() + dt.timedelta(hours=hours),
        source_key=f"sales_care:{source_key}"[:120],
        script="客户今日到店保养/维修，请致电关怀，了解用车感受，必要时记录增购/置换/转介绍需求。",
    )
