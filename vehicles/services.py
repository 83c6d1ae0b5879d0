"""Writes to the vehicle archive: vehicles, owners and odometer readings (DOMAIN §2, §13)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.permissions import Perm, require
from core.errors import Conflict, InvalidInput, full_clean_or_invalid
from core.policies import policy_value
from customers.models import Customer
from vehicles.models import OdometerReading, Ownership, Powertrain, Vehicle
from vehicles.validators import validate_plate, validate_vin

DETAIL_FIELDS = (
    "brand",
    "model",
    "trim",
    "powertrain",
    "options",
    "colour",
    "purchase_date",
    "delivery_date",
    "first_registration_date",
    "warranty_end_date",
    "warranty_end_km",
    "insurance_expiry",
    "inspection_due",
    "battery_capacity_kwh",
    "battery_soh_percent",
    "home_charger",
    "charging_habit",
    "ev_warranty_end_date",
    "ota_version",
)


def _apply_details(vehicle: Vehicle, fields: dict) -> None:
    unknown = set(fields) - set(DETAIL_FIELDS)
    if unknown:
        raise InvalidInput({name: "不可修改的字段" for name in unknown})
    for name, value in fields.items():
        field = Vehicle._meta.get_field(name)
        setattr(vehicle, name, field.get_default() if value is None and not field.null else value)
    _check_details(vehicle)


def _check_details(vehicle: Vehicle) -> None:
    errors = {}
    if not (vehicle.model or "").strip():
        errors["model"] = "请填写车型"
    if vehicle.powertrain not in Powertrain.values:
        errors["powertrain"] = "动力类型必须是 petrol/diesel/hybrid/phev/bev 之一"
    today = timezone.localdate()
    if vehicle.purchase_date and vehicle.purchase_date > today:
        errors["purchase_date"] = "购车日期不能晚于今天"
    if vehicle.delivery_date and vehicle.purchase_date and vehicle.delivery_date < vehicle.purchase_date:
        errors["delivery_date"] = "交车日期不能早于购车日期"
    if vehicle.battery_soh_percent is not None and not 0 <= vehicle.battery_soh_percent <= 100:
        errors["battery_soh_percent"] = "SOH 必须在 0–100 之间"
    if not isinstance(vehicle.options, list) or not all(isinstance(o, str) for o in vehicle.options):
        errors["options"] = "选装必须是文字列表"
    if errors:
        raise InvalidInput(errors)
    full_clean_or_invalid(vehicle, exclude=["store", "owner", "driver"], validate_unique=False, validate_constraints=False)


def _driver(customer: Customer, driver_id: int | None) -> Customer | None:
    if driver_id is None:
        return None
    driver = Customer.objects.filter(store_id=customer.store_id, pk=driver_id).first()
    if driver is None:
        raise InvalidInput({"driver_id": "驾驶人不存在"})
    return driver


@transaction.atomic
def vehicle_create(
    *, user, owner: Customer, vin: str, plate: str, driver_id: int | None = None, odometer_km: int | None = None, **details
) -> tuple[Vehicle, list[str]]:
    """Register a vehicle for a customer of the same store; returns the vehicle and VIN warnings."""
    require(user, Perm.VEHICLE_EDIT)
    vin, warnings = validate_vin(vin)
    plate = validate_plate(plate) if plate else ""
    vehicle = Vehicle(store_id=owner.store_id, owner=owner, vin=vin, vin_last6=vin[-6:], plate=plate)
    vehicle.driver = _driver(owner, driver_id)
    _apply_details(vehicle, details)
    _ensure_vin_free(vehicle)
    try:
        with transaction.atomic():
            vehicle.save()
    except IntegrityError:
        raise Conflict("该车架号已在本店登记", {"vin": "该车架号已在本店登记"}) from None
    start = vehicle.delivery_date or vehicle.purchase_date
    Ownership.objects.create(vehicle=vehicle, customer=owner, role=Ownership.Role.OWNER, started_on=start)
    if vehicle.driver:
        Ownership.objects.create(vehicle=vehicle, customer=vehicle.driver, role=Ownership.Role.DRIVER, started_on=start)
    if odometer_km:
        odometer_record(user=user, vehicle=vehicle, km=odometer_km, read_on=timezone.localdate())
    else:
        _schedule_refresh(vehicle)
    return vehicle, warnings


def _schedule_refresh(vehicle: Vehicle) -> None:
    from reminders.services import vehicle_schedule_refresh  # reminders builds on vehicles

    vehicle_schedule_refresh(vehicle)


def _ensure_vin_free(vehicle: Vehicle) -> None:
    clash = Vehicle.objects.filter(store_id=vehicle.store_id, vin=vehicle.vin).exclude(pk=vehicle.pk).exists()
    if clash:
        raise Conflict("该车架号已在本店登记", {"vin": "该车架号已在本店登记"})


@transaction.atomic
def vehicle_update(
    *, user, vehicle: Vehicle, vin: str | None = None, plate: str | None = None, **details
) -> tuple[Vehicle, list[str]]:
    require(user, Perm.VEHICLE_EDIT)
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    soh_before = vehicle.battery_soh_percent
    warnings: list[str] = []
    if vin is not None:
        vehicle.vin, warnings = validate_vin(vin)
        vehicle.vin_last6 = vehicle.vin[-6:]
        _ensure_vin_free(vehicle)
    if plate is not None:
        vehicle.plate = validate_plate(plate) if plate else ""
    _apply_details(vehicle, details)
    vehicle.save()
    _schedule_refresh(vehicle)
    if vehicle.battery_soh_percent is not None and vehicle.battery_soh_percent != soh_before:
        from reminders.services import battery_health_check

        battery_health_check(vehicle)
    return vehicle, warnings


@transaction.atomic
def vehicle_transfer(*, user, vehicle: Vehicle, new_owner: Customer, on: dt.date) -> Vehicle:
    """A vehicle changes owner: the old ownership ends, a new one starts, history kept (DOMAIN §2)."""
    require(user, Perm.VEHICLE_EDIT)
    if new_owner.store_id != vehicle.store_id:
        raise InvalidInput({"owner_id": "新车主不存在"})
    if new_owner.pk == vehicle.owner_id:
        raise InvalidInput({"owner_id": "新车主与当前车主相同"})
    Ownership.objects.filter(vehicle=vehicle, role=Ownership.Role.OWNER, ended_on__isnull=True).update(ended_on=on)
    Ownership.objects.create(vehicle=vehicle, customer=new_owner, role=Ownership.Role.OWNER, started_on=on)
    vehicle.owner = new_owner
    vehicle.save(update_fields=["owner", "updated_at"])
    return vehicle


@transaction.atomic
def odometer_record(
    *,
    user,
    vehicle: Vehicle,
    km: int,
    read_on: dt.date,
    source: str = OdometerReading.Source.WORKSHOP,
    is_meter_replacement: bool = False,
) -> OdometerReading:
    """Record one odometer reading (DOMAIN §2).

    A reading lower than the one before it is rejected unless the meter was replaced; a jump of
    more than the store's `odometer.max_km_per_day` is stored but flagged for checking.
    """
    require(user, Perm.ODOMETER_RECORD)
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    _check_reading_input(km, read_on, source)
    previous, following = _neighbours(vehicle, read_on)
    if not is_meter_replacement:
        if previous and km < previous.km:
            raise InvalidInput({"km": f"里程不能低于上次记录（{previous.km} 公里，{previous.read_on}）；如更换过仪表请勾选"})
        if following and km > following.km and not following.is_meter_replacement:
            raise InvalidInput({"km": f"里程不能高于之后的记录（{following.km} 公里，{following.read_on}）"})
    flag_reason = _jump_flag(vehicle.store_id, previous, km, read_on) if not is_meter_replacement else ""
    reading = OdometerReading.objects.create(
        vehicle=vehicle,
        km=km,
        read_on=read_on,
        source=source,
        is_meter_replacement=is_meter_replacement,
        is_flagged=bool(flag_reason),
        flag_reason=flag_reason,
        recorded_by=user,
    )
    if following is None:
        vehicle.odometer_km, vehicle.odometer_read_on = km, read_on
        vehicle.save(update_fields=["odometer_km", "odometer_read_on", "updated_at"])
    _schedule_refresh(vehicle)  # DOMAIN §4: a new reading re-plans the due date
    return reading


def _check_reading_input(km: int, read_on: dt.date, source: str) -> None:
    errors = {}
    if km is None or km < 0 or km > 2_000_000:
        errors["km"] = "里程必须在 0–2,000,000 公里之间"
    if read_on > timezone.localdate():
        errors["read_on"] = "读取日期不能晚于今天"
    if source not in OdometerReading.Source.values:
        errors["source"] = "未知的里程来源"
    if errors:
        raise InvalidInput(errors)


def _neighbours(vehicle: Vehicle, read_on: dt.date):
    readings = OdometerReading.objects.filter(vehicle=vehicle)
    previous = readings.filter(read_on__lte=read_on).order_by("-read_on", "-id").first()
    following = readings.filter(read_on__gt=read_on).order_by("read_on", "id").first()
    return previous, following


def _jump_flag(store_id: int, previous: OdometerReading | None, km: int, read_on: dt.date) -> str:
    if previous is None:
        return ""
    days = max((read_on - previous.read_on).days, 1)
    per_day = (km - previous.km) / days
    limit = policy_value(store_id, "odometer.max_km_per_day")
    if per_day > limit:
        return f"日均增加 {per_day:.0f} 公里，超过 {limit} 公里/天，请核实"
    return ""
