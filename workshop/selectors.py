"""Reads of the workshop, always scoped to the user's stores, and the KPI sources of DOMAIN §12
(one set-based GROUP BY per measure, per store and advisor, for one local day)."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import Role
from core.policies import policy_value
from core.scoping import get_scoped_or_404, scoped
from workshop.models import QualityCheck, RepairOrder

LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)
State = RepairOrder.State


def repair_order_list(
    *, user, state: str = "", advisor_id: int | None = None, vehicle_id: int | None = None, repeat_only: bool = False
) -> QuerySet:
    queryset = scoped(RepairOrder.objects, user).select_related("vehicle", "customer", "advisor", "technician")
    if state:
        queryset = queryset.filter(state=state)
    if repeat_only:
        queryset = queryset.filter(is_repeat_repair=True)
    if advisor_id:
        queryset = queryset.filter(advisor_id=advisor_id)
    if vehicle_id:
        queryset = queryset.filter(vehicle_id=vehicle_id)
    return queryset.order_by("-arrived_at", "-id")


def repair_order_get(*, user, order_id: int) -> RepairOrder:
    queryset = RepairOrder.objects.select_related("vehicle", "customer", "advisor", "technician", "store", "repeat_of")
    return get_scoped_or_404(queryset, user, pk=order_id)


def repair_order_jobs(*, user) -> QuerySet:
    """A technician's "my jobs": the orders assigned to them that are still in the workshop; a team
    leader also sees every car waiting in QC (their re-check, DOMAIN §6 step 5)."""
    mine = Q(technician=user, state__in=(State.CONFIRMED, State.IN_PROGRESS, State.QC))
    if user.role == Role.TEAM_LEADER:
        mine |= Q(state=State.QC)
    return (
        scoped(RepairOrder.objects, user)
        .filter(mine)
        .select_related("vehicle", "advisor", "technician")
        .order_by("promised_at", "id")
    )


def customer_repair_orders(*, customer, limit: int = 5) -> list[RepairOrder]:
    return list(
        RepairOrder.objects.filter(customer=customer).select_related("vehicle", "advisor").order_by("-arrived_at", "-id")[:limit]
    )


@dataclass
class Step:
    number: int
    name: str
    owner: str
    standard: str
    done_at: dt.datetime | None
    minutes: int | None = None
    late: bool = False
    current: bool = False
    short: bool = False


def repair_order_steps(order: RepairOrder, now: dt.datetime | None = None) -> list[Step]:
    """The seven steps of DOMAIN §6 with their owner, time standard and how this order fares."""
    store = order.store_id
    low, high = (policy_value(store, "workshop.recording_min_minutes"), policy_value(store, "workshop.recording_max_minutes"))
    recording = order.minutes("received_at", "recorded_at")
    plan = order.minutes("recorded_at", "planned_at")
    steps = [
        Step(
            1,
            "接待",
            "服务顾问",
            f"到店 {policy_value(store, 'workshop.reception_minutes')} 分钟内",
            order.received_at,
            order.minutes("arrived_at", "received_at"),
            order.received_at > order.reception_due_at,
        ),
        Step(
            2,
            "问诊与环车检查",
            "服务顾问",
            f"{low}–{high} 分钟",
            order.recorded_at,
            recording,
            recording is not None and recording > high,
            short=recording is not None and recording < low,
        ),
        Step(
            3,
            "诊断、方案与估价",
            "服务顾问 + 技师",
            f"{policy_value(store, 'workshop.plan_minutes')} 分钟内，客户确认",
            order.approved_at,
            plan,
            bool(order.plan_due_at and order.planned_at and order.planned_at > order.plan_due_at),
        ),
        Step(4, "维修作业", "技师", "变更须客户重新确认", order.qc_started_at if order.ready_at else None),
        Step(5, "三级质检", "技师 → 班组长 → 服务顾问", "逐级检验，不合格返工", order.ready_at),
        Step(6, "交车", "服务顾问", "结算清单、展示旧件、下次建议", order.delivered_at),
        Step(7, "回访", "客服/服务顾问", "交车后 3 天内回访", order.closed_at),
    ]
    current = current_step(order)
    for step in steps:
        step.current = step.number == current
    if order.promised_at and order.ready_at is None and order.state in RepairOrder.IN_SHOP:
        steps[3].late = (now or timezone.now()) > order.promised_at
    return steps


def current_step(order: RepairOrder) -> int:
    """The step the order is at (for staff and the customer's progress page)."""
    if order.state == State.DRAFT:
        return 2 if order.recorded_at is None else 3
    return {
        State.CONFIRMED: 4,
        State.IN_PROGRESS: 4,
        State.QC: 5,
        State.READY: 6,
        State.DELIVERED: 7,
        State.CLOSED: 7,
        State.CANCELLED: 0,
    }[order.state]


def qc_rounds(order: RepairOrder) -> list[tuple[int, list[QualityCheck]]]:
    rounds: dict[int, list[QualityCheck]] = {}
    for check in order.quality_checks.select_related("checked_by"):
        rounds.setdefault(check.round, []).append(check)
    return sorted(rounds.items())


# --- KPI sources (DOMAIN §12: average repair time, repeat-repair rate; §6 reception standard) ------


def _day_range(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL)
    return start, start + dt.timedelta(days=1)


def _rows(queryset, numerator: str = "numerator") -> list[dict]:
    return [
        {"store_id": r["store_id"], "staff_id": r["advisor_id"], "numerator": r[numerator], "denominator": r["denominator"]}
        for r in queryset
    ]


def kpi_repair_time_daily(*, day: dt.date) -> list[dict]:
    """Orders delivered that local day: numerator = total minutes from reception to ready, denominator
    = those orders (the dashboard divides: average repair time)."""
    start, end = _day_range(day)
    rows = (
        RepairOrder.objects.filter(delivered_at__gte=start, delivered_at__lt=end, ready_at__isnull=False)
        .values("store_id", "advisor_id")
        .annotate(
            duration=Sum(ExpressionWrapper(F("ready_at") - F("received_at"), output_field=DurationField())),
            denominator=Count("id"),
        )
        .order_by()
    )
    return [
        {
            "store_id": r["store_id"],
            "staff_id": r["advisor_id"],
            "numerator": round(r["duration"].total_seconds() / 60) if r["duration"] else 0,
            "denominator": r["denominator"],
        }
        for r in rows
    ]


def kpi_repeat_repair_daily(*, day: dt.date) -> list[dict]:
    """Orders opened (arrived) that local day: repeat-flagged ones / all of them."""
    start, end = _day_range(day)
    rows = (
        RepairOrder.objects.filter(arrived_at__gte=start, arrived_at__lt=end)
        .values("store_id", "advisor_id")
        .annotate(numerator=Count("id", filter=Q(is_repeat_repair=True)), denominator=Count("id"))
        .order_by()
    )
    return _rows(rows)


def kpi_reception_on_time_daily(*, day: dt.date) -> list[dict]:
    """Orders opened that local day whose reception met the store's standard (≤ 5 min after arrival,
    stored as the order's reception deadline) / orders opened that day."""
    start, end = _day_range(day)
    rows = (
        RepairOrder.objects.filter(arrived_at__gte=start, arrived_at__lt=end)
        .values("store_id", "advisor_id")
        .annotate(numerator=Count("id", filter=Q(received_at__lte=F("reception_due_at"))), denominator=Count("id"))
        .order_by()
    )
    return _rows(rows)
