"""Reads of the showroom, scoped to the acting user's stores; the reception's "hidden identity"; the
recommendation and comparison; the KPI sources and the sales funnel (DOMAIN §15, §12)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from core.dates import local_day_range
from core.errors import InvalidInput
from core.policies import policy_value
from core.scoping import get_scoped_or_404, scoped
from customers.models import Customer
from showroom.finance import money
from showroom.models import (
    CarModel,
    Delivery,
    DemoCar,
    FinancePlan,
    PowertrainPreference,
    Prospect,
    Quote,
    RecommendationRule,
    TestDrive,
    ValuePackage,
    WalkIn,
)

# --- lists and single rows -----------------------------------------------------------------------


def prospect_list(*, user, status: str = "", source: str = "", owner_id: int | None = None, q: str = "") -> QuerySet:
    queryset = scoped(Prospect.objects, user).select_related("owner", "interested_model").order_by("-id")
    if status == "open":
        queryset = queryset.exclude(status__in=Prospect.CLOSED)
    elif status:
        queryset = queryset.filter(status=status)
    if source:
        queryset = queryset.filter(source=source)
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    digits = "".join(ch for ch in q if ch.isdigit())
    if len(digits) == 4:
        queryset = queryset.filter(mobile_last4=digits)
    elif len(digits) == 11:
        queryset = queryset.filter(mobile=f"+86{digits}")
    elif q.strip():
        queryset = queryset.filter(name=q.strip())
    return queryset


def prospect_get(*, user, prospect_id: int) -> Prospect:
    queryset = Prospect.objects.select_related("owner", "customer", "referrer", "interested_model", "won_quote")
    return get_scoped_or_404(queryset, user, pk=prospect_id)


def prospect_events(*, prospect: Prospect) -> QuerySet:
    return prospect.events.select_related("actor").order_by("-at", "-id")[:50]


def walk_in_list_today(*, user) -> QuerySet:
    start, end = local_day_range(timezone.localdate())
    return (
        scoped(WalkIn.objects, user)
        .filter(arrived_at__gte=start, arrived_at__lt=end)
        .select_related("salesperson", "service_advisor", "prospect")
        .order_by("-arrived_at")
    )


def walk_in_get(*, user, walk_in_id: int) -> WalkIn:
    return get_scoped_or_404(WalkIn.objects.select_related("prospect"), user, pk=walk_in_id)


def test_drive_list(*, user, day: dt.date | None = None, prospect: Prospect | None = None) -> QuerySet:
    queryset = scoped(TestDrive.objects, user).select_related("demo_car__car_model", "prospect").order_by("starts_at")
    if prospect is not None:
        return queryset.filter(prospect=prospect)
    start, end = local_day_range(day or timezone.localdate())
    return queryset.filter(starts_at__gte=start, starts_at__lt=end)


def test_drive_get(*, user, test_drive_id: int) -> TestDrive:
    return get_scoped_or_404(TestDrive.objects.select_related("demo_car__car_model", "prospect"), user, pk=test_drive_id)


def quote_get(*, user, quote_id: int) -> Quote:
    queryset = Quote.objects.select_related("prospect__owner", "car_model", "finance_plan", "created_by")
    return get_scoped_or_404(queryset.prefetch_related("lines", "promises"), user, pk=quote_id)


def quote_list(*, prospect: Prospect) -> QuerySet:
    return prospect.quotes.select_related("car_model").prefetch_related("lines", "promises").order_by("-version")


def delivery_get(*, user, delivery_id: int) -> Delivery:
    queryset = Delivery.objects.select_related("prospect__owner", "quote__car_model", "customer", "vehicle")
    return get_scoped_or_404(queryset, user, pk=delivery_id)


def car_model_list(*, user, active_only: bool = False) -> QuerySet:
    queryset = scoped(CarModel.objects, user).order_by("brand", "model", "trim")
    return queryset.filter(is_active=True) if active_only else queryset


def car_model_get(*, user, car_model_id: int) -> CarModel:
    return get_scoped_or_404(CarModel.objects, user, pk=car_model_id)


def demo_car_list(*, user, active_only: bool = False) -> QuerySet:
    queryset = scoped(DemoCar.objects, user).select_related("car_model").order_by("plate")
    return queryset.filter(is_active=True) if active_only else queryset


def demo_car_get(*, user, demo_car_id: int) -> DemoCar:
    return get_scoped_or_404(DemoCar.objects.select_related("car_model"), user, pk=demo_car_id)


def value_package_list(*, user, active_only: bool = False) -> QuerySet:
    queryset = scoped(ValuePackage.objects, user).order_by("name")
    return queryset.filter(is_active=True) if active_only else queryset


def value_package_get(*, user, package_id: int) -> ValuePackage:
    return get_scoped_or_404(ValuePackage.objects, user, pk=package_id)


def finance_plan_list(*, user, active_only: bool = False, store_id: int | None = None) -> QuerySet:
    queryset = scoped(FinancePlan.objects, user)
    if store_id is not None:
        queryset = queryset.filter(store_id=store_id)
    return queryset.filter(is_active=True) if active_only else queryset


def finance_plan_get(*, user, plan_id: int) -> FinancePlan:
    return get_scoped_or_404(FinancePlan.objects, user, pk=plan_id)


def recommendation_rule_list(*, user) -> QuerySet:
    return scoped(RecommendationRule.objects, user).select_related("car_model")


def recommendation_rule_get(*, user, rule_id: int) -> RecommendationRule:
    return get_scoped_or_404(RecommendationRule.objects, user, pk=rule_id)


# --- reception: who is this visitor? ---------------------------------------------------------------


def staff_of_role(*, user, role: str, store_id: int | None = None) -> QuerySet:
    """Active staff of a role in the user's stores (service advisors for the "1+1" reception,
    salespeople for a prospect transfer)."""
    from accounts.models import User

    stores = [store_id] if store_id in user.accessible_store_ids() else user.accessible_store_ids()
    queryset = User.objects.filter(role=role, is_active=True, stores__in=stores)
    return queryset.distinct().order_by("display_name", "username")


def service_advisors(*, user) -> QuerySet:
    from accounts.models import Role

    return staff_of_role(user=user, role=Role.ADVISOR)


def visitor_identity(*, user, store_id: int, mobile: str) -> dict:
    """DOMAIN §15 "hidden identity" at reception: existing customer, referred by whom, fleet or
    corporate potential, open complaint — and an open prospect (who already looks after them)."""
    from complaints.models import Complaint
    from showroom.services import customer_for_mobile, open_prospect_for

    if store_id not in user.accessible_store_ids():
        return {}
    customer = customer_for_mobile(store_id, mobile)
    prospect = open_prospect_for(store_id, mobile)
    identity = {"customer": None, "referrer": None, "fleet": False, "open_complaints": 0, "prospect": None, "vehicles": 0}
    if prospect is not None:
        identity["prospect"] = {
            "id": prospect.pk,
            "name": prospect.name,
            "status": prospect.get_status_display(),
            "owner": str(prospect.owner),
        }
        identity["fleet"] = bool(prospect.company)
    if customer is not None:
        identity["vehicles"] = customer.vehicles.filter(is_active=True).count()
        identity["customer"] = {
            "id": customer.pk,
            "name": customer.name,
            "tier": customer.get_member_tier_display(),
            "tags": customer.tags,
        }
        identity["referrer"] = _customer_label(customer.referred_by) if customer.referred_by_id else None
        identity["fleet"] = identity["fleet"] or bool(customer.company) or identity["vehicles"] >= 2
        identity["open_complaints"] = Complaint.objects.filter(customer=customer).exclude(status=Complaint.Status.CLOSED).count()
    return identity


def _customer_label(customer: Customer | None) -> dict | None:
    return {"id": customer.pk, "name": customer.name, "mobile": customer.masked_mobile} if customer else None


# --- recommendation, comparison --------------------------------------------------------------------


def recommended_models(*, prospect: Prospect) -> list[CarModel]:
    """The matrix cells matching the interview: budget × each usage × powertrain preference
    ("any" rows always match, and an "any" preference matches every row)."""
    if not prospect.budget_band or not prospect.usage_scenarios:
        return []
    queryset = RecommendationRule.objects.filter(
        store_id=prospect.store_id,
        budget_band=prospect.budget_band,
        usage__in=prospect.usage_scenarios,
        car_model__is_active=True,
    )
    if prospect.powertrain_preference != PowertrainPreference.ANY:
        queryset = queryset.filter(powertrain_preference__in=[prospect.powertrain_preference, PowertrainPreference.ANY])
    rules = queryset.select_related("car_model").order_by("rank", "id")
    return list({rule.car_model_id: rule.car_model for rule in rules}.values())


def running_cost_per_year(car_model: CarModel) -> dict:
    """Energy and maintenance per year at the store's mileage and prices (policies)."""
    km = Decimal(policy_value(car_model.store_id, "showroom.km_per_year"))
    fuel = money(car_model.fuel_l_per_100km * km / 100 * Decimal(policy_value(car_model.store_id, "showroom.fuel_price_yuan")))
    power = money(
        car_model.power_kwh_per_100km * km / 100 * Decimal(policy_value(car_model.store_id, "showroom.power_price_yuan"))
    )
    return {
        "km": int(km),
        "energy": fuel + power,
        "maintenance": money(car_model.annual_maintenance),
        "total": fuel + power + money(car_model.annual_maintenance),
    }


