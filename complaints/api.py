"""REST API of the contact queue, complaints and red alerts (DOMAIN §1, §9). Every id is looked up in
the caller's stores (another store's id is 404); writes go through the services."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from complaints import selectors, services
from complaints.schemas import (
    BreakdownRow,
    CloseIn,
    CompensationIn,
    ComplaintEventOut,
    ComplaintIn,
    ComplaintOut,
    ComplaintPage,
    ComplaintPatch,
    ContactComplaintIn,
    ContactEventOut,
    ContactIn,
    ContactOut,
    ContactPage,
    ContactRateRow,
    ContactRespondIn,
    FindingIn,
    NoteIn,
    OnTimeRatesOut,
    OutcomeIn,
    ReasonIn,
    RecurringCauseRow,
    RedAlertOut,
    RedAlertPage,
    SolutionIn,
    TeamIn,
    TextIn,
    TransferIn,
)
from core.api import paginate
from core.scoping import scoped
from customers.selectors import customer_get
from vehicles.models import Vehicle

router = Router(tags=["complaints"])
contacts_router = Router(tags=["contacts"])
red_alerts_router = Router(tags=["red alerts"])

MAX_DUE_WITHIN_MINUTES = 7 * 24 * 60


class ComplaintQuery(Schema):
    status: str | None = Field(None, description="open (not closed) | open | responded | waiting_customer | closed")
    tier: str | None = None
    customer_id: int | None = None
    mine: bool = False
    due_within_minutes: int | None = Field(None, ge=0, le=MAX_DUE_WITHIN_MINUTES, description="about to breach (or overdue)")
    limit: int | None = None
    offset: int | None = None


class PeriodQuery(Schema):
    since: dt.date | None = Field(None, description="default: the first day of this month")
    until: dt.date | None = Field(None, description="default: today")


class BreakdownQuery(PeriodQuery):
    by: str = Field("category", description="category | cause | store | advisor | month")


class RecurringQuery(PeriodQuery):
    min_count: int = Field(2, ge=1, le=1000)


def _period(params: PeriodQuery) -> dict:
    today = timezone.localdate()
    return {"since": params.since or today.replace(day=1), "until": params.until or today}


def _minutes(value: int | None) -> dt.timedelta | None:
    return dt.timedelta(minutes=value) if value is not None else None


# --- complaints -----------------------------------------------------------------------------------


@router.get("", response=ComplaintPage)
def complaint_list(request, params: Query[ComplaintQuery]):
    """Open complaints by their nearest deadline; `due_within_minutes` lists those about to breach."""
    queryset = selectors.complaint_list(
        user=request.auth,
        status=params.status,
        tier=params.tier,
        customer_id=params.customer_id,
        owner_id=request.auth.pk if params.mine else None,
        due_within=_minutes(params.due_within_minutes),
    )
    return paginate(queryset, params.limit, params.offset)


@router.post("", response={201: ComplaintOut})
def complaint_open(request, payload: ComplaintIn):
    """Open a complaint (DOMAIN §9). Safety, media, legal threat, VIP and red-alert words go to L3."""
    data = payload.dict()
    customer = customer_get(user=request.auth, customer_id=data.pop("customer_id"))
    vehicle_id = data.pop("vehicle_id")
    vehicle = get_object_or_404(scoped(Vehicle.objects, request.auth), pk=vehicle_id) if vehicle_id else None
    complaint = services.complaint_open(user=request.auth, customer=customer, vehicle=vehicle, source="api", **data)
    return Status(201, complaint)


@router.get("/analysis", response=list[BreakdownRow])
def complaint_breakdown(request, params: Query[BreakdownQuery]):
    """Complaints opened in the period by category, root cause, store, advisor or month."""
    return selectors.complaint_breakdown(user=request.auth, by=params.by, **_period(params))


@router.get("/recurring-causes", response=list[RecurringCauseRow])
def recurring_causes(request, params: Query[RecurringQuery]):
    return selectors.recurring_causes(user=request.auth, min_count=params.min_count, **_period(params))


@router.get("/on-time", response=OnTimeRatesOut)
def on_time_rates(request, params: Query[PeriodQuery]):
    """On-time first response (24 h) and closure (48 h) against the ≥ 95 % target."""
    return selectors.complaint_on_time_rates(user=request.auth, **_period(params))


@router.get("/{int:complaint_id}", response=ComplaintOut)
def complaint_detail(request, complaint_id: int):
    return selectors.complaint_get(user=request.auth, complaint_id=complaint_id)


@router.patch("/{int:complaint_id}", response=ComplaintOut)
def complaint_update(request, complaint_id: int, payload: ComplaintPatch):
    complaint = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    return services.complaint_update(user=request.auth, complaint=complaint, **payload.dict(exclude_unset=True))


@router.get("/{int:complaint_id}/events", response=list[ComplaintEventOut])
def complaint_events(request, complaint_id: int):
    """The timeline: every change, breach, escalation and notice, oldest first."""
    complaint = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    return list(selectors.complaint_timeline(complaint=complaint))


def _act(request, complaint_id: int, service, **kwargs):
    complaint = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    service(user=request.auth, complaint=complaint, **kwargs)
    return selectors.complaint_get(user=request.auth, complaint_id=complaint_id)


@router.post("/{int:complaint_id}/respond", response=ComplaintOut)
def complaint_respond(request, complaint_id: int, payload: NoteIn):
    return _act(request, complaint_id, services.complaint_respond, note=payload.note)


@router.post("/{int:complaint_id}/notes", response={201: ComplaintEventOut})
def complaint_note(request, complaint_id: int, payload: TextIn):
    complaint = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    return Status(201, services.complaint_note(user=request.auth, complaint=complaint, text=payload.text))


@router.post("/{int:complaint_id}/pause", response=ComplaintOut)
def complaint_pause(request, complaint_id: int, payload: ReasonIn):
    """Waiting for the customer: the clocks stop until resumed."""
    return _act(request, complaint_id, services.complaint_pause, reason=payload.reason)


@router.post("/{int:complaint_id}/resume", response=ComplaintOut)
def complaint_resume(request, complaint_id: int):
    return _act(request, complaint_id, services.complaint_resume)


@router.post("/{int:complaint_id}/escalate", response=ComplaintOut)
def complaint_escalate(request, complaint_id: int, payload: ReasonIn):
    return _act(request, complaint_id, services.complaint_escalate, reason=payload.reason)


@router.post("/{int:complaint_id}/transfer", response=ComplaintOut)
def complaint_transfer(request, complaint_id: int, payload: TransferIn):
    return _act(request, complaint_id, services.complaint_transfer, **payload.dict())


@router.post("/{int:complaint_id}/compensations", response=ComplaintOut)
def compensation_grant(request, complaint_id: int, payload: CompensationIn):
    """Within the authority of the complaint's tier and the user's (409 above it)."""
    return _act(request, complaint_id, services.compensation_grant, **payload.dict())


@router.post("/{int:complaint_id}/team", response=ComplaintOut)
def complaint_team_form(request, complaint_id: int, payload: TeamIn):
    members = {"sales": payload.sales_id, "service": payload.service_id, "quality": payload.quality_id}
    return _act(request, complaint_id, services.complaint_team_form, members=members, single_window=payload.single_window)


@router.post("/{int:complaint_id}/findings", response=ComplaintOut)
def complaint_finding(request, complaint_id: int, payload: FindingIn):
    return _act(request, complaint_id, services.complaint_finding_record, **payload.dict())


@router.post("/{int:complaint_id}/solution", response=ComplaintOut)
def complaint_joint_solution(request, complaint_id: int, payload: SolutionIn):
    return _act(request, complaint_id, services.complaint_joint_solution, solution=payload.solution)


@router.post("/{int:complaint_id}/close", response=ComplaintOut)
def complaint_close(request, complaint_id: int, payload: CloseIn):
    """Needs the solution, the root cause and the customer's confirmation or recorded refusal (422)."""
    return _act(request, complaint_id, services.complaint_close, **payload.dict())


