import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from complaints.selectors import complaint_clocks, complaint_compensations, complaint_team


class ClockOut(Schema):
    name: str
    label: str
    due_at: dt.datetime
    warn_at: dt.datetime
    done_at: dt.datetime | None
    state: str = Field(description="running | warning | breached | paused | met | late")
    seconds_left: int = Field(description="until the deadline; negative: late by")


class CompensationOut(Schema):
    id: int
    kind: str
    amount: Decimal
    description: str
    tier: str
    granted_by_id: int
    granted_at: dt.datetime


class TeamMemberOut(Schema):
    side: str
    member_id: int
    is_single_window: bool
    finding_confirmed: bool | None
    finding: str
    finding_at: dt.datetime | None


class ComplaintListItem(Schema):
    id: int
    store_id: int
    customer_id: int
    customer_name: str
    title: str
    category: str
    channel: str
    status: str
    tier: str
    owner_id: int | None
    opened_at: dt.datetime
    earliest_deadline_at: dt.datetime | None = Field(description="the next deadline of a running clock")
    sla_state: str

    @staticmethod
    def resolve_customer_name(obj):
        return obj.customer.name


class ComplaintPage(Schema):
    items: list[ComplaintListItem]
    count: int | None
    limit: int
    offset: int


class ComplaintOut(ComplaintListItem):
    description: str
    source: str
    vehicle_id: int | None
    advisor_id: int | None
    is_safety: bool
    is_media: bool
    is_legal: bool
    is_vip: bool
    respond_due_at: dt.datetime
    responded_at: dt.datetime | None
    tier_since: dt.datetime
    tier_due_at: dt.datetime
    close_due_at: dt.datetime
    closed_at: dt.datetime | None
    team_formed_at: dt.datetime | None
    joint_due_at: dt.datetime | None
    joint_solution_at: dt.datetime | None
    solution: str
    root_cause: str
    cause: str
    confirmation: str
    confirmation_note: str
    sla_paused_seconds: int
    clocks: list[ClockOut]
    compensations: list[CompensationOut]
    team: list[TeamMemberOut]

    @staticmethod
    def resolve_clocks(obj):
        return complaint_clocks(complaint=obj)

    @staticmethod
    def resolve_compensations(obj):
        return list(complaint_compensations(complaint=obj))

    @staticmethod
    def resolve_team(obj):
        return complaint_team(complaint=obj)


class ComplaintEventOut(Schema):
    id: int
    kind: str
    actor_id: int | None
    at: dt.datetime
    tier: str
    detail: str


class ComplaintIn(Schema):
    customer_id: int
    vehicle_id: int | None = None
    advisor_id: int | None = None
    title: str = Field(max_length=100)
    description: str = Field(max_length=4000)
    category: str
    channel: str
    received_at: dt.datetime | None = Field(None, description="when the customer complained, if earlier than now")
    is_safety: bool = False
    is_media: bool = False
    is_legal: bool = False


class ComplaintPatch(Schema):
    category: str | None = None
    title: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=4000)
    is_safety: bool | None = None
    is_media: bool | None = None
    is_legal: bool | None = None


class NoteIn(Schema):
    note: str = Field(max_length=500)


class TextIn(Schema):
    text: str = Field(max_length=500)


class ReasonIn(Schema):
    reason: str = Field(max_length=200)


class TransferIn(Schema):
    owner_id: int
    reason: str = Field(max_length=200)


class CompensationIn(Schema):
    kind: str = Field(
        description="goodwill | fee_reduction | priority_scheduling | full_refund | major_compensation | policy_exception"
    )
    amount: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    description: str = Field("", max_length=200)


class TeamIn(Schema):
    sales_id: int
    service_id: int
    quality_id: int
    single_window: str = Field(description="sales | service | quality")


class FindingIn(Schema):
    side: str = Field(description="sales | service | quality")
    confirmed: bool = Field(description="sales: over-promising found; service: slow response; quality: product defect")
    finding: str = Field(max_length=1000)


class SolutionIn(Schema):
    solution: str = Field(max_length=2000)


class CloseIn(Schema):
    root_cause: str = Field(max_length=2000)
    cause: str
    confirmation: str = Field(description="confirmed | refused")
    solution: str = Field("", max_length=2000, description="defaults to the joint solution")
    confirmation_note: str = Field("", max_length=200)


class BreakdownRow(Schema):
    key: str
    label: str
    count: int


class RecurringCauseRow(Schema):
    store_id: int
    store: str
    cause: str
    label: str
    count: int
    months: int


class OnTimeRatesOut(Schema):
    opened: int
    responded_on_time: int
    response_decided: int
    response_rate: float | None
    closed_on_time: int
    closure_decided: int
    closure_rate: float | None
    target: int


class ContactRateRow(Schema):
    channel: str
    received: int
    on_time: int
    decided: int
    rate: float | None


class ContactOut(Schema):
    id: int
    store_id: int
    customer_id: int | None
    sender: str
    channel: str
    summary: str
    status: str
    owner_id: int | None
    received_at: dt.datetime
    respond_due_at: dt.datetime
    responded_at: dt.datetime | None
    response_seconds: int | None
    escalated_at: dt.datetime | None
    closed_at: dt.datetime | None
    outcome: str
    complaint_id: int | None
    sla_state: str


class ContactPage(Schema):
    items: list[ContactOut]
    count: int | None
    limit: int
    offset: int


class ContactEventOut(Schema):
    id: int
    kind: str
    actor_id: int | None
    at: dt.datetime
    detail: str


class ContactIn(Schema):
    channel: str = Field(description="online | app | wechat | phone | walk_in | social_media")
    summary: str = Field(max_length=2000)
    customer_id: int | None = None
    sender: str = Field("", max_length=60)
    store_id: int | None = None
    received_at: dt.datetime | None = None
    response_seconds: int | None = Field(None, ge=0, le=86400, description="phone / walk-in already answered: seconds it took")


class ContactRespondIn(Schema):
    note: str = Field(max_length=500)
    customer_id: int | None = None


class OutcomeIn(Schema):
    outcome: str = Field(max_length=200)


class ContactComplaintIn(Schema):
    title: str = Field(max_length=100)
    category: str


class RedAlertOut(Schema):
    id: int
    store_id: int
    customer_id: int | None
    complaint_id: int | None
    source: str
    keywords: list[str]
    excerpt: str
    raised_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by_id: int | None


class RedAlertPage(Schema):
    items: list[RedAlertOut]
    count: int | None
    limit: int
    offset: int
