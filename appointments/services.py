"""Booking and the life of an appointment (DOMAIN §5): book, confirm, reschedule, cancel, check in,
serve, complete, no-show; parts pre-orders; confirmation and day-before messages; walk-ins.

No double booking: a booking inserts one SlotClaim per 15-minute granule of its bay and of its
technician in the same transaction as the appointment; the unique constraints on the claims refuse
a second holder on SQLite and PostgreSQL alike (SQLite runs transactions in IMMEDIATE mode, so
concurrent writers wait; on PostgreSQL the loser's insert fails and it re-reads the capacity)."""

import datetime as dt
import logging
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Perm, require
from appointments.availability import LOCAL, capacity_for, granules, is_aligned, labour_duration, store_open_window
from appointments.models import (
    GRANULE,
    Appointment,
    AppointmentPart,
    AppointmentStatus,
    BookingChannel,
    PartStatus,
    ServiceBay,
    ServiceType,
    SlotClaim,
    WalkIn,
)
from core.errors import Conflict, InvalidInput
from core.policies import policy_value
from customers.models import Customer
from tasks.models import Task
from vehicles.models import Vehicle

logger = logging.getLogger(__name__)
Status = AppointmentStatus
SLOT_TAKEN = "该时段已被预约，请选择其他时段"
CLAIM_RETRIES = 20
_RANDOM = random.SystemRandom()
CALL_HOUR = 10

# One transition table; each target state stamps its own column (STYLE §5).
TRANSITIONS = {
    Status.BOOKED: {Status.CONFIRMED, Status.ARRIVED, Status.NO_SHOW, Status.CANCELLED},
    Status.CONFIRMED: {Status.ARRIVED, Status.NO_SHOW, Status.CANCELLED},
    Status.ARRIVED: {Status.IN_SERVICE, Status.COMPLETED, Status.CANCELLED},
    Status.IN_SERVICE: {Status.COMPLETED},
}
STAMPS = {
    Status.CONFIRMED: "confirmed_at",
    Status.ARRIVED: "arrived_at",
    Status.IN_SERVICE: "in_service_at",
    Status.COMPLETED: "completed_at",
    Status.NO_SHOW: "no_show_at",
    Status.CANCELLED: "cancelled_at",
}
RELEASING = {Status.NO_SHOW, Status.CANCELLED}


@dataclass(frozen=True)
class PartRequest:
    """A part the job needs; `in_stock=False` makes it a pre-order with the given lead time."""

    name: str
    quantity: int = 1
    unit_price: Decimal = Decimal("0")
    part_number: str = ""
    in_stock: bool = True
    lead_days: int = 0


# --- booking ----------------------------------------------------------------------------------------


def appointment_book(
    *,
    user: User,
    customer: Customer,
    service_type: ServiceType,
    starts_at: dt.datetime,
    vehicle: Vehicle | None = None,
    bay: ServiceBay | None = None,
    technician: User | None = None,
    advisor: User | None = None,
    channel: str = BookingChannel.STAFF,
    notes: str = "",
    parts: list[PartRequest] | tuple = (),
) -> Appointment:
    """Staff booking (front desk, phone, customer 360 page). Bay and technician are chosen when not
    given; a taken slot is a Conflict (409), a bad request an InvalidInput (422)."""
    require(user, Perm.APPOINTMENT_BOOK)
    if customer.store_id not in user.accessible_store_ids():
        raise InvalidInput({"customer_id": "无权在该门店预约"})
    if channel not in (BookingChannel.STAFF, BookingChannel.PHONE):
        raise InvalidInput({"channel": "员工预约渠道须为门店前台或电话预约"})
    if advisor is None and user.role == "advisor":
        advisor = user
    return _book(
        customer=customer,
        service_type=service_type,
        starts_at=starts_at,
        vehicle=vehicle,
        bay=bay,
        technician=technician,
        advisor=advisor,
        channel=channel,
        notes=notes,
        parts=parts,
        created_by=user,
        earliest=timezone.now(),
    )


