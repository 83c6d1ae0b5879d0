"""The showroom API (/api/showroom): prospects, reception, test drives, quotes, delivery, the catalogue
and its configuration, finance comparison and the sales funnel. Thin: parse, call one service."""

import datetime as dt

from django.urls import reverse
from ninja import Query, Router, Schema, Status

from core.api import paginate
from core.errors import InvalidInput
from customers.validators import normalize_mobile
from showroom import catalogue, delivery, quotes, selectors, services, testdrives
from showroom.finance import finance_compare as compare_finance
from showroom.schemas import (
    AdvanceIn,
    CarModelIn,
    CarModelOut,
    CarModelPatch,
    ChecklistIn,
    ComparisonOut,
    DeliveryIn,
    DeliveryOut,
    DemoCarIn,
    DemoCarOut,
    DemoCarPatch,
    FinanceCompareIn,
    FinanceCompareOut,
    FinancePlanIn,
    FinancePlanOut,
    FinancePlanPatch,
    FunnelOut,
    IdentityOut,
    InterviewIn,
    LinkOut,
    LoseIn,
    MatrixRuleIn,
    MatrixRuleOut,
    PackageIn,
    PackageOut,
    PackagePatch,
    PdiIn,
    ProspectIn,
    ProspectOut,
    ProspectPage,
    QuoteIn,
    QuoteOut,
    ReassignIn,
    TestDriveFeedbackIn,
    TestDriveIn,
    TestDriveOut,
    WalkInIn,
    WalkInOut,
    WalkInRegisterIn,
    WinIn,
)

router = Router(tags=["showroom"])


class ProspectQuery(Schema):
    status: str = ""
    source: str = ""
    owner_id: int | None = None
    q: str = ""
    limit: int | None = None
    offset: int | None = None


class IdentityQuery(Schema):
    mobile: str
    store_id: int | None = None


class DayQuery(Schema):
    day: dt.date | None = None


class CompareQuery(Schema):
    first: int
    second: int


class FunnelQuery(Schema):
    since: dt.date
    until: dt.date
    store_id: int | None = None


# --- prospects --------------------------------------------------------------------------------------


@router.get("/prospects", response=ProspectPage)
def prospect_list(request, params: Query[ProspectQuery]):
    queryset = selectors.prospect_list(
        user=request.auth, status=params.status, source=params.source, owner_id=params.owner_id, q=params.q
    )
    return paginate(queryset, params.limit, params.offset)


@router.post("/prospects", response={201: ProspectOut})
def prospect_create(request, payload: ProspectIn):
    return Status(201, services.prospect_create(user=request.auth, **payload.dict()))


@router.get("/prospects/identity", response=IdentityOut)
def visitor_identity(request, params: Query[IdentityQuery]):
    """Reception's "hidden identity" of a visitor by mobile (DOMAIN §15)."""
    store_id = params.store_id or request.auth.default_store_id()
    return selectors.visitor_identity(user=request.auth, store_id=store_id, mobile=normalize_mobile(params.mobile))


@router.get("/prospects/{int:prospect_id}", response=ProspectOut)
def prospect_detail(request, prospect_id: int):
    return selectors.prospect_get(user=request.auth, prospect_id=prospect_id)


@router.post("/prospects/{int:prospect_id}/advance", response=ProspectOut)
def prospect_advance(request, prospect_id: int, payload: AdvanceIn):
    prospect = selectors.prospect_get(user=request.auth, prospect_id=prospect_id)
    return services.prospect_advance(user=request.auth, prospect=prospect, status=payload.status)


@router.post("/prospects/{int:prospect_id}/lose", response=ProspectOut)
def prospect_lose(request, prospect_id: int, payload: LoseIn):
    prospect = selectors.prospect_get(user=request.auth, prospect_id=prospect_id)
    return services.prospect_lose(user=request.auth, prospect=prospect, reason=payload.reason, note=payload.note)


