import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class PromiseIn(Schema):
    kind: str
    description: str = Field(max_length=300)
    value: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    valid_until: dt.date | None = None


class PromiseOut(Schema):
    id: int
    vehicle_id: int
    kind: str
    description: str
    value: Decimal | None
    valid_until: dt.date | None


class HandoverOpenIn(Schema):
    vehicle_id: int


class HandoverSubmitIn(Schema):
    key_options: str = Field("", max_length=500)
    purchase_reasons: str = Field("", max_length=500)
    worries: str = Field("", max_length=500)
    usage: str = Field("", max_length=200)
    preferred_channel: str = Field("", max_length=10)
    preferred_time: str = Field("", max_length=50)
    event_interest: bool = False


class CorrectionIn(Schema):
    field: str = Field(max_length=40)
    new_value: str = Field(max_length=500)
    reason: str = Field("", max_length=200)


class CorrectionOut(Schema):
    id: int
    field: str
    old_value: str
    new_value: str
    reason: str
    corrected_by_id: int | None
    corrected_at: dt.datetime


class JointDeliveryIn(Schema):
    checklist: dict[str, bool]


class FirstUseIn(Schema):
    feedback: str = Field(max_length=2000)


class HandoverOut(Schema):
    id: int
    store_id: int
    customer_id: int
    vehicle_id: int
    salesperson_id: int
    specialist_id: int | None
    status: str
    key_options: str
    purchase_reasons: str
    worries: str
    usage: str
    preferred_channel: str
    preferred_time: str
    event_interest: bool
    delivered_at: dt.datetime
    submit_due_at: dt.datetime
    submitted_at: dt.datetime | None
    confirm_due_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    confirmed_by_id: int | None
    is_late: bool
    fields_checked: int
    fields_corrected: int
    accuracy_percent: float | None
    joint_checklist: dict
    joint_recorded_at: dt.datetime | None
    first_use_due_at: dt.datetime
    first_use_feedback: str
    first_use_recorded_at: dt.datetime | None
    sla_state: str

    @staticmethod
    def resolve_is_late(obj):
        from django.utils import timezone

        return obj.is_late(timezone.now())


class HandoverPage(Schema):
    items: list[HandoverOut]
    count: int | None
    limit: int
    offset: int


class AccuracyOut(Schema):
    handovers: int
    fields_checked: int
    fields_corrected: int
    accuracy_percent: float | None
    target_percent: int