def model_comparison(*, first: CarModel, second: CarModel) -> list[dict]:
    """Side by side: price, key specs, running cost."""
    return [{"model": car_model, "running_cost": running_cost_per_year(car_model)} for car_model in (first, second)]


# --- KPI sources (read by the kpis dashboards; one set-based GROUP BY each) -------------------------


def _per_staff(queryset, staff_field: str, numerator: Q) -> list[dict]:
    rows = (
        queryset.values("store_id", staff_id=F(staff_field))
        .annotate(numerator=Count("id", filter=numerator), denominator=Count("id"))
        .order_by("store_id", "staff_id")
    )
    return [dict(row) for row in rows]


def kpi_walk_in_registration_daily(*, day: dt.date) -> list[dict]:
    """Walk-ins arriving that local day, per (store, receiving salesperson): registered (name,
    mobile, main need) within the store's policy minutes ÷ all walk-ins (DOMAIN §1: 3 minutes).
    The deadline is stamped at arrival, so a later policy change does not rewrite history."""
    start, end = local_day_range(day)
    walk_ins = WalkIn.objects.filter(arrived_at__gte=start, arrived_at__lt=end)
    return _per_staff(walk_ins, "salesperson_id", Q(registered_at__isnull=False, registered_at__lte=F("register_due_at")))