@router.post("/prospects/{int:prospect_id}/win", response=ProspectOut)
def prospect_win(request, prospect_id: int, payload: WinIn):
    prospect = selectors.prospect_get(user=request.auth, prospect_id=prospect_id)
    return services.prospect_win(user=request.auth, prospect=prospect, quote_id=payload.quote_id)


@router.post("/prospects/{int:prospect_id}/reassign", response=ProspectOut)
def prospect_reassign(request, prospect_id: int, payload: ReassignIn):
    prospect = selectors.prospect_get(user=request.auth, prospect_id=prospect_id)
    return services.prospect_reassign(user=request.auth, prospect=prospect, owner_id=payload.owner_id)


@router.post("/prospects/{int:prospect_id}/interview", response=ProspectOut)
def prospect_interview(request, prospect_id: int, payload: InterviewIn):
    prospect = selectors.prospect_get(user=request.auth, prospect_id=prospect_id)
    return services.prospect_interview(user=request.auth, prospect=prospect, **payload.dict())


@router.get("/prospects/{int:prospect_id}/recommendations", response=list[CarModelOut])
def prospect_recommendations(request, prospect_id: int):
    """Models from the needs → model matrix for this prospect's interview."""
    return selectors.recommended_models(prospect=selectors.prospect_get(user=request.auth, prospect_id=prospect_id))


@router.post("/prospects/{int:prospect_id}/test-drives", response={201: TestDriveOut})
def test_drive_schedule(request, prospect_id: int, payload: TestDriveIn):
    prospect = selectors.prospect_get(user=request.auth, prospect_id=prospect_id)
    return Status(201, testdrives.test_drive_schedule(user=request.auth, prospect=prospect, **payload.dict()))


@router.get("/prospects/{int:prospect_id}/quotes", response=list[QuoteOut])
def quote_list(request, prospect_id: int):
    return list(selectors.quote_list(prospect=selectors.prospect_get(user=request.auth, prospect_id=prospect_id)))


@router.post("/prospects/{int:prospect_id}/quotes", response={201: QuoteOut})
def quote_create(request, prospect_id: int, payload: QuoteIn):
    prospect = selectors.prospect_get(user=request.auth, prospect_id=prospect_id)
    data = payload.dict()
    data["lines"] = [quotes.LineIn(**line) for line in data["lines"]]
    data["promises"] = [quotes.PromiseIn(**promise) for promise in data["promises"]]
    return Status(201, quotes.quote_create(user=request.auth, prospect=prospect, **data))


@router.post("/prospects/{int:prospect_id}/delivery", response={201: DeliveryOut})
def delivery_start(request, prospect_id: int, payload: DeliveryIn):
    prospect = selectors.prospect_get(user=request.auth, prospect_id=prospect_id)
    started, warnings = delivery.delivery_start(user=request.auth, prospect=prospect, **payload.dict())
    started.warnings = warnings
    return Status(201, started)


# --- reception --------------------------------------------------------------------------------------


@router.get("/walk-ins", response=list[WalkInOut])
def walk_in_list(request):
    """Today's walk-ins of the user's stores, newest first."""
    return list(selectors.walk_in_list_today(user=request.auth)[:200])


@router.post("/walk-ins", response={201: WalkInOut})
def walk_in_arrive(request, payload: WalkInIn):
    return Status(201, services.walk_in_arrive(user=request.auth, **payload.dict()))


@router.post("/walk-ins/{int:sales_walk_in_id}/register", response=WalkInOut)
def walk_in_register(request, sales_walk_in_id: int, payload: WalkInRegisterIn):
    walk_in = selectors.walk_in_get(user=request.auth, walk_in_id=sales_walk_in_id)
    return services.walk_in_register(user=request.auth, walk_in=walk_in, **payload.dict())


# --- test drives ------------------------------------------------------------------------------------


@router.get("/test-drives", response=list[TestDriveOut])
def test_drive_list(request, params: Query[DayQuery]):
    return list(selectors.test_drive_list(user=request.auth, day=params.day)[:500])


