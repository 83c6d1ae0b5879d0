import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class VehicleDetails(Schema):
    brand: str = Field("", max_length=40)
    trim: str = Field("", max_length=60)
    options: list[str] = []
    colour: str = Field("", max_length=20)
    delivery_date: dt.date | None = None
    first_registration_date: dt.date | None = None
    warranty_end_date: dt.date | None = None
    warranty_end_km: int | None = Field(None, ge=0, le=2_000_000)
    insurance_expiry: dt.date | None = None
    inspection_due: dt.date | None = None
    battery_capacity_kwh: Decimal | None = Field(None, ge=0, le=1000, decimal_places=1)
    battery_soh_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=1)
    home_charger: bool = False
    charging_habit: str = Field("", max_length=100)
    ev_warranty_end_date: dt.date | None = None
    ota_version: str = Field("", max_length=40)


class VehicleIn(VehicleDetails):
    customer_id: int
    vin: str = Field(max_length=30)
    plate: str = Field(max_length=20)
    model: str = Field(max_length=60)
    powertrain: str
    purchase_date: dt.date
    driver_id: int | None = None
    odometer_km: int | None = Field(None, ge=0, le=2_000_000)


class VehiclePatch(Schema):
    vin: str | None = Field(None, max_length=30)
    plate: str | None = Field(None, max_length=20)
    brand: str | None = Field(None, max_length=40)
    model: str | None = Field(None, max_length=60)
    trim: str | None = Field(None, max_length=60)
    powertrain: str | None = None
    options: list[str] | None = None
    colour: str | None = Field(None, max_length=20)
    purchase_date: dt.date | None = None
    delivery_date: dt.date | None = None
    first_registration_date: dt.date | None = None
    warranty_end_date: dt.date | None = None
    warranty_end_km: int | None = Field(None, ge=0, le=2_000_000)
    insurance_expiry: dt.date | None = None
    inspection_due: dt.date | None = None
    battery_capacity_kwh: Decimal | None = Field(None, ge=0, le=1000, decimal_places=1)
    battery_soh_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=1)
    home_charger: bool | None = None
    charging_habit: str | None = Field(None, max_length=100)
    ev_warranty_end_date: dt.date | None = None
    ota_version: str | None = Field(None, max_length=40)


class VehicleOut(Schema):
    id: int
    store_id: int
    customer_id: int
    driver_id: int | None
    vin: str
    plate: str
    brand: str
    model: str
    trim: str
    powertrain: str
    options: list[str]
    colour: str
    purchase_date: dt.date
    delivery_date: dt.date | None
    first_registration_date: dt.date | None
    warranty_end_date: dt.date | None
    warranty_end_km: int | None
    insurance_expiry: dt.date | None
    inspection_due: dt.date | None
    odometer_km: int
    odometer_read_on: dt.date | None
    battery_capacity_kwh: Decimal | None
    battery_soh_percent: Decimal | None
    home_charger: bool
    charging_habit: str
    ev_warranty_end_date: dt.date | None
    ota_version: str

    @staticmethod
    def resolve_customer_id(obj):
        return obj.owner_id


class VehicleSaved(VehicleOut):
    warnings: list[str] = []


class VehiclePage(Schema):
    items: list[VehicleOut]
    count: int | None
    limit: int
    offset: int


class OdometerIn(Schema):
    km: int
    read_on: dt.date
    source: str = "workshop"
    is_meter_replacement: bool = False


class OdometerOut(Schema):
    id: int
    vehicle_id: int
    km: int
    read_on: dt.date
    source: str
    is_meter_replacement: bool
    is_flagged: bool
    flag_reason: str


class TransferIn(Schema):
    new_owner_id: int
    on: dt.date