def kpi_showroom_conversion_daily(*, day: dt.date) -> list[dict]:
    """Prospects closed that local day, per (store, owner): won ÷ closed (won or lost)."""
    start, end = local_day_range(day)
    won = Q(won_at__gte=start, won_at__lt=end)
    closed = Prospect.objects.filter(won | Q(lost_at__gte=start, lost_at__lt=end))
    return _per_staff(closed, "owner_id", won)


def kpi_test_drive_rate_daily(*, day: dt.date) -> list[dict]:
    """Prospects whose first showroom visit was that local day, per (store, owner): those who took
    a test drive on that same day ÷ all of them. Counting the same day only keeps a day's figure
    stable once the day is over (a test drive weeks later belongs to no visit day's rate)."""
    start, end = local_day_range(day)
    first_visits = Prospect.objects.filter(first_visit_at__gte=start, first_visit_at__lt=end)
    return _per_staff(first_visits, "owner_id", Q(test_drive_at__gte=start, test_drive_at__lt=end))


# --- the sales funnel page ---------------------------------------------------------------------------


def _rate(numerator: int, denominator: int) -> Decimal | None:
    return (Decimal(numerator) * 100 / denominator).quantize(Decimal("0.1")) if denominator else None


def sales_funnel(*, user, since: dt.date, until: dt.date, store_id: int | None = None) -> dict:
    """The funnel of prospects created in [since, until] (local days), per store and salesperson:
    leads by source, visit rate (visited ÷ leads), test-drive rate (test drive ÷ visited),
    conversion (won ÷ leads), lost reasons. Each part is one GROUP BY over the cohort."""
    longest = policy_value(None, "kpis.max_range_days")
    if until < since or (until - since).days > longest:
        raise InvalidInput({"until": f"结束日期须不早于开始日期，且期间不超过 {longest} 天"})
    start, _ = local_day_range(since)
    _, end = local_day_range(until)
    cohort = scoped(Prospect.objects, user).filter(created_at__gte=start, created_at__lt=end)
    if store_id:
        cohort = cohort.filter(store_id=store_id)
    rows = [
        {
            **row,
            "visit_rate": _rate(row["visited"], row["leads"]),
            "test_drive_rate": _rate(row["test_driven"], row["visited"]),
            "conversion": _rate(row["won"], row["leads"]),
        }
        for row in cohort.values("store_id", "store__name", "owner_id", "owner__display_name", "owner__username")
        .annotate(
            leads=Count("id"),
            visited=Count("id", filter=Q(first_visit_at__isnull=False)),
            test_driven=Count("id", filter=Q(test_drive_at__isnull=False)),
            quoted=Count("id", filter=Q(quoted_at__isnull=False)),
            won=Count("id", filter=Q(status=Prospect.Status.WON)),
            lost=Count("id", filter=Q(status=Prospect.Status.LOST)),
        )
        .order_by("store_id", "owner_id")
    ]
    totals = {key: sum(row[key] for row in rows) for key in ("leads", "visited", "test_driven", "quoted", "won", "lost")}
    totals.update(
        visit_rate=_rate(totals["visited"], totals["leads"]),
        test_drive_rate=_rate(totals["test_driven"], totals["visited"]),
        conversion=_rate(totals["won"], totals["leads"]),
    )
    by_source = list(cohort.values("source").annotate(count=Count("id")).order_by("-count", "source"))
    lost_reasons = list(
        cohort.filter(status=Prospect.Status.LOST)
        .values("lost_reason")
        .annotate(count=Count("id"))
        .order_by("-count", "lost_reason")
    )
    return {"since": since, "until": until, "rows": rows, "totals": totals, "by_source": by_source, "lost_reasons": lost_reasons}
