import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class LeadIn(Schema):
    customer_id: int
    vehicle_id: int | None = None
    kind: str
    grade: str
    description: str = Field(max_length=1000)
    source: str = "customer_page"
    source_ref: str = Field("", max_length=60)


class FollowUpIn(Schema):
    note: str = Field(max_length=1000)
    outcome: str = ""  # "" | won | lost
    sale_amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class AssignIn(Schema):
    salesperson_id: int


class FollowUpOut(Schema):
    id: int
    by_id: int | None
    at: dt.datetime
    note: str


class LeadOut(Schema):
    id: int
    store_id: int
    customer_id: int
    vehicle_id: int | None
    kind: str
    grade: str
    source: str
    source_ref: str
    description: str
    status: str
    recorded_by_id: int
    recorded_at: dt.datetime
    salesperson_id: int | None
    push_due_at: dt.datetime
    pushed_at: dt.datetime | None
    follow_up_due_at: dt.datetime | None
    followed_up_at: dt.datetime | None
    escalated_to_id: int | None
    closed_at: dt.datetime | None
    sale_amount: Decimal | None
    days_to_sale: float | None
    sla_state: str


class LeadPage(Schema):
    items: list[LeadOut]
    count: int | None
    limit: int
    offset: int


class MeasuresOut(Schema):
    recorded: int
    closed: int
    won: int
    conversion_percent: float | None
    target_percent: int
    avg_days_to_sale: float | None


class BonusRowOut(Schema):
    staff_id: int
    staff_name: str
    converted: int
    bonus: Decimal


class SuggestionOut(Schema):
    source: str
    customer_id: int
    vehicle_id: int | None
    source_ref: str
    reason: str
