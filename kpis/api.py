"""KPIs as JSON — the same figures as the dashboards (DOMAIN §12)."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from core.errors import InvalidInput
from kpis import incentives, selectors, services
from kpis.definitions import KPIS_BY_KEY

router = Router(tags=["kpis"])


class KpiQuery(Schema):
    model_config = ConfigDict(populate_by_name=True)

    store: int | None = Field(None, description="a store id; all the user's stores when left out", ge=1, le=2**62)
    period: str = Field("custom", description="day | week | month | quarter | custom (needs from and to)")
    on: dt.date | None = Field(None, description="a day inside the period (day/week/month/quarter); default today")
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None


class TrendQuery(KpiQuery):
    kpi: str


class StoreOut(Schema):
    id: int
    code: str
    name: str


class FigureOut(Schema):
    key: str
    label: str
    unit: str = Field(description="percent | score (of 100) | minutes | count")
    value: Decimal | None = Field(description="null when nothing was measured in the period")
    target: float | None
    numerator: Decimal
    denominator: Decimal
    status: str = Field(description="ok | below | none (no figure or no target)")


class KpiOut(Schema):
    stores: list[StoreOut]
    from_: dt.date = Field(alias="from")
    to: dt.date
    kpis: list[FigureOut]


class StoreFiguresOut(Schema):
    store: StoreOut
    kpis: list[FigureOut]


class StaffFigureOut(Schema):
    staff_id: int
    name: str
    value: Decimal | None
    numerator: Decimal
    denominator: Decimal


class TrendOut(Schema):
    key: str
    label: str
    unit: str
    labels: list[str]
    values: list[float | None]
    target: float | None


def _scope(request, params: KpiQuery):
    if params.period == "custom" and params.from_ is None and params.to is None:
        raise InvalidInput({"from": "请填写开始日期和结束日期，或选择日、周、月、季度"})
    period = selectors.period_resolve(period=params.period, on=params.on, start=params.from_, end=params.to)
    stores = selectors.stores_in_scope(user=request.auth, store_id=params.store)
    return stores, period


def _kpi(key: str):
    if key not in KPIS_BY_KEY:
        raise InvalidInput({"kpi": "未知的指标"})
    return KPIS_BY_KEY[key]


def _store_out(store) -> dict:
    return {"id": store.pk, "code": store.code, "name": store.name}


@router.get("", response=KpiOut, by_alias=True)
def kpi_figures(request, params: Query[KpiQuery]):
    """Every measure over the period, Σ numerator / Σ denominator of the daily rollups."""
    stores, period = _scope(request, params)
    figures = selectors.kpi_summary(store_ids=[s.pk for s in stores], period=period)
    return {
        "stores": [_store_out(s) for s in stores],
        "from": period.start,
        "to": period.end,
        "kpis": [f.as_dict() for f in figures],
    }


@router.get("/by-store", response=list[StoreFiguresOut])
def kpi_figures_by_store(request, params: Query[KpiQuery]):
    stores, period = _scope(request, params)
    rows = selectors.kpi_by_store(store_ids=[s.pk for s in stores], period=period)
    return [{"store": _store_out(row["store"]), "kpis": [f.as_dict() for f in row["figures"]]} for row in rows]


@router.get("/by-staff", response=list[StaffFigureOut])
def kpi_figures_by_staff(request, params: Query[TrendQuery]):
    stores, period = _scope(request, params)
    return selectors.kpi_by_staff(store_ids=[s.pk for s in stores], period=period, kpi=_kpi(params.kpi))


@router.get("/trend", response=TrendOut)
def kpi_trend(request, params: Query[TrendQuery]):
    stores, period = _scope(request, params)
    return selectors.kpi_trend(store_ids=[s.pk for s in stores], period=period, kpi=_kpi(params.kpi))


# --- improvement actions and best practice --------------------------------------------------------


class ActionOut(Schema):
    id: int
    store_id: int
    kpi: str
    weeks: str
    value: Decimal
    target: Decimal
    status: str
    owner_id: int | None
    opened_at: dt.datetime
    meeting_due_at: dt.datetime
    meeting_held_at: dt.datetime | None
    meeting_notes: str
    plan_due_at: dt.datetime
    plan: str
    planned_at: dt.datetime | None
    verify_month: dt.date
    result: str
    outcome: str
    verified_at: dt.datetime | None


class ActionQuery(Schema):
    open_only: bool = False


class MeetingIn(Schema):
    notes: str = Field(max_length=4000)
    held_at: dt.datetime | None = None


class PlanIn(Schema):
    plan: str = Field(max_length=4000)


class VerifyIn(Schema):
    result: str = Field(description="improved | not_improved")
    outcome: str = Field(max_length=4000)


@router.get("/actions", response=list[ActionOut])
def action_list(request, params: Query[ActionQuery]):
    """Improvement actions opened by red indicators (newest first, at most 200)."""
    return list(selectors.improvement_actions(user=request.auth, open_only=params.open_only)[:200])


@router.get("/actions/{int:action_id}", response=ActionOut)
def action_detail(request, action_id: int):
    return selectors.improvement_action_get(user=request.auth, action_id=action_id)


@router.post("/actions/{int:action_id}/meeting", response=ActionOut)
def action_meeting(request, action_id: int, payload: MeetingIn):
    action = selectors.improvement_action_get(user=request.auth, action_id=action_id)
    return services.improvement_meeting_record(user=request.auth, action=action, held_at=payload.held_at, notes=payload.notes)


@router.post("/actions/{int:action_id}/plan", response=ActionOut)
def action_plan(request, action_id: int, payload: PlanIn):
    action = selectors.improvement_action_get(user=request.auth, action_id=action_id)
    return services.improvement_plan_submit(user=request.auth, action=action, plan=payload.plan)


@router.post("/actions/{int:action_id}/verify", response=ActionOut)
def action_verify(request, action_id: int, payload: VerifyIn):
    action = selectors.improvement_action_get(user=request.auth, action_id=action_id)
    return services.improvement_verify(user=request.auth, action=action, result=payload.result, outcome=payload.outcome)


class BestPracticeIn(Schema):
    store_id: int | None = Field(None, ge=1, le=2**62)
    month: dt.date
    title: str = Field(max_length=100)
    body: str = Field(max_length=4000)
    kpi: str = Field("", max_length=40)
    shared: bool = True


class BestPracticeOut(Schema):
    id: int
    store_id: int
    month: dt.date
    kpi: str
    title: str
    body: str
    shared: bool
    created_at: dt.datetime


@router.get("/best-practices", response=list[BestPracticeOut])
def best_practice_list(request):
    return list(selectors.best_practices(user=request.auth)[:200])


@router.post("/best-practices", response={201: BestPracticeOut})
def best_practice_create(request, payload: BestPracticeIn):
    case = services.best_practice_create(user=request.auth, **payload.dict())
    return Status(201, case)


# --- incentive figures ----------------------------------------------------------------------------


class IncentiveQuery(Schema):
    store: int | None = Field(None, ge=1, le=2**62)
    month: dt.date = Field(description="any day of the month")


class CommissionOut(Schema):
    staff_id: int
    name: str
    answers: int
    satisfaction: Decimal
    coefficient: Decimal
    factor: Decimal


class IncentivesOut(Schema):
    month: dt.date
    sales_commission: list[CommissionOut]
    lead_bonuses: list[dict] = Field(description="per after-sales person: converted leads and bonus (leads module)")


@router.get("/incentives", response=IncentivesOut)
def incentive_figures(request, params: Query[IncentiveQuery]):
    """Sales commission factors from after-sales satisfaction and after-sales lead bonuses, per person."""
    stores = selectors.stores_in_scope(user=request.auth, store_id=params.store)
    month = params.month.replace(day=1)
    commission = incentives.sales_commission_weights(user=request.auth, store_ids=[s.pk for s in stores], month=month)
    return {
        "month": month,
        "sales_commission": commission,
        "lead_bonuses": incentives.lead_bonuses(user=request.auth, month=month),
    }