@router.post("/test-drives/{int:test_drive_id}/feedback", response=TestDriveOut)
def test_drive_feedback(request, test_drive_id: int, payload: TestDriveFeedbackIn):
    test_drive = selectors.test_drive_get(user=request.auth, test_drive_id=test_drive_id)
    return testdrives.test_drive_feedback(user=request.auth, test_drive=test_drive, **payload.dict())


@router.post("/test-drives/{int:test_drive_id}/cancel", response=TestDriveOut)
def test_drive_cancel(request, test_drive_id: int):
    test_drive = selectors.test_drive_get(user=request.auth, test_drive_id=test_drive_id)
    return testdrives.test_drive_cancel(user=request.auth, test_drive=test_drive)


# --- quotes and delivery ----------------------------------------------------------------------------


@router.get("/quotes/{int:sales_quote_id}", response=QuoteOut)
def quote_detail(request, sales_quote_id: int):
    return selectors.quote_get(user=request.auth, quote_id=sales_quote_id)


@router.get("/deliveries/{int:sales_delivery_id}", response=DeliveryOut)
def delivery_detail(request, sales_delivery_id: int):
    return selectors.delivery_get(user=request.auth, delivery_id=sales_delivery_id)


@router.post("/deliveries/{int:sales_delivery_id}/pdi", response=DeliveryOut)
def pdi_record(request, sales_delivery_id: int, payload: PdiIn):
    found = selectors.delivery_get(user=request.auth, delivery_id=sales_delivery_id)
    return delivery.pdi_record(user=request.auth, delivery=found, results=payload.results)


@router.get("/deliveries/{int:sales_delivery_id}/pdi-link", response=LinkOut)
def pdi_link(request, sales_delivery_id: int):
    """The signed link of the PDI report to send to the customer."""
    found = selectors.delivery_get(user=request.auth, delivery_id=sales_delivery_id)
    return {"url": request.build_absolute_uri(reverse("showroom_pdi_report", args=[delivery.pdi_token(found)]))}


@router.post("/deliveries/{int:sales_delivery_id}/checklist", response=DeliveryOut)
def delivery_checklist(request, sales_delivery_id: int, payload: ChecklistIn):
    found = selectors.delivery_get(user=request.auth, delivery_id=sales_delivery_id)
    return delivery.delivery_checklist(user=request.auth, delivery=found, **payload.dict())


@router.post("/deliveries/{int:sales_delivery_id}/complete", response=DeliveryOut)
def delivery_complete(request, sales_delivery_id: int):
    """Mark delivered: archive customer and vehicle, start the handover and the service plan."""
    found = selectors.delivery_get(user=request.auth, delivery_id=sales_delivery_id)
    return delivery.delivery_complete(user=request.auth, delivery=found)


# --- catalogue and configuration --------------------------------------------------------------------


@router.get("/catalogue", response=list[CarModelOut])
def car_model_list(request):
    return list(selectors.car_model_list(user=request.auth)[:500])


@router.post("/catalogue", response={201: CarModelOut})
def car_model_create(request, payload: CarModelIn):
    return Status(201, catalogue.car_model_save(user=request.auth, **payload.dict()))


@router.get("/catalogue/compare", response=list[ComparisonOut])
def car_model_compare(request, params: Query[CompareQuery]):
    """Two models side by side: price, key specs, running cost per year."""
    first = selectors.car_model_get(user=request.auth, car_model_id=params.first)
    second = selectors.car_model_get(user=request.auth, car_model_id=params.second)
    return selectors.model_comparison(first=first, second=second)


@router.patch("/catalogue/{int:car_model_id}", response=CarModelOut)
def car_model_update(request, car_model_id: int, payload: CarModelPatch):
    car_model = selectors.car_model_get(user=request.auth, car_model_id=car_model_id)
    return catalogue.car_model_save(user=request.auth, car_model=car_model, **payload.dict(exclude_none=True))


