import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

Money = Decimal


def money_field(default=..., **extra):
    return Field(default, max_digits=14, decimal_places=2, allow_inf_nan=False, **extra)


# --- prospects ------------------------------------------------------------------------------------


class ProspectIn(Schema):
    name: str = Field(max_length=60)
    mobile: str = Field(max_length=20)
    source: str = Field(max_length=10)
    store_id: int | None = None
    owner_id: int | None = None
    company: str = Field("", max_length=100)
    main_need: str = Field("", max_length=200)
    budget_band: str = Field("", max_length=12)
    interested_model_id: int | None = None
    referrer_id: int | None = None


class ProspectOut(Schema):
    id: int
    store_id: int
    name: str
    mobile: str = Field(alias="masked_mobile")
    source: str
    owner_id: int
    owner_name: str
    status: str
    status_label: str
    customer_id: int | None
    referrer_id: int | None
    company: str
    main_need: str
    budget_band: str
    interested_model_id: int | None
    usage_scenarios: list[str]
    top_concerns: list[str]
    hidden_needs: list[str]
    powertrain_preference: str
    decision_maker: str
    decision_notes: str
    interviewed_at: dt.datetime | None
    lost_reason: str
    lost_note: str
    won_quote_id: int | None
    created_at: dt.datetime
    contacted_at: dt.datetime | None
    first_visit_at: dt.datetime | None
    test_drive_at: dt.datetime | None
    quoted_at: dt.datetime | None
    won_at: dt.datetime | None
    lost_at: dt.datetime | None

    @staticmethod
    def resolve_owner_name(obj):
        return str(obj.owner)

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class ProspectPage(Schema):
    items: list[ProspectOut]
    count: int | None
    limit: int
    offset: int


class AdvanceIn(Schema):
    status: str = Field(max_length=12)


class LoseIn(Schema):
    reason: str = Field(max_length=12)
    note: str = Field("", max_length=300)


class WinIn(Schema):
    quote_id: int | None = None


class ReassignIn(Schema):
    owner_id: int


class InterviewIn(Schema):
    usage_scenarios: list[str] = Field(max_length=10)
    top_concerns: list[str] = Field(max_length=10)
    hidden_needs: list[str] = Field([], max_length=10)
    powertrain_preference: str = Field("any", max_length=8)
    decision_maker: str = Field("", max_length=12)
    decision_notes: str = Field("", max_length=200)
    budget_band: str = Field("", max_length=12)


class IdentityOut(Schema):
    customer: dict | None = None
    referrer: dict | None = None
    fleet: bool = False
    open_complaints: int = 0
    prospect: dict | None = None
    vehicles: int = 0


# --- walk-ins --------------------------------------------------------------------------------------


class WalkInIn(Schema):
    store_id: int | None = None
    visitor_label: str = Field("", max_length=60)
    service_advisor_id: int | None = None


class WalkInRegisterIn(Schema):
    name: str = Field(max_length=60)
    mobile: str = Field(max_length=20)
    main_need: str = Field(max_length=200)
    budget_band: str = Field("", max_length=12)
    interested_model_id: int | None = None
    referrer_id: int | None = None
    company: str = Field("", max_length=100)


class WalkInOut(Schema):
    id: int
    store_id: int
    arrived_at: dt.datetime
    register_due_at: dt.datetime
    registered_at: dt.datetime | None
    visitor_label: str
    salesperson_id: int
    service_advisor_id: int | None
    prospect_id: int | None
    registered_on_time: bool

    @staticmethod
    def resolve_registered_on_time(obj):
        return obj.registered_on_time()


# --- test drives -----------------------------------------------------------------------------------


class TestDriveIn(Schema):
    demo_car_id: int
    starts_at: dt.datetime
    licence_checked: bool = False
    route: str = Field("city_highway", max_length=14)
    minutes: int | None = Field(None, ge=1, le=240)


class TestDriveFeedbackIn(Schema):
    rating: int = Field(ge=-1000, le=1000)
    liked: str = Field("", max_length=300)
    concerns: str = Field("", max_length=300)


class TestDriveOut(Schema):
    id: int
    store_id: int
    prospect_id: int
    demo_car_id: int
    demo_car: str
    route: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    licence_checked: bool
    status: str
    rating: int | None
    liked: str
    concerns: str
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_demo_car(obj):
        return str(obj.demo_car)


# --- quotes ----------------------------------------------------------------------------------------