# --- the contact queue ----------------------------------------------------------------------------


class ContactQuery(Schema):
    status: str | None = Field(None, description="default: not closed | waiting | responded | closed | all")
    due_within_minutes: int | None = Field(None, ge=0, le=MAX_DUE_WITHIN_MINUTES)
    limit: int | None = None
    offset: int | None = None


@contacts_router.get("", response=ContactPage)
def contact_queue(request, params: Query[ContactQuery]):
    queryset = selectors.contact_queue(user=request.auth, status=params.status, due_within=_minutes(params.due_within_minutes))
    return paginate(queryset, params.limit, params.offset)


@contacts_router.post("", response={201: ContactOut})
def contact_receive(request, payload: ContactIn):
    """Queue an inbound request with its channel's response deadline (DOMAIN §1)."""
    data = payload.dict()
    customer_id = data.pop("customer_id")
    customer = customer_get(user=request.auth, customer_id=customer_id) if customer_id else None
    return Status(201, services.contact_receive(user=request.auth, customer=customer, **data))


@contacts_router.get("/response-rates", response=list[ContactRateRow])
def contact_response_rates(request, params: Query[PeriodQuery]):
    return selectors.contact_response_rates(user=request.auth, **_period(params))


@contacts_router.get("/{int:contact_id}", response=ContactOut)
def contact_detail(request, contact_id: int):
    return selectors.contact_get(user=request.auth, contact_id=contact_id)


