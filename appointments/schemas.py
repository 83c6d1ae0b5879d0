import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class SlotOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    free_bays: int
    free_technicians: int


class SlotsOut(Schema):
    date: dt.date
    service_type_id: int
    service_type_code: str
    labour_minutes: int
    slots: list[SlotOut]


class PartIn(Schema):
    name: str = Field(max_length=80)
    part_number: str = Field("", max_length=40)
    # Signs are checked by the service, which answers in Chinese per field (parts.<n>.quantity).
    quantity: int = Field(1, le=999)
    unit_price: Decimal = Field(Decimal("0"), max_digits=10, decimal_places=2)
    in_stock: bool = True
    lead_days: int = Field(0, le=365)


class AppointmentIn(Schema):
    customer_id: int
    service_type: str = Field(max_length=40, description="服务类型 id 或代码")
    starts_at: dt.datetime
    vehicle_id: int | None = None
    bay_id: int | None = None
    technician_id: int | None = None
    advisor_id: int | None = None
    channel: str = Field("staff", max_length=16)
    notes: str = Field("", max_length=2000)
    parts: list[PartIn] = Field(default_factory=list, max_length=50)


class RescheduleIn(Schema):
    starts_at: dt.datetime
    bay_id: int | None = None
    technician_id: int | None = None


class CancelIn(Schema):
    reason: str = Field("", max_length=200)


class PartOut(Schema):
    id: int
    part_number: str
    name: str
    quantity: int
    unit_price: Decimal
    status: str
    lead_days: int
    order_by: dt.date | None
    expected_on: dt.date | None


class AppointmentOut(Schema):
    id: int
    store_id: int
    customer_id: int
    customer_name: str
    vehicle_id: int | None
    plate: str
    service_type_id: int
    service_type_name: str
    bay_id: int
    bay_name: str
    technician_id: int
    technician_name: str
    advisor_id: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    channel: str
    estimated_labour_minutes: int
    estimated_labour_amount: Decimal
    estimated_parts_amount: Decimal
    notes: str
    reschedule_count: int
    arrived_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    no_show_at: dt.datetime | None
    parts: list[PartOut]

    @staticmethod
    def resolve_customer_name(obj):
        return obj.customer.name

    @staticmethod
    def resolve_plate(obj):
        return obj.vehicle.plate if obj.vehicle_id else ""

    @staticmethod
    def resolve_service_type_name(obj):
        return obj.service_type.name

    @staticmethod
    def resolve_bay_name(obj):
        return obj.bay.name

    @staticmethod
    def resolve_technician_name(obj):
        return str(obj.technician)

    @staticmethod
    def resolve_parts(obj):
        return list(obj.parts.all())


class AppointmentPage(Schema):
    items: list[AppointmentOut]
    count: int | None
    limit: int
    offset: int


class WalkInIn(Schema):
    name: str = Field(max_length=60)
    service_type: str = Field(max_length=40)
    plate: str = Field("", max_length=16)
    customer_id: int | None = None
    store_id: int | None = None


class WalkInOut(Schema):
    id: int
    store_id: int
    name: str
    plate: str
    service_type_id: int
    arrived_at: dt.datetime
    estimated_start_at: dt.datetime
    status: str


class WalkInCloseIn(Schema):
    status: str = Field(max_length=10)


class BoardRowOut(Schema):
    time: str
    name: str
    plate: str
    service: str
    status: str
    arrived: bool


class FulfilmentOut(Schema):
    store_id: int
    staff_id: int | None
    numerator: int
    denominator: int
