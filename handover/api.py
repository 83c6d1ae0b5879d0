"""/api/handover: the handover form (DOMAIN §3) — open, submit, 1+1 confirm, corrections, joint
delivery, first-use feedback, promises of a vehicle and the information accuracy."""

import datetime as dt

from ninja import Query, Router, Schema, Status

from core.api import paginate
from core.policies import policy_value
from handover import selectors, services
from handover.schemas import (
    AccuracyOut,
    CorrectionIn,
    CorrectionOut,
    FirstUseIn,
    HandoverOpenIn,
    HandoverOut,
    HandoverPage,
    HandoverSubmitIn,
    JointDeliveryIn,
    PromiseIn,
    PromiseOut,
)
from vehicles.selectors import vehicle_get

router = Router(tags=["handover"])


class ListQuery(Schema):
    view: str = "open"  # open | late | unconfirmed | confirmed | all
    limit: int | None = None
    offset: int | None = None


class AccuracyQuery(Schema):
    since: dt.date
    until: dt.date


@router.get("", response=HandoverPage)
def handover_list(request, params: Query[ListQuery]):
    view = params.view if params.view in selectors.VIEWS else "open"
    return paginate(selectors.handover_list(user=request.auth, view=view), params.limit, params.offset)


@router.post("", response={201: HandoverOut})
def handover_open(request, payload: HandoverOpenIn):
    """Open the handover of a delivered vehicle by hand (the showroom opens it on delivery)."""
    vehicle = vehicle_get(user=request.auth, vehicle_id=payload.vehicle_id)
    return Status(201, services.handover_open_for_vehicle(user=request.auth, vehicle=vehicle))


@router.get("/accuracy", response=AccuracyOut)
def handover_accuracy(request, params: Query[AccuracyQuery]):
    """DOMAIN §3: 1 − fields corrected ÷ fields handed over, of handovers confirmed in the period."""
    result = selectors.accuracy(
        user=request.auth, since=params.since, until=min(params.until, params.since + dt.timedelta(days=366))
    )
    return {**result, "target_percent": policy_value(request.auth.default_store_id(), "handover.accuracy_target_percent")}


@router.get("/vehicles/{int:vehicle_id}/promises", response=list[PromiseOut])
def vehicle_promises(request, vehicle_id: int):
    vehicle = vehicle_get(user=request.auth, vehicle_id=vehicle_id)
    return selectors.promises_for_vehicle(vehicle_id=vehicle.pk)


@router.get("/{int:handover_id}", response=HandoverOut)
def handover_detail(request, handover_id: int):
    return selectors.handover_get(user=request.auth, handover_id=handover_id)


@router.post("/{int:handover_id}/submit", response=HandoverOut)
def handover_submit(request, handover_id: int, payload: HandoverSubmitIn):
    handover = selectors.handover_get(user=request.auth, handover_id=handover_id)
    return services.handover_submit(user=request.auth, handover=handover, **payload.dict())


@router.post("/{int:handover_id}/confirm", response=HandoverOut)
def handover_confirm(request, handover_id: int):
    handover = selectors.handover_get(user=request.auth, handover_id=handover_id)
    return services.handover_confirm(user=request.auth, handover=handover)


@router.post("/{int:handover_id}/promises", response={201: PromiseOut})
def promise_add(request, handover_id: int, payload: PromiseIn):
    handover = selectors.handover_get(user=request.auth, handover_id=handover_id)
    return Status(201, services.handover_promise_add(user=request.auth, handover=handover, **payload.dict()))


@router.get("/{int:handover_id}/corrections", response=list[CorrectionOut])
def correction_list(request, handover_id: int):
    handover = selectors.handover_get(user=request.auth, handover_id=handover_id)
    return list(selectors.corrections_of(handover=handover))


@router.post("/{int:handover_id}/corrections", response={201: CorrectionOut})
def correction_add(request, handover_id: int, payload: CorrectionIn):
    handover = selectors.handover_get(user=request.auth, handover_id=handover_id)
    return Status(201, services.handover_correct(user=request.auth, handover=handover, **payload.dict()))


@router.post("/{int:handover_id}/joint-delivery", response=HandoverOut)
def joint_delivery(request, handover_id: int, payload: JointDeliveryIn):
    handover = selectors.handover_get(user=request.auth, handover_id=handover_id)
    return services.handover_joint_delivery(user=request.auth, handover=handover, checklist=payload.checklist)


@router.post("/{int:handover_id}/first-use", response=HandoverOut)
def first_use(request, handover_id: int, payload: FirstUseIn):
    handover = selectors.handover_get(user=request.auth, handover_id=handover_id)
    return services.handover_first_use(user=request.auth, handover=handover, feedback=payload.feedback)
