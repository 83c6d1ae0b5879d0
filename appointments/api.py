"""/api/appointments (DOMAIN §5): free slots, booking with Idempotency-Key, the life of a booking,
parts arrivals, walk-ins with a waiting estimate, the welcome board and the fulfilment KPI."""

import datetime as dt

from django.http import JsonResponse
from django.utils import timezone
from ninja import Header, Query, Router, Schema, Status

from appointments import selectors, services
from appointments.availability import free_slots
from appointments.idempotency import idempotent
from appointments.schemas import (
    AppointmentIn,
    AppointmentOut,
    AppointmentPage,
    BoardRowOut,
    CancelIn,
    FulfilmentOut,
    PartOut,
    RescheduleIn,
    SlotsOut,
    WalkInCloseIn,
    WalkInIn,
    WalkInOut,
)
from core.api import paginate
from core.errors import InvalidInput
from core.scoping import store_for_write
from customers.selectors import customer_get
from vehicles.selectors import vehicle_get

router = Router(tags=["appointments"])


class SlotQuery(Schema):
    date: dt.date
    service_type: str
    store_id: int | None = None


class ListQuery(Schema):
    date: dt.date | None = None
    status: str | None = None
    store_id: int | None = None
    limit: int | None = None
    offset: int | None = None


class StoreDayQuery(Schema):
    date: dt.date | None = None
    store_id: int | None = None


def _service_type(store_id: int, ref: str):
    service_type = selectors.service_type_resolve(store_id=store_id, ref=ref.strip())
    if service_type is None or not service_type.is_active:
        raise InvalidInput({"service_type": "未知或已停用的服务类型"})
    return service_type


@router.get("/slots", response=SlotsOut)
def slots(request, params: Query[SlotQuery]):
    """Only starts where a suitable bay AND a qualified technician are free for the whole estimated
    labour time (DOMAIN §5)."""
    store_id = store_for_write(request.auth, params.store_id)
    service_type = _service_type(store_id, params.service_type)
    found = free_slots(store_id=store_id, day=params.date, service_type=service_type, now=timezone.now())
    return {
        "date": params.date,
        "service_type_id": service_type.pk,
        "service_type_code": service_type.code,
        "labour_minutes": service_type.labour_minutes,
        "slots": found,
    }


@router.get("", response=AppointmentPage)
def appointment_list(request, params: Query[ListQuery]):
    queryset = selectors.appointment_list(user=request.auth, day=params.date, store_id=params.store_id, status=params.status)
    return paginate(queryset.prefetch_related("parts"), params.limit, params.offset)


