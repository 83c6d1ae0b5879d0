"""Reads of appointments, scoped to the acting user's stores: the day view, the welcome board, the
customer card, the walk-in queue and the fulfilment KPI (DOMAIN §5, §12)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from appointments.availability import LOCAL, capacity_for, store_open_window
from appointments.models import (
    GRANULE,
    HOLDING_STATUSES,
    Appointment,
    AppointmentPart,
    AppointmentStatus,
    ServiceBay,
    ServiceType,
    TechnicianProfile,
    WalkIn,
)
from core.dates import local_day_range
from core.scoping import get_scoped_or_404, scoped


def _with_relations(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("customer", "vehicle", "service_type", "bay", "technician", "advisor")


def appointment_list(*, user, day: dt.date | None = None, store_id: int | None = None, status: str | None = None) -> QuerySet:
    queryset = _with_relations(scoped(Appointment.objects, user)).order_by("starts_at", "id")
    if day is not None:
        start, end = local_day_range(day)
        queryset = queryset.filter(starts_at__gte=start, starts_at__lt=end)
    if store_id is not None:
        queryset = queryset.filter(store_id=store_id)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def appointment_get(*, user, appointment_id: int) -> Appointment:
    return get_scoped_or_404(_with_relations(Appointment.objects).prefetch_related("parts"), user, pk=appointment_id)


def part_get(*, user, part_id: int) -> AppointmentPart:
    part = AppointmentPart.objects.select_related("appointment").filter(pk=part_id).first()
    if part is None or not scoped(Appointment.objects, user).filter(pk=part.appointment_id).exists():
        raise Http404("未找到该记录")
    return part


def customer_upcoming(*, customer_id: int, now: dt.datetime | None = None, limit: int = 5) -> list[Appointment]:
    """The customer 360 card: the next active appointments (customer already scoped by the caller)."""
    now = now or timezone.now()
    return list(
        Appointment.objects.filter(
            customer_id=customer_id, starts_at__gte=now - dt.timedelta(hours=12), status__in=HOLDING_STATUSES
        )
        .select_related("service_type", "vehicle", "bay")
        .order_by("starts_at")[:limit]
    )


def service_types(*, store_id: int, active_only: bool = True) -> QuerySet:
    queryset = ServiceType.objects.filter(store_id=store_id).order_by("code")
    return queryset.filter(is_active=True) if active_only else queryset


def service_type_resolve(*, store_id: int, ref: str) -> ServiceType | None:
    """A service type of the store by id or by code (the API accepts both)."""
    queryset = ServiceType.objects.filter(store_id=store_id)
    if ref.isdigit():
        return queryset.filter(pk=int(ref)).first()
    return queryset.filter(code=ref).first()


def bay_get(*, user, bay_id: int) -> ServiceBay:
    return get_scoped_or_404(ServiceBay.objects, user, pk=bay_id)


def technician_get(*, user, technician_id: int):
    profile = get_scoped_or_404(TechnicianProfile.objects.select_related("user"), user, user_id=technician_id)
    return profile.user


# --- day view ---------------------------------------------------------------------------------------


@dataclass
class DayRow:
    label: str
    cells: list  # one entry per granule: None (free) or the appointment holding it


@dataclass
class DayView:
    day: dt.date
    times: list[dt.datetime]
    bays: list[DayRow]
    technicians: list[DayRow]
    is_open: bool


def day_view(*, store_id: int, day: dt.date) -> DayView:
    """The store's day per bay and per technician: which granules are free or taken (by whom)."""
    window = store_open_window(store_id, day)
    if window is None:
        return DayView(day, [], [], [], False)
    times = []
    moment = window[0]
    while moment < window[1]:
        times.append(moment)
        moment += GRANULE
    start, end = window
    appointments = list(
        Appointment.objects.filter(store_id=store_id, starts_at__lt=end, ends_at__gt=start, status__in=HOLDING_STATUSES)
        .select_related("customer", "service_type", "vehicle")
        .order_by("starts_at")
    )
    bays = ServiceBay.objects.filter(store_id=store_id, is_active=True).order_by("name")
    profiles = TechnicianProfile.objects.filter(store_id=store_id, is_active=True).select_related("user").order_by("user_id")
    return DayView(
        day,
        times,
        [DayRow(str(bay), _cells(times, [a for a in appointments if a.bay_id == bay.pk])) for bay in bays],
        [DayRow(str(p.user), _cells(times, [a for a in appointments if a.technician_id == p.user_id])) for p in profiles],
        True,
    )