def appointment_self_book(
    *,
    customer: Customer,
    service_type: ServiceType,
    starts_at: dt.datetime,
    vehicle: Vehicle | None = None,
    notes: str = "",
    channel: str = BookingChannel.SELF_SERVICE,
) -> Appointment:
    """The customer's own booking on the H5 page (identified by code or signed link): only the free
    slots the page offers, with the store's minimum notice."""
    notice = dt.timedelta(minutes=policy_value(customer.store_id, "appointments.min_notice_minutes"))
    return _book(
        customer=customer,
        service_type=service_type,
        starts_at=starts_at,
        vehicle=vehicle,
        advisor=vehicle.service_advisor if vehicle is not None else None,
        channel=channel,
        notes=notes,
        earliest=timezone.now() + notice,
    )


def _book(
    *,
    customer,
    service_type,
    starts_at,
    vehicle=None,
    bay=None,
    technician=None,
    advisor=None,
    channel,
    notes="",
    parts=(),
    created_by=None,
    earliest,
) -> Appointment:
    starts_at = _aware(starts_at)
    _check_request(customer, service_type, vehicle, bay, technician, advisor, notes, channel)
    ends_at = starts_at + labour_duration(service_type)
    _check_time(customer.store_id, starts_at, ends_at, earliest)
    parts = list(parts)
    _check_parts(parts, starts_at)
    with transaction.atomic():
        appointment = Appointment(
            store_id=customer.store_id,
            customer=customer,
            vehicle=vehicle,
            service_type=service_type,
            advisor=advisor,
            starts_at=starts_at,
            ends_at=ends_at,
            channel=channel,
            notes=notes.strip(),
            estimated_labour_minutes=service_type.labour_minutes,
            estimated_labour_amount=service_type.labour_amount,
            created_by=created_by,
        )
        resources_claim(appointment, bay=bay, technician=technician)
        _parts_add(appointment, parts)
        _notify(appointment, "appointment_confirmed", key="confirmed")
    return appointment


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=LOCAL)


def _check_request(customer, service_type, vehicle, bay, technician, advisor, notes, channel) -> None:
    store_id = customer.store_id
    errors = {}
    if service_type.store_id != store_id or not service_type.is_active:
        errors["service_type"] = "服务类型不存在或已停用"
    if vehicle is not None and (vehicle.owner_id != customer.pk or vehicle.store_id != store_id):
        errors["vehicle_id"] = "车辆不属于该客户"
    if bay is not None and (bay.store_id != store_id or not bay.is_active or bay.kind != service_type.bay_kind):
        errors["bay_id"] = f"该工位不适合此服务（需要{service_type.get_bay_kind_display()}）"
    if technician is not None:
        profile = getattr(technician, "technician_profile", None)
        if (
            profile is None
            or profile.store_id != store_id
            or not profile.is_active
            or not profile.has_skill(service_type.required_skill)
        ):
            errors["technician_id"] = f"该技师不具备所需技能（{service_type.get_required_skill_display()}）"
    if advisor is not None and store_id not in advisor.accessible_store_ids():
        errors["advisor_id"] = "服务顾问不属于该门店"
    if len(notes) > 2000:
        errors["notes"] = "备注不能超过 2000 字"
    if channel not in BookingChannel.values:
        errors["channel"] = "未知的预约渠道"
    if errors:
        raise InvalidInput(errors)


def _check_time(store_id: int, starts_at: dt.datetime, ends_at: dt.datetime, earliest: dt.datetime) -> None:
    """DOMAIN §5 bad input: the past, off the 15-minute grid, beyond the horizon, a closed day or
    outside opening hours are refused with a message that says which."""
    horizon = policy_value(store_id, "appointments.horizon_days")
    if starts_at <= timezone.now():
        raise InvalidInput({"starts_at": "不能预约过去的时间"})
    if starts_at < earliest:
        raise InvalidInput({"starts_at": f"请至少提前 {policy_value(store_id, 'appointments.min_notice_minutes')} 分钟预约"})
    if not is_aligned(starts_at):
        raise InvalidInput({"starts_at": "预约时间须为整刻钟（如 09:00、09:15）"})
    if starts_at.astimezone(LOCAL).date() > timezone.localdate() + dt.timedelta(days=horizon):
        raise InvalidInput({"starts_at": f"最多可预约 {horizon} 天内的时段"})
    window = store_open_window(store_id, starts_at.astimezone(LOCAL).date())
    if window is None:
        raise InvalidInput({"starts_at": "门店当天不营业，请选择其他日期"})
    if starts_at < window[0] or ends_at > window[1]:
        hours = f"{window[0]:%H:%M}–{window[1]:%H:%M}"
        raise InvalidInput(
            {"starts_at": f"超出门店营业时间（{hours}），该服务预计需 {int((ends_at - starts_at).total_seconds() // 60)} 分钟"}
        )


