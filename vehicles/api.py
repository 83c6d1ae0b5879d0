from ninja import Query, Router, Schema, Status

from core.api import paginate
from customers.selectors import customer_get
from vehicles import selectors, services
from vehicles.schemas import OdometerIn, OdometerOut, TransferIn, VehicleIn, VehicleOut, VehiclePage, VehiclePatch, VehicleSaved

router = Router(tags=["vehicles"])


def _saved(vehicle, warnings):
    vehicle.warnings = warnings
    return vehicle


class VehicleQuery(Schema):
    customer_id: int | None = None
    limit: int | None = None
    offset: int | None = None


@router.get("", response=VehiclePage)
def vehicle_list(request, params: Query[VehicleQuery]):
    return paginate(selectors.vehicle_list(user=request.auth, customer_id=params.customer_id), params.limit, params.offset)


@router.post("", response={201: VehicleSaved})
def vehicle_create(request, payload: VehicleIn):
    """Register a vehicle. A VIN whose check digit does not match is accepted with `warnings`."""
    data = payload.dict()
    owner = customer_get(user=request.auth, customer_id=data.pop("customer_id"))
    vehicle, warnings = services.vehicle_create(user=request.auth, owner=owner, **data)
    return Status(201, _saved(vehicle, warnings))


@router.get("/{int:vehicle_id}", response=VehicleOut)
def vehicle_detail(request, vehicle_id: int):
    return selectors.vehicle_get(user=request.auth, vehicle_id=vehicle_id)


@router.patch("/{int:vehicle_id}", response=VehicleSaved)
def vehicle_update(request, vehicle_id: int, payload: VehiclePatch):
    vehicle = selectors.vehicle_get(user=request.auth, vehicle_id=vehicle_id)
    vehicle, warnings = services.vehicle_update(user=request.auth, vehicle=vehicle, **payload.dict(exclude_unset=True))
    return _saved(vehicle, warnings)


@router.post("/{int:vehicle_id}/transfer", response=VehicleOut)
def vehicle_transfer(request, vehicle_id: int, payload: TransferIn):
    vehicle = selectors.vehicle_get(user=request.auth, vehicle_id=vehicle_id)
    new_owner = customer_get(user=request.auth, customer_id=payload.new_owner_id)
    return services.vehicle_transfer(user=request.auth, vehicle=vehicle, new_owner=new_owner, on=payload.on)


@router.get("/{int:vehicle_id}/odometer", response=list[OdometerOut])
def odometer_history(request, vehicle_id: int):
    vehicle = selectors.vehicle_get(user=request.auth, vehicle_id=vehicle_id)
    return list(selectors.odometer_history(vehicle=vehicle))


@router.post("/{int:vehicle_id}/odometer", response={201: OdometerOut})
def odometer_record(request, vehicle_id: int, payload: OdometerIn):
    """Record a reading; lower than the last → 422 unless `is_meter_replacement`; big jumps are flagged."""
    vehicle = selectors.vehicle_get(user=request.auth, vehicle_id=vehicle_id)
    return Status(201, services.odometer_record(user=request.auth, vehicle=vehicle, **payload.dict()))