@router.get("/packages", response=list[PackageOut])
def value_package_list(request):
    return list(selectors.value_package_list(user=request.auth)[:500])


@router.post("/packages", response={201: PackageOut})
def value_package_create(request, payload: PackageIn):
    return Status(201, catalogue.value_package_save(user=request.auth, **payload.dict()))


@router.patch("/packages/{int:value_package_id}", response=PackageOut)
def value_package_update(request, value_package_id: int, payload: PackagePatch):
    package = selectors.value_package_get(user=request.auth, package_id=value_package_id)
    return catalogue.value_package_save(user=request.auth, package=package, **payload.dict(exclude_none=True))


@router.get("/finance-plans", response=list[FinancePlanOut])
def finance_plan_list(request):
    return list(selectors.finance_plan_list(user=request.auth)[:500])


@router.post("/finance-plans", response={201: FinancePlanOut})
def finance_plan_create(request, payload: FinancePlanIn):
    return Status(201, catalogue.finance_plan_save(user=request.auth, **payload.dict()))


@router.patch("/finance-plans/{int:finance_plan_id}", response=FinancePlanOut)
def finance_plan_update(request, finance_plan_id: int, payload: FinancePlanPatch):
    plan = selectors.finance_plan_get(user=request.auth, plan_id=finance_plan_id)
    return catalogue.finance_plan_save(user=request.auth, plan=plan, **payload.dict(exclude_none=True))


@router.post("/finance/compare", response=FinanceCompareOut)
def finance_compare(request, payload: FinanceCompareIn):
    """Cash vs. each loan plan (all active plans of the user's stores unless plan_ids are given)."""
    plans = selectors.finance_plan_list(user=request.auth, active_only=True)
    if payload.plan_ids:
        plans = plans.filter(pk__in=payload.plan_ids)
        if plans.count() != len(set(payload.plan_ids)):
            raise InvalidInput({"plan_ids": "没有该金融方案"})
    return compare_finance(price=payload.price, down_payment=payload.down_payment, plans=list(plans[:20]))


@router.get("/demo-cars", response=list[DemoCarOut])
def demo_car_list(request):
    return list(selectors.demo_car_list(user=request.auth)[:500])


@router.post("/demo-cars", response={201: DemoCarOut})
def demo_car_create(request, payload: DemoCarIn):
    return Status(201, catalogue.demo_car_save(user=request.auth, **payload.dict()))


@router.patch("/demo-cars/{int:demo_car_id}", response=DemoCarOut)
def demo_car_update(request, demo_car_id: int, payload: DemoCarPatch):
    demo_car = selectors.demo_car_get(user=request.auth, demo_car_id=demo_car_id)
    return catalogue.demo_car_save(
        user=request.auth,
        demo_car=demo_car,
        car_model_id=demo_car.car_model_id,
        plate=demo_car.plate,
        is_active=payload.is_active,
    )


@router.get("/matrix", response=list[MatrixRuleOut])
def matrix_list(request):
    return list(selectors.recommendation_rule_list(user=request.auth)[:1000])


@router.post("/matrix", response={201: MatrixRuleOut})
def matrix_add(request, payload: MatrixRuleIn):
    return Status(201, catalogue.recommendation_rule_add(user=request.auth, **payload.dict()))


@router.delete("/matrix/{int:matrix_rule_id}", response={204: None})
def matrix_remove(request, matrix_rule_id: int):
    rule = selectors.recommendation_rule_get(user=request.auth, rule_id=matrix_rule_id)
    catalogue.recommendation_rule_remove(user=request.auth, rule=rule)
    return Status(204, None)


# --- funnel -----------------------------------------------------------------------------------------


@router.get("/funnel", response=FunnelOut)
def sales_funnel(request, params: Query[FunnelQuery]):
    """Leads by source, visit rate, test-drive rate, conversion, lost reasons — per store and salesperson."""
    return selectors.sales_funnel(user=request.auth, since=params.since, until=params.until, store_id=params.store_id)