def resources_claim(appointment: Appointment, *, bay: ServiceBay | None, technician: User | None) -> None:
    """Pick a free bay and technician for [starts_at, ends_at) and claim their granules. When
    another booking wins a race for the pair (unique violation), read the capacity again and try
    another free pair — a random one, so that bookers who lost together do not collide again on
    the same next pair; none left → Conflict with a clear message."""
    day = appointment.starts_at.astimezone(LOCAL).date()
    cells = granules(appointment.starts_at, appointment.ends_at)
    for attempt in range(CLAIM_RETRIES):
        capacity = capacity_for(store_id=appointment.store_id, day=day, service_type=appointment.service_type)
        bays, technicians = capacity.pair(appointment.starts_at, appointment.ends_at)
        bays = [b for b in bays if bay is None or b.pk == bay.pk]
        technicians = [t for t in technicians if technician is None or t.user_id == technician.pk]
        if not bays or not technicians:
            break
        if attempt:  # the preferred pair (first bay, least-loaded technician) was just lost
            bays, technicians = [_RANDOM.choice(bays)], [_RANDOM.choice(technicians)]
        appointment.bay, appointment.technician_id = bays[0], technicians[0].user_id
        appointment.save()
        claims = [SlotClaim(appointment=appointment, bay=appointment.bay, slot_at=cell) for cell in cells]
        claims += [SlotClaim(appointment=appointment, technician_id=appointment.technician_id, slot_at=cell) for cell in cells]
        try:
            with transaction.atomic():
                SlotClaim.objects.bulk_create(claims)
            return
        except IntegrityError:
            continue
    raise Conflict(SLOT_TAKEN, {"starts_at": SLOT_TAKEN})


# --- parts (preparation) ----------------------------------------------------------------------------


def _check_parts(parts: list[PartRequest], starts_at: dt.datetime) -> None:
    errors = {}
    arrives_by = starts_at.astimezone(LOCAL).date()
    for index, part in enumerate(parts):
        if not part.name.strip() or len(part.name) > 80:
            errors[f"parts.{index}.name"] = "请填写配件名称（不超过 80 字）"
        if part.quantity < 1:
            errors[f"parts.{index}.quantity"] = "数量须大于 0"
        if part.unit_price < 0:
            errors[f"parts.{index}.unit_price"] = "单价不能为负数"
        if part.lead_days < 0:
            errors[f"parts.{index}.lead_days"] = "订货周期不能为负数"
        elif not part.in_stock and timezone.localdate() + dt.timedelta(days=part.lead_days) > arrives_by:
            errors[f"parts.{index}.lead_days"] = f"配件预计 {part.lead_days} 天后到货，晚于预约日期，请改约到货之后的时段"
    if errors:
        raise InvalidInput(errors)


def _parts_add(appointment: Appointment, parts: list[PartRequest]) -> None:
    """Parts in stock are reserved; others become pre-orders (status "ordered") whose order deadline
    feeds the second call before the parts order deadline (DOMAIN §4) as a task."""
    if not parts:
        return
    today, day = timezone.localdate(), appointment.starts_at.astimezone(LOCAL).date()
    now = timezone.now()
    rows = [
        AppointmentPart(
            appointment=appointment,
            part_number=part.part_number.strip()[:40],
            name=part.name.strip(),
            quantity=part.quantity,
            unit_price=part.unit_price,
            status=PartStatus.IN_STOCK if part.in_stock else PartStatus.ORDERED,
            lead_days=0 if part.in_stock else part.lead_days,
            order_by=None if part.in_stock else day - dt.timedelta(days=part.lead_days),
            expected_on=None if part.in_stock else today + dt.timedelta(days=part.lead_days),
            ordered_at=None if part.in_stock else now,
        )
        for part in parts
    ]
    AppointmentPart.objects.bulk_create(rows)
    _estimate_parts(appointment)
    pre_orders = [row for row in rows if row.status == PartStatus.ORDERED]
    if pre_orders:
        _parts_call_task(appointment, min(row.order_by for row in pre_orders))