@contacts_router.get("/{int:contact_id}/events", response=list[ContactEventOut])
def contact_events(request, contact_id: int):
    contact = selectors.contact_get(user=request.auth, contact_id=contact_id)
    return list(selectors.contact_timeline(contact=contact))


@contacts_router.post("/{int:contact_id}/take", response=ContactOut)
def contact_take(request, contact_id: int):
    """First-contact ownership: the first to take it owns it (409 when someone else did)."""
    contact = selectors.contact_get(user=request.auth, contact_id=contact_id)
    return services.contact_take(user=request.auth, contact=contact)


@contacts_router.post("/{int:contact_id}/respond", response=ContactOut)
def contact_respond(request, contact_id: int, payload: ContactRespondIn):
    contact = selectors.contact_get(user=request.auth, contact_id=contact_id)
    customer = customer_get(user=request.auth, customer_id=payload.customer_id) if payload.customer_id else None
    return services.contact_respond(user=request.auth, contact=contact, note=payload.note, customer=customer)


@contacts_router.post("/{int:contact_id}/transfer", response=ContactOut)
def contact_transfer(request, contact_id: int, payload: TransferIn):
    contact = selectors.contact_get(user=request.auth, contact_id=contact_id)
    return services.contact_transfer(user=request.auth, contact=contact, **payload.dict())


@contacts_router.post("/{int:contact_id}/close", response=ContactOut)
def contact_close(request, contact_id: int, payload: OutcomeIn):
    contact = selectors.contact_get(user=request.auth, contact_id=contact_id)
    return services.contact_close(user=request.auth, contact=contact, outcome=payload.outcome)


@contacts_router.post("/{int:contact_id}/complaint", response={201: ComplaintOut})
def contact_to_complaint(request, contact_id: int, payload: ContactComplaintIn):
    contact = selectors.contact_get(user=request.auth, contact_id=contact_id)
    return Status(201, services.contact_to_complaint(user=request.auth, contact=contact, **payload.dict()))


# --- red alerts -----------------------------------------------------------------------------------


class RedAlertQuery(Schema):
    open: bool = Field(True, description="only those not acknowledged yet")
    limit: int | None = None
    offset: int | None = None


@red_alerts_router.get("", response=RedAlertPage)
def red_alert_list(request, params: Query[RedAlertQuery]):
    return paginate(selectors.red_alert_list(user=request.auth, open_only=params.open), params.limit, params.offset)


@red_alerts_router.get("/{int:alert_id}", response=RedAlertOut)
def red_alert_detail(request, alert_id: int):
    return selectors.red_alert_get(user=request.auth, alert_id=alert_id)


@red_alerts_router.post("/{int:alert_id}/acknowledge", response=RedAlertOut)
def red_alert_acknowledge(request, alert_id: int):
    """Takes the alert off every manager's screen (409 if someone already did)."""
    alert = selectors.red_alert_get(user=request.auth, alert_id=alert_id)
    return services.red_alert_acknowledge(user=request.auth, alert=alert)