@router.post("", response={201: AppointmentOut})
def appointment_create(request, payload: AppointmentIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    """Book (201); a slot just taken → 409. The same Idempotency-Key and body replay the stored answer."""
    if idempotency_key is None:
        return Status(201, _book(request, payload))

    def run():
        appointment = _book(request, payload)
        return 201, AppointmentOut.from_orm(
            selectors.appointment_get(user=request.auth, appointment_id=appointment.pk)
        ).model_dump(mode="json")

    status, data = idempotent(user=request.auth, key=idempotency_key, body=request.body, run=run)
    return JsonResponse(data, status=status)  # already validated by AppointmentOut when first stored


def _book(request, payload: AppointmentIn):
    user = request.auth
    customer = customer_get(user=user, customer_id=payload.customer_id)
    vehicle = vehicle_get(user=user, vehicle_id=payload.vehicle_id) if payload.vehicle_id else None
    appointment = services.appointment_book(
        user=user,
        customer=customer,
        service_type=_service_type(customer.store_id, payload.service_type),
        starts_at=payload.starts_at,
        vehicle=vehicle,
        bay=selectors.bay_get(user=user, bay_id=payload.bay_id) if payload.bay_id else None,
        technician=selectors.technician_get(user=user, technician_id=payload.technician_id) if payload.technician_id else None,
        advisor=_advisor(user, payload.advisor_id),
        channel=payload.channel,
        notes=payload.notes,
        parts=[services.PartRequest(**part.dict()) for part in payload.parts],
    )
    return selectors.appointment_get(user=user, appointment_id=appointment.pk)


def _advisor(user, advisor_id: int | None):
    if advisor_id is None:
        return None
    from accounts.models import User

    advisor = User.objects.filter(pk=advisor_id, is_active=True).first()
    if advisor is None:
        raise InvalidInput({"advisor_id": "服务顾问不存在"})
    return advisor


@router.get("/board", response=list[BoardRowOut])
def welcome_board(request, params: Query[StoreDayQuery]):
    """The welcome board's rows (masked names and plates)."""
    store_id = store_for_write(request.auth, params.store_id)
    return selectors.welcome_board(store_id=store_id, day=params.date or timezone.localdate())


@router.get("/kpi/fulfilment", response=list[FulfilmentOut])
def fulfilment(request, date: dt.date):
    """Appointment fulfilment per store and advisor for one day, for the user's stores."""
    stores = request.auth.accessible_store_ids()
    return [row for row in selectors.kpi_appointment_fulfilment_daily(day=date) if row["store_id"] in stores]


@router.get("/walk-ins", response=list[WalkInOut])
def walk_in_queue(request, store_id: int | None = None):
    return list(selectors.walk_in_queue(user=request.auth, store_id=store_id)[:200])


@router.post("/walk-ins", response={201: WalkInOut})
def walk_in_register(request, payload: WalkInIn):
    store_id = store_for_write(request.auth, payload.store_id)
    customer = customer_get(user=request.auth, customer_id=payload.customer_id) if payload.customer_id else None
    walk_in = services.walk_in_register(
        user=request.auth,
        name=payload.name,
        plate=payload.plate,
        service_type=_service_type(store_id, payload.service_type),
        customer=customer,
    )
    return Status(201, walk_in)


@router.post("/walk-ins/{int:service_walk_in_id}/close", response=WalkInOut)
def walk_in_close(request, service_walk_in_id: int, payload: WalkInCloseIn):
    walk_in = selectors.walk_in_get(user=request.auth, walk_in_id=service_walk_in_id)
    return services.walk_in_close(user=request.auth, walk_in=walk_in, status=payload.status)


@router.post("/parts/{int:appointment_part_id}/arrive", response=PartOut)
def part_arrive(request, appointment_part_id: int):
    return services.appointment_part_arrive(
        user=request.auth, part=selectors.part_get(user=request.auth, part_id=appointment_part_id)
    )


@router.get("/{int:appointment_id}", response=AppointmentOut)
def appointment_detail(request, appointment_id: int):
    return selectors.appointment_get(user=request.auth, appointment_id=appointment_id)


def _reloaded(request, appointment):
    return selectors.appointment_get(user=request.auth, appointment_id=appointment.pk)


@router.post("/{int:appointment_id}/confirm", response=AppointmentOut)
def appointment_confirm(request, appointment_id: int):
    appointment = selectors.appointment_get(user=request.auth, appointment_id=appointment_id)
    return _reloaded(request, services.appointment_confirm(user=request.auth, appointment=appointment))


@router.post("/{int:appointment_id}/cancel", response=AppointmentOut)
def appointment_cancel(request, appointment_id: int, payload: CancelIn):
    appointment = selectors.appointment_get(user=request.auth, appointment_id=appointment_id)
    return _reloaded(request, services.appointment_cancel(user=request.auth, appointment=appointment, reason=payload.reason))


@router.post("/{int:appointment_id}/reschedule", response=AppointmentOut)
def appointment_reschedule(request, appointment_id: int, payload: RescheduleIn):
    user = request.auth
    appointment = selectors.appointment_get(user=user, appointment_id=appointment_id)
    moved = services.appointment_reschedule(
        user=user,
        appointment=appointment,
        starts_at=payload.starts_at,
        bay=selectors.bay_get(user=user, bay_id=payload.bay_id) if payload.bay_id else None,
        technician=selectors.technician_get(user=user, technician_id=payload.technician_id) if payload.technician_id else None,
    )
    return _reloaded(request, moved)


@router.post("/{int:appointment_id}/check-in", response=AppointmentOut)
def appointment_check_in(request, appointment_id: int):
    appointment = selectors.appointment_get(user=request.auth, appointment_id=appointment_id)
    return _reloaded(request, services.appointment_check_in(user=request.auth, appointment=appointment))


@router.post("/{int:appointment_id}/no-show", response=AppointmentOut)
def appointment_no_show(request, appointment_id: int):
    appointment = selectors.appointment_get(user=request.auth, appointment_id=appointment_id)
    return _reloaded(request, services.appointment_mark_no_show(user=request.auth, appointment=appointment))