def _estimate_parts(appointment: Appointment) -> None:
    amount = AppointmentPart.objects.filter(appointment=appointment).exclude(status=PartStatus.CANCELLED).aggregate(
        total=Sum(F("unit_price") * F("quantity"))
    )["total"] or Decimal("0")
    Appointment.objects.filter(pk=appointment.pk).update(estimated_parts_amount=amount)
    appointment.estimated_parts_amount = amount


def _parts_call_task(appointment: Appointment, order_by: dt.date) -> Task:
    """The reminders' "second call before the parts order deadline": confirm the visit before the
    last day the parts can still be ordered (a day before it, never in the past)."""
    due_day = max(order_by - dt.timedelta(days=1), timezone.localdate())
    due_at = max(dt.datetime.combine(due_day, dt.time(CALL_HOUR), tzinfo=LOCAL), timezone.now())
    local = appointment.starts_at.astimezone(LOCAL)
    task, _ = Task.objects.get_or_create(
        source_key=f"appointment:{appointment.pk}:parts_call",
        defaults={
            "store_id": appointment.store_id,
            "customer_id": appointment.customer_id,
            "vehicle_id": appointment.vehicle_id,
            "assignee": appointment.advisor,
            "kind": "appointment_parts_call",
            "title": f"备件订货前确认电话：{local:%m-%d %H:%M} {appointment.service_type.name}",
            "script": "本次预约需要预订备件，请与客户确认到店时间，以便按时订货。",
            "due_at": due_at,
        },
    )
    return task


@transaction.atomic
def appointment_part_arrive(*, user: User, part: AppointmentPart) -> AppointmentPart:
    """A pre-ordered part has arrived (ordered → arrived)."""
    require(user, Perm.APPOINTMENT_RECEIVE)
    updated = AppointmentPart.objects.filter(pk=part.pk, status=PartStatus.ORDERED).update(
        status=PartStatus.ARRIVED, arrived_at=timezone.now()
    )
    if updated != 1:
        raise Conflict("只有已预订的配件才能登记到货")
    part.refresh_from_db()
    return part


# --- transitions ------------------------------------------------------------------------------------


def _transition(appointment: Appointment, target: str) -> Appointment:
    """The one state machine of an appointment: a conditional update (two clicks → one wins, the
    other gets 409), the target's timestamp stamped, the resources released on cancel / no-show."""
    allowed = TRANSITIONS.get(appointment.status, set())
    if target not in allowed:
        raise Conflict(f"预约当前状态为“{appointment.get_status_display()}”，不能改为“{Status(target).label}”")
    now = timezone.now()
    updated = Appointment.objects.filter(pk=appointment.pk, status=appointment.status).update(
        status=target, **{STAMPS[target]: now}, updated_at=now
    )
    if updated != 1:
        raise Conflict("预约状态已被他人更新，请刷新后重试")
    if target in RELEASING:
        SlotClaim.objects.filter(appointment=appointment).delete()
    appointment.status = target
    setattr(appointment, STAMPS[target], now)
    return appointment


@transaction.atomic
def appointment_confirm(*, user: User, appointment: Appointment) -> Appointment:
    """The customer confirmed the visit (e.g. answering the day-before reminder)."""
    require(user, Perm.APPOINTMENT_BOOK)
    return _transition(appointment, Status.CONFIRMED)


@transaction.atomic
def appointment_cancel(*, user: User | None, appointment: Appointment, reason: str = "") -> Appointment:
    """Cancel and free the bay and technician at once. `user` None: the customer on the H5 page."""
    if user is not None:
        require(user, Perm.APPOINTMENT_BOOK)
    if len(reason) > 200:
        raise InvalidInput({"reason": "取消原因不能超过 200 字"})
    _transition(appointment, Status.CANCELLED)
    Appointment.objects.filter(pk=appointment.pk).update(cancel_reason=reason.strip())
    appointment.cancel_reason = reason.strip()
    AppointmentPart.objects.filter(appointment=appointment, status=PartStatus.ORDERED).update(status=PartStatus.CANCELLED)
    Task.objects.filter(source_key=f"appointment:{appointment.pk}:parts_call", status=Task.Status.OPEN).update(
        status=Task.Status.CANCELLED
    )
    return appointment