def _cells(times: list[dt.datetime], appointments: list[Appointment]) -> list:
    return [next((a for a in appointments if a.starts_at <= moment < a.ends_at), None) for moment in times]


# --- welcome board and walk-ins ---------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    time: str
    name: str
    plate: str
    service: str
    status: str
    arrived: bool


TITLES = {"M": "先生", "F": "女士"}


def mask_name(name: str, gender: str = "") -> str:
    """张三 → 张先生 / 张女士 / 张**: the first character only and a fixed mask, so neither the given
    name nor its length shows on a public screen."""
    name = (name or "").strip()
    if not name:
        return "客户"
    return name[:1] + TITLES.get(gender, "**")


def mask_plate(plate: str) -> str:
    """粤B·D12345 → 粤B·***45: the province and city letter and the last two characters."""
    compact = (plate or "").replace("·", "").replace(" ", "")
    if len(compact) < 5:
        return "***" if compact else ""
    return f"{compact[:2]}·{'*' * (len(compact) - 4)}{compact[-2:]}"


def welcome_board(*, store_id: int, day: dt.date) -> list[BoardRow]:
    """DOMAIN §5 预约欢迎看板: today's expected and arrived guests for the lobby screen, with names
    and plates masked (no personal data in clear on a public screen)."""
    start, end = local_day_range(day)
    appointments = (
        Appointment.objects.filter(store_id=store_id, starts_at__gte=start, starts_at__lt=end)
        .exclude(status__in=[AppointmentStatus.CANCELLED])
        .select_related("customer", "vehicle", "service_type")
        .order_by("starts_at", "id")
    )
    return [
        BoardRow(
            time=f"{a.starts_at.astimezone(LOCAL):%H:%M}",
            name=mask_name(a.customer.name, a.customer.gender),
            plate=mask_plate(a.vehicle.plate) if a.vehicle_id else "",
            service=a.service_type.name,
            status=_board_status(a.status),
            arrived=a.status in (AppointmentStatus.ARRIVED, AppointmentStatus.IN_SERVICE, AppointmentStatus.COMPLETED),
        )
        for a in appointments
    ]


def _board_status(status: str) -> str:
    return {
        AppointmentStatus.BOOKED: "恭候光临",
        AppointmentStatus.CONFIRMED: "恭候光临",
        AppointmentStatus.ARRIVED: "已到店",
        AppointmentStatus.IN_SERVICE: "服务中",
        AppointmentStatus.COMPLETED: "已完工",
        AppointmentStatus.NO_SHOW: "未到店",
    }.get(status, "")


def walk_in_queue(*, user, store_id: int | None = None) -> QuerySet:
    queryset = scoped(WalkIn.objects, user).filter(status=WalkIn.Status.WAITING).select_related("service_type")
    if store_id is not None:
        queryset = queryset.filter(store_id=store_id)
    return queryset.order_by("arrived_at", "id")


def walk_in_get(*, user, walk_in_id: int) -> WalkIn:
    return get_scoped_or_404(WalkIn.objects.select_related("service_type"), user, pk=walk_in_id)


def free_capacity_summary(*, store_id: int, day: dt.date, service_type: ServiceType) -> dict:
    capacity = capacity_for(store_id=store_id, day=day, service_type=service_type)
    return {"bays": len(capacity.bays), "technicians": len(capacity.technicians), "open": capacity.window is not None}


# --- KPI --------------------------------------------------------------------------------------------


def kpi_appointment_fulfilment_daily(*, day: dt.date) -> list[dict]:
    """DOMAIN §5/§12 appointment fulfilment rate (kept ÷ booked) per store and advisor for one local
    day, in one GROUP BY: the denominator counts appointments starting that day except those
    cancelled before the day began; the numerator those that arrived or were served."""
    start, end = local_day_range(day)
    kept = Q(arrived_at__isnull=False) | Q(
        status__in=[AppointmentStatus.ARRIVED, AppointmentStatus.IN_SERVICE, AppointmentStatus.COMPLETED]
    )
    rows = (
        Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(status=AppointmentStatus.CANCELLED, cancelled_at__lt=start)
        .values("store_id", "advisor_id")
        .annotate(numerator=Count("id", filter=kept), denominator=Count("id"))
        .order_by("store_id", "advisor_id")
    )
    return [
        {
            "store_id": row["store_id"],
            "staff_id": row["advisor_id"],
            "numerator": row["numerator"],
            "denominator": row["denominator"],
        }
        for row in rows
    ]
