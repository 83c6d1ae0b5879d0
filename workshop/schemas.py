import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class RepairOrderIn(Schema):
    vehicle_id: int
    odometer_km: int
    arrived_at: dt.datetime | None = None
    complaint: str = Field("", max_length=2000)
    appointment_id: int | None = None
    technician_id: int | None = None


class RecordIn(Schema):
    complaint: str = Field(max_length=2000)
    system: str = Field(max_length=20)
    walk_around: str = Field("", max_length=2000)


class PlanIn(Schema):
    diagnosis: str = Field(max_length=2000)
    promised_at: dt.datetime
    technician_id: int | None = None


class ItemIn(Schema):
    kind: str = Field(max_length=10)
    description: str = Field(max_length=120)
    quantity: Decimal
    unit_price: Decimal


class ItemPatch(Schema):
    quantity: Decimal | None = None
    unit_price: Decimal | None = None


class ApproveIn(Schema):
    method: str = Field(max_length=10)
    note: str = Field("", max_length=200)


class QualityCheckIn(Schema):
    level: int
    passed: bool
    notes: str = Field("", max_length=500)


class DeliverIn(Schema):
    old_parts_shown: bool
    next_visit_advice: str = Field("", max_length=300)
    advice_remind_on: dt.date | None = None


class CancelIn(Schema):
    reason: str = Field(max_length=200)


class ItemOut(Schema):
    id: int
    kind: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    added_in_version: int


class ApprovalOut(Schema):
    version: int
    total: Decimal
    promised_at: dt.datetime
    method: str
    note: str
    recorded_by_id: int | None
    at: dt.datetime


class QualityCheckOut(Schema):
    round: int
    level: int
    passed: bool
    notes: str
    checked_by_id: int
    checked_at: dt.datetime


class RepairOrderOut(Schema):
    id: int
    store_id: int
    customer_id: int
    vehicle_id: int
    plate: str
    appointment_id: int | None
    service_type_id: int | None
    bay_id: int | None
    advisor_id: int
    technician_id: int | None
    state: str
    state_label: str
    current_step: int
    arrived_at: dt.datetime
    received_at: dt.datetime
    reception_due_at: dt.datetime
    odometer_km: int
    complaint: str
    system: str
    walk_around: str
    recorded_at: dt.datetime | None
    diagnosis: str
    promised_at: dt.datetime | None
    planned_at: dt.datetime | None
    estimate_total: Decimal
    estimate_version: int
    approved_version: int
    approved_at: dt.datetime | None
    needs_approval: bool
    work_started_at: dt.datetime | None
    qc_started_at: dt.datetime | None
    qc_round: int
    ready_at: dt.datetime | None
    delivered_at: dt.datetime | None
    old_parts_shown: bool
    next_visit_advice: str
    closed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    cancel_reason: str
    is_repeat_repair: bool
    repeat_of_id: int | None

    @staticmethod
    def resolve_plate(obj):
        return obj.vehicle.plate

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()

    @staticmethod
    def resolve_current_step(obj):
        from workshop.selectors import current_step

        return current_step(obj)


class RepairOrderDetailOut(RepairOrderOut):
    items: list[ItemOut]
    approvals: list[ApprovalOut]
    quality_checks: list[QualityCheckOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())

    @staticmethod
    def resolve_approvals(obj):
        return list(obj.approvals.order_by("version"))

    @staticmethod
    def resolve_quality_checks(obj):
        return list(obj.quality_checks.all())


class RepairOrderPage(Schema):
    items: list[RepairOrderOut]
    count: int | None
    limit: int
    offset: int


class EventOut(Schema):
    kind: str
    from_state: str
    to_state: str
    actor_id: int | None
    at: dt.datetime
    detail: str


class ProgressLinkOut(Schema):
    url: str