@transaction.atomic
def appointment_reschedule(
    *,
    user: User | None,
    appointment: Appointment,
    starts_at: dt.datetime,
    bay: ServiceBay | None = None,
    technician: User | None = None,
) -> Appointment:
    """Move a booked or confirmed appointment: its claims are released and the new ones taken in the
    same transaction, so a taken new slot (409) leaves the old booking as it was."""
    if user is not None:
        require(user, Perm.APPOINTMENT_BOOK)
    appointment = Appointment.objects.select_related("service_type", "customer").get(pk=appointment.pk)
    if appointment.status not in (Status.BOOKED, Status.CONFIRMED):
        raise Conflict(f"预约当前状态为“{appointment.get_status_display()}”，不能改约")
    starts_at = _aware(starts_at)
    _check_request(appointment.customer, appointment.service_type, None, bay, technician, None, "", appointment.channel)
    ends_at = starts_at + labour_duration(appointment.service_type)
    _check_time(appointment.store_id, starts_at, ends_at, timezone.now())
    updated = Appointment.objects.filter(pk=appointment.pk, status=appointment.status, starts_at=appointment.starts_at).update(
        status=Status.BOOKED, confirmed_at=None, reminded_at=None
    )
    if updated != 1:
        raise Conflict("预约已被他人更新，请刷新后重试")
    SlotClaim.objects.filter(appointment=appointment).delete()
    appointment.starts_at, appointment.ends_at, appointment.status = starts_at, ends_at, Status.BOOKED
    appointment.confirmed_at = appointment.reminded_at = None
    appointment.reschedule_count += 1
    resources_claim(appointment, bay=bay, technician=technician)
    _notify(appointment, "appointment_rescheduled", key=f"rescheduled:{appointment.reschedule_count}")
    return appointment


@transaction.atomic
def appointment_check_in(*, user: User, appointment: Appointment) -> Appointment:
    """The customer arrived (booked/confirmed → arrived). The workshop calls this when it opens a
    repair order from an appointment; an appointment already arrived or in service is returned as
    it is, so a repeated call is harmless."""
    require(user, Perm.APPOINTMENT_RECEIVE)
    appointment = Appointment.objects.get(pk=appointment.pk)
    if appointment.status in (Status.ARRIVED, Status.IN_SERVICE):
        return appointment
    if appointment.status == Status.NO_SHOW:
        raise Conflict("该预约已标记爽约，工位已释放，请重新预约或登记为未预约到店")
    return _transition(appointment, Status.ARRIVED)


@transaction.atomic
def appointment_start_service(*, appointment: Appointment) -> Appointment:
    """Work has begun on the arrived car (arrived → in service); repeated calls are harmless."""
    appointment = Appointment.objects.get(pk=appointment.pk)
    if appointment.status == Status.IN_SERVICE:
        return appointment
    return _transition(appointment, Status.IN_SERVICE)


@transaction.atomic
def appointment_complete(*, appointment: Appointment) -> Appointment:
    """The car was delivered (arrived / in service → completed); the workshop calls this at
    delivery. Completing a completed appointment is harmless."""
    appointment = Appointment.objects.get(pk=appointment.pk)
    if appointment.status == Status.COMPLETED:
        return appointment
    return _transition(appointment, Status.COMPLETED)


@transaction.atomic
def appointment_mark_no_show(*, user: User | None, appointment: Appointment) -> Appointment:
    """DOMAIN §5 no-show handling: once the grace time after the start has passed without arrival,
    the appointment is a no-show, its resources are freed and the advisor gets a reschedule task.
    `user` None: the no-show job."""
    if user is not None:
        require(user, Perm.APPOINTMENT_RECEIVE)
    appointment = Appointment.objects.select_related("service_type", "vehicle").get(pk=appointment.pk)
    grace = dt.timedelta(minutes=policy_value(appointment.store_id, "appointments.no_show_grace_minutes"))
    if appointment.status in (Status.BOOKED, Status.CONFIRMED) and timezone.now() < appointment.starts_at + grace:
        raise Conflict(f"预约开始 {int(grace.total_seconds() // 60)} 分钟后仍未到店才能标记爽约")
    _transition(appointment, Status.NO_SHOW)
    _reschedule_task(appointment)
    return appointment


