"""Reads of reminder plans: what is coming up for a vehicle, what the store sends on a day."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from core.dates import local_day_range
from core.scoping import scoped
from reminders.models import Reminder, ReminderKind, ReminderStep
from reminders.rules import add_months
from reminders.services import calendar_known
from tasks.models import Outcome, Task
from vehicles.models import ELECTRIFIED, Vehicle

_FIRST_SERVICE_ONLY = {"first_service_sales", "first_service_after_sales"}


@dataclass(frozen=True)
class PlannedStep:
    kind: str
    kind_label: str
    step: str
    label: str
    action: str
    due_on: dt.date
    scheduled_on: dt.date


def _anchors(vehicle: Vehicle) -> dict[str, dt.date | None]:
    return {
        "service": vehicle.service_due_on,
        "insurance": vehicle.insurance_expiry,
        "inspection": vehicle.inspection_due,
        "warranty": vehicle.warranty_end_date,
        "anniversary": add_months(vehicle.purchase_date, 36),
        "ev_battery": vehicle.battery_check_due_on if vehicle.powertrain in ELECTRIFIED else None,
    }


def vehicle_upcoming(*, vehicle: Vehicle, today: dt.date, horizon_days: int = 120) -> list[PlannedStep]:
    """The steps the plan will take in the next `horizon_days`, from the stored due dates."""
    if not vehicle.is_active:
        return []
    anchors = _anchors(vehicle)
    planned = []
    for step in ReminderStep.objects.filter(store_id=vehicle.store_id, enabled=True):
        due_on = anchors.get(step.kind)
        if due_on is None or (step.code in _FIRST_SERVICE_ONLY and vehicle.service_cycle > 0):
            continue
        scheduled = (
            vehicle.parts_order_call_on if step.code == "service_parts_call" else due_on + dt.timedelta(days=step.offset_days)
        )
        if scheduled and today <= scheduled <= today + dt.timedelta(days=horizon_days):
            planned.append(
                PlannedStep(step.kind, ReminderKind(step.kind).label, step.code, step.label, step.action, due_on, scheduled)
            )
    return sorted(planned, key=lambda p: (p.scheduled_on, p.step))


def vehicle_reminder_history(*, vehicle: Vehicle, limit: int = 20) -> QuerySet:
    return Reminder.objects.filter(vehicle=vehicle).order_by("-scheduled_on", "-id")[:limit]


def reminder_list(*, user, day: dt.date | None = None, kind: str | None = None) -> QuerySet:
    queryset = scoped(Reminder.objects, user).select_related("customer", "vehicle").order_by("-scheduled_on", "kind", "id")
    if day is not None:
        queryset = queryset.filter(scheduled_on=day)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def calendar_warning(day: dt.date) -> str:
    """DOMAIN §4: for a year whose official schedule is unknown, warn the managers."""
    if calendar_known(day.year):
        return ""
    return f"{day.year} 年的法定节假日安排尚未录入：暂按周末计算工作日，请在“系统设置 › 法定节假日”中补充。"


REACHED = [Outcome.BOOKED, Outcome.CALL_BACK, Outcome.NOT_INTERESTED, Outcome.CAR_SOLD, Outcome.DONE]


def kpi_reminder_reach_daily(*, day: dt.date) -> list[dict]:
    """Reminder calls completed on `day` / of those, the customer was reached (DOMAIN §4/§12
    reminder reach rate): every outcome but "no answer" and "wrong number" is a reach."""
    start, end = local_day_range(day)
    rows = (
        Task.objects.filter(completed_at__gte=start, completed_at__lt=end, source_key__startswith="reminder:")
        .values("store_id", staff=F("completed_by_id"))
        .annotate(numerator=Count("id", filter=Q(outcome__in=REACHED)), denominator=Count("id"))
        .order_by()
    )
    return [{**row, "staff_id": row.pop("staff")} for row in rows]
