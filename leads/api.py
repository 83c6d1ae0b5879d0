"""/api/leads: service → sales leads (DOMAIN §11) — record, push, follow up, close, reassign; the
conversion measures, the after-sales bonus report and trade-in proposals."""

import datetime as dt

from ninja import Query, Router, Schema, Status

from core.api import paginate
from customers.selectors import customer_get
from leads import selectors, services
from leads.schemas import AssignIn, BonusRowOut, FollowUpIn, FollowUpOut, LeadIn, LeadOut, LeadPage, MeasuresOut, SuggestionOut
from vehicles.selectors import vehicle_get

router = Router(tags=["leads"])


class ListQuery(Schema):
    view: str = "open"  # mine | recorded | open | late | closed | all
    limit: int | None = None
    offset: int | None = None


class PeriodQuery(Schema):
    since: dt.date
    until: dt.date


class MonthQuery(Schema):
    month: dt.date


@router.get("", response=LeadPage)
def lead_list(request, params: Query[ListQuery]):
    view = params.view if params.view in selectors.VIEWS else "open"
    return paginate(selectors.lead_list(user=request.auth, view=view), params.limit, params.offset)


@router.post("", response={201: LeadOut})
def lead_record(request, payload: LeadIn):
    customer = customer_get(user=request.auth, customer_id=payload.customer_id)
    vehicle = vehicle_get(user=request.auth, vehicle_id=payload.vehicle_id) if payload.vehicle_id else None
    data = payload.dict(exclude={"customer_id", "vehicle_id"})
    return Status(201, services.lead_record(user=request.auth, customer=customer, vehicle=vehicle, **data))


@router.get("/measures", response=MeasuresOut)
def lead_measures(request, params: Query[PeriodQuery]):
    """Conversion rate (target ≥ 30 %) and average days from record to sale, by closing date."""
    until = min(params.until, params.since + dt.timedelta(days=366))
    return selectors.lead_measures(user=request.auth, since=params.since, until=until)


@router.get("/bonus", response=list[BonusRowOut])
def lead_bonus(request, params: Query[MonthQuery]):
    """DOMAIN §12: the after-sales bonus per converted lead, per person, for the month of `month`."""
    return selectors.lead_bonus_report(user=request.auth, month=params.month)


@router.get("/suggestions", response=list[SuggestionOut])
def lead_suggestions(request):
    """Trade-in proposals: 3-year anniversaries and complaints about fuel use or space."""
    found = selectors.trade_in_suggestions(user=request.auth)
    rows = [
        {"source": "anniversary", "customer_id": v.owner_id, "vehicle_id": v.pk, "source_ref": f"{v.pk}-{v.purchase_date:%Y}",
         "reason": f"购车满三年（{v.purchase_date:%Y-%m-%d}）"}
        for v in found["anniversaries"]
    ]  # fmt: skip
    rows += [
        {
            "source": "complaint",
            "customer_id": c.customer_id,
            "vehicle_id": c.vehicle_id,
            "source_ref": str(c.pk),
            "reason": c.title,
        }
        for c in found["complaints"]
    ]
    return rows


@router.get("/{int:lead_id}", response=LeadOut)
def lead_detail(request, lead_id: int):
    return selectors.lead_get(user=request.auth, lead_id=lead_id)


@router.get("/{int:lead_id}/follow-ups", response=list[FollowUpOut])
def lead_follow_up_list(request, lead_id: int):
    return list(selectors.lead_follow_ups(lead=selectors.lead_get(user=request.auth, lead_id=lead_id)))


@router.post("/{int:lead_id}/follow-ups", response=LeadOut)
def lead_follow_up(request, lead_id: int, payload: FollowUpIn):
    lead = selectors.lead_get(user=request.auth, lead_id=lead_id)
    return services.lead_follow_up(user=request.auth, lead=lead, **payload.dict())


@router.post("/{int:lead_id}/assign", response=LeadOut)
def lead_assign(request, lead_id: int, payload: AssignIn):
    lead = selectors.lead_get(user=request.auth, lead_id=lead_id)
    return services.lead_assign(user=request.auth, lead=lead, salesperson_id=payload.salesperson_id)