def _reschedule_task(appointment: Appointment) -> Task:
    local = appointment.starts_at.astimezone(LOCAL)
    plate = appointment.vehicle.plate if appointment.vehicle_id else ""
    task, _ = Task.objects.get_or_create(
        source_key=f"appointment:{appointment.pk}:no_show",
        defaults={
            "store_id": appointment.store_id,
            "customer_id": appointment.customer_id,
            "vehicle_id": appointment.vehicle_id,
            "assignee": appointment.advisor,
            "kind": "appointment_reschedule",
            "title": f"爽约改约：{local:%m-%d %H:%M} {appointment.service_type.name} {plate}".strip(),
            "script": "您好，您今天预约的服务未能到店，请问需要为您改约到其他时间吗？",
            "due_at": timezone.now() + dt.timedelta(hours=2),
        },
    )
    return task


def appointment_no_shows_mark(*, now: dt.datetime | None = None) -> int:
    """The job: every booked/confirmed appointment whose start plus the store's grace time has
    passed becomes a no-show with a reschedule task. Only today's and yesterday's starts are read
    (an index range), each handled in its own transaction; a rerun finds nothing new."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=2)
    candidates = Appointment.objects.filter(
        status__in=[Status.BOOKED, Status.CONFIRMED], starts_at__gte=since, starts_at__lt=now
    ).values_list("pk", "store_id", "starts_at")
    marked = 0
    for pk, store_id, starts_at in candidates:
        if now < starts_at + dt.timedelta(minutes=policy_value(store_id, "appointments.no_show_grace_minutes")):
            continue
        try:
            appointment_mark_no_show(user=None, appointment=Appointment(pk=pk))
            marked += 1
        except Conflict:
            continue  # arrived or cancelled meanwhile
    return marked


# --- messages ---------------------------------------------------------------------------------------


def _notify(appointment: Appointment, template_code: str, *, key: str) -> None:
    """A service notice by SMS through the outbox, in the booking's transaction. A template problem
    is stored on the outbox row (messaging's rule) and never undoes the booking."""
    from appointments.links import self_booking_link
    from messaging.services import message_queue

    local = appointment.starts_at.astimezone(LOCAL)
    topic = appointment.service_type.name
    if appointment.service_type.customer_notice:
        topic = f"{topic}（{appointment.service_type.customer_notice}）"
    variables = {
        "appointment_time": f"{local:%Y-%m-%d %H:%M}",
        "topic": topic[:100],
        "plate": appointment.vehicle.plate if appointment.vehicle_id else "",
        "link": self_booking_link(appointment.customer),
    }
    try:
        message_queue(
            store_id=appointment.store_id,
            customer=appointment.customer,
            channel="sms",
            purpose="service",
            template_code=template_code,
            variables=variables,
            idempotency_key=f"appointment:{appointment.pk}:{key}",
        )
    except InvalidInput as exc:
        logger.warning("appointment %s: %s not queued: %s", appointment.pk, template_code, exc.errors)


def appointment_reminders_send(*, day: dt.date) -> int:
    """DOMAIN §5: the reminder the day before — for every booked/confirmed appointment starting on
    the next local day. Idempotent: the outbox key is per appointment, and `reminded_at` is
    claimed with a conditional update."""
    from core.dates import local_day_range

    start, end = local_day_range(day + dt.timedelta(days=1))
    ids = list(
        Appointment.objects.filter(
            status__in=[Status.BOOKED, Status.CONFIRMED], starts_at__gte=start, starts_at__lt=end, reminded_at__isnull=True
        ).values_list("pk", flat=True)
    )
    sent = 0
    for pk in ids:
        with transaction.atomic():
            if Appointment.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=timezone.now()) != 1:
                continue
            appointment = Appointment.objects.select_related("customer", "service_type", "vehicle").get(pk=pk)
            _notify(appointment, "appointment_reminder", key="day_before")
            sent += 1
    return sent


