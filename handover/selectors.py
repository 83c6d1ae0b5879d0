"""Reads of the handover (DOMAIN §3): the work lists (late, unconfirmed), promises of a vehicle, the
information accuracy and the daily KPI sources."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from core.scoping import get_scoped_or_404, scoped
from handover.models import Correction, Handover, Promise

LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)

VIEWS = {
    "open": "待提交",
    "late": "超时未提交",
    "unconfirmed": "待售后确认",
    "confirmed": "已确认",
    "all": "全部",
}


def handover_list(*, user, view: str = "open", now: dt.datetime | None = None) -> QuerySet:
    """The handovers of the user's stores; `late` = not submitted within the 24 h, or submitted late
    and still unconfirmed; `unconfirmed` = submitted, waiting for the specialist."""
    now = now or timezone.now()
    queryset = scoped(Handover.objects, user).select_related("customer", "vehicle", "salesperson", "specialist")
    if view == "open":
        queryset = queryset.filter(status=Handover.Status.OPEN)
    elif view == "late":
        queryset = queryset.filter(
            Q(status=Handover.Status.OPEN, submit_due_at__lt=now)
            | Q(status=Handover.Status.SUBMITTED, submitted_at__gt=F("submit_due_at"))
            | Q(status=Handover.Status.SUBMITTED, confirm_due_at__lt=now)
        )
    elif view == "unconfirmed":
        queryset = queryset.filter(status=Handover.Status.SUBMITTED)
    elif view == "confirmed":
        queryset = queryset.filter(status=Handover.Status.CONFIRMED)
    return queryset.order_by("submit_due_at", "pk")


def handover_counts(*, user, now: dt.datetime | None = None) -> dict[str, int]:
    """How many handovers are late and how many wait for confirmation (DOMAIN §3: listed and counted)."""
    now = now or timezone.now()
    return scoped(Handover.objects, user).aggregate(
        late=Count("pk", filter=Q(status=Handover.Status.OPEN, submit_due_at__lt=now)),
        open=Count("pk", filter=Q(status=Handover.Status.OPEN)),
        unconfirmed=Count("pk", filter=Q(status=Handover.Status.SUBMITTED)),
    )


def handover_get(*, user, handover_id: int) -> Handover:
    return get_scoped_or_404(
        Handover.objects.select_related("customer", "vehicle", "salesperson", "specialist", "confirmed_by"), user, pk=handover_id
    )


def handover_for_customer(*, customer_id: int) -> QuerySet:
    return Handover.objects.filter(customer_id=customer_id).select_related("vehicle").order_by("-delivered_at")


def corrections_of(*, handover: Handover) -> QuerySet:
    return Correction.objects.filter(handover=handover).select_related("corrected_by")


def promises_for_vehicle(*, vehicle_id) -> list:
    """Everything promised at sale for this vehicle (DOMAIN §3: service sees it on every repair order)."""
    return list(Promise.objects.filter(vehicle_id=vehicle_id).order_by("pk"))


def promises_for_customer(*, customer_id: int) -> list:
    return list(Promise.objects.filter(handover__customer_id=customer_id).select_related("vehicle").order_by("vehicle_id", "pk"))


def accuracy(*, user, since: dt.date, until: dt.date) -> dict:
    """Information accuracy of the handovers confirmed in [since, until] (local days):
    1 − fields corrected ÷ fields handed over (DOMAIN §3, target ≥ 98 %)."""
    start, end = _local_range(since, until)
    totals = scoped(Handover.objects, user).filter(confirmed_at__gte=start, confirmed_at__lt=end)
    totals = totals.aggregate(checked=Sum("fields_checked"), corrected=Sum("fields_corrected"), handovers=Count("pk"))
    checked, corrected = totals["checked"] or 0, totals["corrected"] or 0
    percent = round(100 * (checked - corrected) / checked, 2) if checked else None
    return {
        "handovers": totals["handovers"],
        "fields_checked": checked,
        "fields_corrected": corrected,
        "accuracy_percent": percent,
    }


def _local_range(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(since, dt.time(0), tzinfo=LOCAL)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(0), tzinfo=LOCAL)
    return start, end


# --- KPI sources (the coordinator's dashboards): one GROUP BY each, per (store, staff) ------------


def kpi_handover_accuracy_daily(*, day: dt.date) -> list[dict]:
    """Fields not corrected / fields checked of the handovers confirmed that local day (staff = salesperson)."""
    start, end = _local_range(day, day)
    rows = (
        Handover.objects.filter(confirmed_at__gte=start, confirmed_at__lt=end)
        .values("store_id", "salesperson_id")
        .annotate(numerator=Sum(F("fields_checked") - F("fields_corrected")), denominator=Sum("fields_checked"))
        .order_by("store_id", "salesperson_id")
    )
    return [
        {
            "store_id": r["store_id"],
            "staff_id": r["salesperson_id"],
            "numerator": r["numerator"] or 0,
            "denominator": r["denominator"] or 0,
        }
        for r in rows
    ]


def kpi_handover_on_time_daily(*, day: dt.date) -> list[dict]:
    """Handovers of cars delivered that local day submitted by their deadline / those handovers."""
    start, end = _local_range(day, day)
    rows = (
        Handover.objects.filter(delivered_at__gte=start, delivered_at__lt=end)
        .values("store_id", "salesperson_id")
        .annotate(numerator=Count("pk", filter=Q(submitted_at__lte=F("submit_due_at"))), denominator=Count("pk"))
        .order_by("store_id", "salesperson_id")
    )
    return [
        {"store_id": r["store_id"], "staff_id": r["salesperson_id"], "numerator": r["numerator"], "denominator": r["denominator"]}
        for r in rows
    ]