class QuoteLineIn(Schema):
    kind: str = Field(max_length=10)
    description: str = Field(max_length=120)
    amount: Money = money_field()


class PromiseIn(Schema):
    kind: str = Field(max_length=14)
    description: str = Field(max_length=200)
    value: Money | None = money_field(None)
    valid_until: dt.date | None = None


class QuoteIn(Schema):
    car_model_id: int
    vehicle_price: Money | None = money_field(None)
    lines: list[QuoteLineIn] = Field([], max_length=30)
    package_ids: list[int] = Field([], max_length=30)
    promises: list[PromiseIn] = Field([], max_length=30)
    finance_plan_id: int | None = None
    down_payment: Money | None = money_field(None)
    colour: str = Field("", max_length=20)
    notes: str = Field("", max_length=500)
    after_sales_policy: str = Field("", max_length=4000)


class QuoteLineOut(Schema):
    position: int
    kind: str
    description: str
    amount: Decimal
    package_id: int | None


class PromiseOut(Schema):
    position: int
    kind: str
    description: str
    value: Decimal | None
    valid_until: dt.date | None


class QuoteOut(Schema):
    id: int
    store_id: int
    prospect_id: int
    version: int
    car_model_id: int
    car_model: str
    colour: str
    total: Decimal
    finance_plan_id: int | None
    down_payment: Decimal | None
    finance_summary: dict
    after_sales_policy: str
    valid_until: dt.date
    notes: str
    created_at: dt.datetime
    lines: list[QuoteLineOut]
    promises: list[PromiseOut]

    @staticmethod
    def resolve_car_model(obj):
        return str(obj.car_model)

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())

    @staticmethod
    def resolve_promises(obj):
        return list(obj.promises.all())


# --- delivery --------------------------------------------------------------------------------------


class DeliveryIn(Schema):
    vin: str = Field(max_length=30)
    plate: str = Field("", max_length=12)
    colour: str = Field("", max_length=20)


class PdiIn(Schema):
    results: dict[str, dict] = Field(max_length=20)


class ChecklistIn(Schema):
    explained_features: bool
    explained_after_sales: bool
    explained_membership: bool


class DeliveryOut(Schema):
    id: int
    store_id: int
    prospect_id: int
    quote_id: int
    vin: str
    plate: str
    colour: str
    pdi_results: dict
    pdi_completed_at: dt.datetime | None
    explained_features: bool
    explained_after_sales: bool
    explained_membership: bool
    delivered_at: dt.datetime | None
    customer_id: int | None
    vehicle_id: int | None
    warnings: list[str] = []


class LinkOut(Schema):
    url: str


# --- catalogue and configuration -------------------------------------------------------------------


class CarModelIn(Schema):
    store_id: int | None = None
    brand: str = Field(max_length=40)
    model: str = Field(max_length=60)
    trim: str = Field("", max_length=60)
    powertrain: str = Field(max_length=10)
    body_type: str = Field("sedan", max_length=10)
    seats: int = Field(5, ge=1, le=12)
    guide_price: Money = money_field()
    fuel_l_per_100km: Decimal = Field(Decimal("0"), ge=0, le=999, decimal_places=2, allow_inf_nan=False)
    power_kwh_per_100km: Decimal = Field(Decimal("0"), ge=0, le=999, decimal_places=2, allow_inf_nan=False)
    battery_kwh: Decimal | None = Field(None, ge=0, le=99999, decimal_places=1, allow_inf_nan=False)
    range_km: int | None = Field(None, ge=0, le=100000)
    annual_maintenance: Money = money_field(Decimal("0"))
    key_specs: list[str] = Field([], max_length=30)
    options: list[str] = Field([], max_length=30)
    is_active: bool = True


class CarModelPatch(Schema):
    guide_price: Money | None = money_field(None)
    annual_maintenance: Money | None = money_field(None)
    key_specs: list[str] | None = Field(None, max_length=30)
    options: list[str] | None = Field(None, max_length=30)
    is_active: bool | None = None


class CarModelOut(Schema):
    id: int
    store_id: int
    brand: str
    model: str
    trim: str
    powertrain: str
    body_type: str
    seats: int
    guide_price: Decimal
    fuel_l_per_100km: Decimal
    power_kwh_per_100km: Decimal
    battery_kwh: Decimal | None
    range_km: int | None
    annual_maintenance: Decimal
    key_specs: list
    options: list
    is_active: bool