APPOINTMENT_TEMPLATES = [
    (
        "appointment_confirmed",
        "预约确认",
        "{name}您好，您已成功预约{store_name}：{topic}，时间{appointment_time}，车辆{plate}。如需改约请点击{link}，或致电{store_phone}。",
    ),
    (
        "appointment_reminder",
        "预约前一天提醒",
        "{name}您好，提醒您明天{appointment_time}到{store_name}办理{topic}，车辆{plate}，工位已为您预留。改约请点击{link}。",
    ),
    (
        "appointment_rescheduled",
        "预约改约通知",
        "{name}您好，您在{store_name}的预约已改到{appointment_time}：{topic}，车辆{plate}。如需再次调整请点击{link}。",
    ),
    ("appointment_code", "自助预约验证码", "您的自助预约验证码为{topic}，10分钟内有效。如非本人操作请忽略。"),
]


def appointment_templates_ensure() -> None:
    """The group-wide default SMS texts (managers can edit or override them per store)."""
    from messaging.models import MessageTemplate

    for code, name, body in APPOINTMENT_TEMPLATES:
        MessageTemplate.objects.get_or_create(
            store=None, code=code, channel="sms", defaults={"purpose": "service", "name": name, "body": body}
        )


# --- walk-ins ---------------------------------------------------------------------------------------


def walk_in_estimate(*, store_id: int, service_type: ServiceType, now: dt.datetime | None = None) -> dt.datetime | None:
    """DOMAIN §5: appointments have priority, walk-ins get a waiting estimate. The estimate is the
    start of the gap in today's bookings that the walk-ins already waiting for the same kind of
    work leave free: the n-th waiting customer gets the (n+1)-th free pair from now on."""
    now = now or timezone.now()
    day = now.astimezone(LOCAL).date()
    capacity = capacity_for(store_id=store_id, day=day, service_type=service_type)
    if capacity.window is None:
        return None
    ahead = WalkIn.objects.filter(store_id=store_id, status=WalkIn.Status.WAITING, service_type=service_type).count()
    duration = labour_duration(service_type)
    start = max(_next_granule(now), capacity.window[0])
    while start + duration <= capacity.window[1]:
        bays, technicians = capacity.pair(start, start + duration)
        free = min(len(bays), len(technicians))
        if free > ahead:
            return start
        ahead -= free
        start += duration if free else GRANULE
    return None


def _next_granule(moment: dt.datetime) -> dt.datetime:
    local = moment.astimezone(LOCAL).replace(second=0, microsecond=0)
    minutes = (15 - local.minute % 15) % 15
    return local + dt.timedelta(minutes=minutes)


@transaction.atomic
def walk_in_register(
    *, user: User, name: str, service_type: ServiceType, plate: str = "", customer: Customer | None = None
) -> WalkIn:
    """Register a customer who came without a booking, with the waiting estimate."""
    require(user, Perm.APPOINTMENT_RECEIVE)
    errors = {}
    if not name.strip() or len(name.strip()) > 60:
        errors["name"] = "请填写客户称呼（不超过 60 字）"
    if len(plate.strip()) > 16:
        errors["plate"] = "车牌号过长"
    if service_type.store_id not in user.accessible_store_ids() or not service_type.is_active:
        errors["service_type"] = "服务类型不存在或已停用"
    if customer is not None and customer.store_id != service_type.store_id:
        errors["customer_id"] = "客户不属于该门店"
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    estimate = walk_in_estimate(store_id=service_type.store_id, service_type=service_type, now=now)
    if estimate is None:
        raise Conflict("今日已无可用工位和技师，请为客户预约其他日期", {"service_type": "今日已约满"})
    return WalkIn.objects.create(
        store_id=service_type.store_id,
        customer=customer,
        name=name.strip(),
        plate=plate.strip().upper(),
        service_type=service_type,
        arrived_at=now,
        estimated_start_at=estimate,
        registered_by=user,
    )


@transaction.atomic
def walk_in_close(*, user: User, walk_in: WalkIn, status: str) -> WalkIn:
    """The waiting customer was served or left."""
    require(user, Perm.APPOINTMENT_RECEIVE)
    if status not in (WalkIn.Status.SERVED, WalkIn.Status.LEFT):
        raise InvalidInput({"status": "状态须为已接待或已离开"})
    updated = WalkIn.objects.filter(pk=walk_in.pk, status=WalkIn.Status.WAITING).update(status=status, served_at=timezone.now())
    if updated != 1:
        raise Conflict("该客户已不在等待队列中")
    walk_in.refresh_from_db()
    return walk_in
