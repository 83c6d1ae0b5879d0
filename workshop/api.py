"""/api/repair-orders: the repair order's seven steps, state changes, QC and delivery (DOMAIN §6)."""

from ninja import Query, Router, Schema, Status

from core.api import paginate
from core.scoping import get_scoped_or_404
from vehicles.selectors import vehicle_get
from workshop import selectors, services
from workshop.progress import progress_link
from workshop.schemas import (
    ApproveIn,
    CancelIn,
    DeliverIn,
    EventOut,
    ItemIn,
    ItemOut,
    ItemPatch,
    PlanIn,
    ProgressLinkOut,
    QualityCheckIn,
    QualityCheckOut,
    RecordIn,
    RepairOrderDetailOut,
    RepairOrderIn,
    RepairOrderOut,
    RepairOrderPage,
)

router = Router(tags=["repair-orders"])


class ListQuery(Schema):
    state: str = ""
    advisor_id: int | None = None
    vehicle_id: int | None = None
    repeat_only: bool = False
    limit: int | None = None
    offset: int | None = None


@router.get("", response=RepairOrderPage)
def repair_order_list(request, params: Query[ListQuery]):
    queryset = selectors.repair_order_list(
        user=request.auth,
        state=params.state,
        advisor_id=params.advisor_id,
        vehicle_id=params.vehicle_id,
        repeat_only=params.repeat_only,
    )
    return paginate(queryset, params.limit, params.offset)


@router.post("", response={201: RepairOrderDetailOut})
def repair_order_open(request, payload: RepairOrderIn):
    vehicle = vehicle_get(user=request.auth, vehicle_id=payload.vehicle_id)
    appointment = _appointment(request.auth, payload.appointment_id)
    order = services.repair_order_open(
        user=request.auth,
        vehicle=vehicle,
        odometer_km=payload.odometer_km,
        arrived_at=payload.arrived_at,
        complaint=payload.complaint,
        appointment=appointment,
        technician_id=payload.technician_id,
    )
    return Status(201, selectors.repair_order_get(user=request.auth, order_id=order.pk))


def _appointment(user, appointment_id: int | None):
    if appointment_id is None:
        return None
    from appointments.models import Appointment

    return get_scoped_or_404(Appointment.objects, user, pk=appointment_id)


@router.get("/mine", response=list[RepairOrderOut])
def repair_order_jobs(request):
    """The technician's "my jobs" list."""
    return list(selectors.repair_order_jobs(user=request.auth)[:200])


@router.get("/{int:order_id}", response=RepairOrderDetailOut)
def repair_order_detail(request, order_id: int):
    return selectors.repair_order_get(user=request.auth, order_id=order_id)


@router.get("/{int:order_id}/events", response=list[EventOut])
def repair_order_events(request, order_id: int):
    order = selectors.repair_order_get(user=request.auth, order_id=order_id)
    return list(order.events.order_by("at", "id"))


@router.get("/{int:order_id}/progress-link", response=ProgressLinkOut)
def repair_order_progress_link(request, order_id: int):
    """The customer's signed progress page (sent with every progress message)."""
    return {"url": progress_link(selectors.repair_order_get(user=request.auth, order_id=order_id))}


def _act(request, order_id: int, service, **kwargs):
    order = selectors.repair_order_get(user=request.auth, order_id=order_id)
    service(user=request.auth, order=order, **kwargs)
    return selectors.repair_order_get(user=request.auth, order_id=order_id)


@router.post("/{int:order_id}/record", response=RepairOrderDetailOut)
def repair_order_record(request, order_id: int, payload: RecordIn):
    return _act(request, order_id, services.repair_order_record, **payload.dict())


@router.post("/{int:order_id}/plan", response=RepairOrderDetailOut)
def repair_order_plan(request, order_id: int, payload: PlanIn):
    return _act(request, order_id, services.repair_order_plan, **payload.dict())


@router.post("/{int:order_id}/items", response={201: ItemOut})
def repair_order_item_add(request, order_id: int, payload: ItemIn):
    order = selectors.repair_order_get(user=request.auth, order_id=order_id)
    return Status(201, services.repair_order_item_add(user=request.auth, order=order, **payload.dict()))


@router.patch("/{int:order_id}/items/{int:item_id}", response=ItemOut)
def repair_order_item_update(request, order_id: int, item_id: int, payload: ItemPatch):
    order = selectors.repair_order_get(user=request.auth, order_id=order_id)
    return services.repair_order_item_update(user=request.auth, order=order, item_id=item_id, **payload.dict())


@router.delete("/{int:order_id}/items/{int:item_id}", response=RepairOrderDetailOut)
def repair_order_item_remove(request, order_id: int, item_id: int):
    return _act(request, order_id, services.repair_order_item_remove, item_id=item_id)


@router.post("/{int:order_id}/approve", response=RepairOrderDetailOut)
def repair_order_approve(request, order_id: int, payload: ApproveIn):
    return _act(request, order_id, services.repair_order_approve, **payload.dict())


@router.post("/{int:order_id}/start", response=RepairOrderDetailOut)
def repair_order_start(request, order_id: int):
    return _act(request, order_id, services.repair_order_start)


@router.post("/{int:order_id}/submit-qc", response=RepairOrderDetailOut)
def repair_order_submit_qc(request, order_id: int):
    return _act(request, order_id, services.repair_order_submit_qc)


@router.post("/{int:order_id}/qc", response={201: QualityCheckOut})
def repair_order_qc(request, order_id: int, payload: QualityCheckIn):
    order = selectors.repair_order_get(user=request.auth, order_id=order_id)
    return Status(201, services.repair_order_qc_record(user=request.auth, order=order, **payload.dict()))


@router.post("/{int:order_id}/deliver", response=RepairOrderDetailOut)
def repair_order_deliver(request, order_id: int, payload: DeliverIn):
    return _act(request, order_id, services.repair_order_deliver, **payload.dict())


@router.post("/{int:order_id}/close", response=RepairOrderDetailOut)
def repair_order_close(request, order_id: int):
    return _act(request, order_id, services.repair_order_close)


@router.post("/{int:order_id}/cancel", response=RepairOrderDetailOut)
def repair_order_cancel(request, order_id: int, payload: CancelIn):
    return _act(request, order_id, services.repair_order_cancel, reason=payload.reason)