class RunningCostOut(Schema):
    km: int
    energy: Decimal
    maintenance: Decimal
    total: Decimal


class ComparisonOut(Schema):
    model: CarModelOut
    running_cost: RunningCostOut


class PackageIn(Schema):
    store_id: int | None = None
    name: str = Field(max_length=60)
    description: str = Field("", max_length=300)
    price: Money = money_field()
    is_active: bool = True


class PackagePatch(Schema):
    description: str | None = Field(None, max_length=300)
    price: Money | None = money_field(None)
    is_active: bool | None = None


class PackageOut(Schema):
    id: int
    store_id: int
    name: str
    description: str
    price: Decimal
    is_active: bool


class FinancePlanIn(Schema):
    store_id: int | None = None
    name: str = Field(max_length=60)
    annual_rate_percent: Decimal = Field(max_digits=6, decimal_places=3, allow_inf_nan=False)
    term_months: int = Field(ge=-10000, le=10000)
    fees: Money = money_field(Decimal("0"))
    min_down_payment_percent: Decimal = Field(Decimal("20"), max_digits=6, decimal_places=2, allow_inf_nan=False)
    is_active: bool = True


class FinancePlanPatch(Schema):
    annual_rate_percent: Decimal | None = Field(None, max_digits=6, decimal_places=3, allow_inf_nan=False)
    fees: Money | None = money_field(None)
    min_down_payment_percent: Decimal | None = Field(None, max_digits=6, decimal_places=2, allow_inf_nan=False)
    is_active: bool | None = None


class FinancePlanOut(Schema):
    id: int
    store_id: int
    name: str
    annual_rate_percent: Decimal
    term_months: int
    fees: Decimal
    min_down_payment_percent: Decimal
    is_active: bool


class FinanceCompareIn(Schema):
    price: Money = money_field()
    down_payment: Money = money_field()
    plan_ids: list[int] = Field([], max_length=20)


class LoanOut(Schema):
    plan_id: int | None
    plan_name: str
    annual_rate_percent: Decimal
    term_months: int
    down_payment: Decimal
    principal: Decimal
    monthly_payment: Decimal
    total_interest: Decimal
    fees: Decimal
    total_cost: Decimal
    extra_vs_cash: Decimal


class UnavailableOut(Schema):
    plan_id: int | None
    plan_name: str
    reason: str


class FinanceCompareOut(Schema):
    price: Decimal
    cash_total: Decimal
    loans: list[LoanOut]
    unavailable: list[UnavailableOut]


class DemoCarIn(Schema):
    store_id: int | None = None
    car_model_id: int
    plate: str = Field(max_length=12)
    is_active: bool = True


class DemoCarPatch(Schema):
    is_active: bool


class DemoCarOut(Schema):
    id: int
    store_id: int
    car_model_id: int
    plate: str
    is_active: bool


class MatrixRuleIn(Schema):
    store_id: int | None = None
    budget_band: str = Field(max_length=12)
    usage: str = Field(max_length=12)
    powertrain_preference: str = Field(max_length=8)
    car_model_id: int
    rank: int = Field(1, ge=1, le=99)


class MatrixRuleOut(Schema):
    id: int
    store_id: int
    budget_band: str
    usage: str
    powertrain_preference: str
    car_model_id: int
    car_model: str
    rank: int

    @staticmethod
    def resolve_car_model(obj):
        return str(obj.car_model)


# --- funnel ----------------------------------------------------------------------------------------


class FunnelRowOut(Schema):
    store_id: int
    store_name: str = Field(alias="store__name")
    owner_id: int
    owner_name: str
    leads: int
    visited: int
    test_driven: int
    quoted: int
    won: int
    lost: int
    visit_rate: Decimal | None
    test_drive_rate: Decimal | None
    conversion: Decimal | None

    @staticmethod
    def resolve_owner_name(obj):
        return obj["owner__display_name"] or obj["owner__username"]


class FunnelTotalsOut(Schema):
    leads: int
    visited: int
    test_driven: int
    quoted: int
    won: int
    lost: int
    visit_rate: Decimal | None
    test_drive_rate: Decimal | None
    conversion: Decimal | None


class CountBySource(Schema):
    source: str
    count: int


class CountByReason(Schema):
    lost_reason: str
    count: int


class FunnelOut(Schema):
    since: dt.date
    until: dt.date
    rows: list[FunnelRowOut]
    totals: FunnelTotalsOut
    by_source: list[CountBySource]
    lost_reasons: list[CountByReason]
