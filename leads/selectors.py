"""Reads of service → sales leads (DOMAIN §11, §12): work lists, conversion, lead-to-sale time, the
after-sales bonus per converted lead, trade-in proposals and the daily KPI sources."""

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from complaints.models import Complaint
from core.policies import policy_value
from core.scoping import get_scoped_or_404, scoped
from leads.models import Lead, LeadFollowUp
from vehicles.models import Vehicle

LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)

VIEWS = {
    "mine": "分配给我的",
    "recorded": "我记录的",
    "open": "未结案",
    "late": "超时",
    "closed": "已结案",
    "all": "全部",
}
TRADE_IN_WORDS = ("油耗", "空间", "太小", "不够坐", "fuel", "space")


def lead_list(*, user, view: str = "mine", now: dt.datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    queryset = scoped(Lead.objects, user).select_related("customer", "vehicle", "salesperson", "recorded_by")
    filters = {
        "mine": Q(salesperson=user),
        "recorded": Q(recorded_by=user),
        "open": ~Q(status__in=Lead.CLOSED),
        "late": Q(earliest_deadline_at__lte=now)
        | Q(push_breached_at__isnull=False, pushed_at__isnull=True)
        | Q(follow_up_breached_at__isnull=False, followed_up_at__isnull=True),
        "closed": Q(status__in=Lead.CLOSED),
    }
    if view in filters:
        queryset = queryset.filter(filters[view])
    return queryset.order_by("-recorded_at", "-pk")


def lead_get(*, user, lead_id: int) -> Lead:
    return get_scoped_or_404(
        Lead.objects.select_related("customer", "vehicle", "salesperson", "recorded_by", "escalated_to"), user, pk=lead_id
    )


def lead_follow_ups(*, lead: Lead) -> QuerySet:
    return LeadFollowUp.objects.filter(lead=lead).select_related("by")


def leads_of_customer(*, customer_id: int, limit: int = 20) -> list[Lead]:
    return list(Lead.objects.filter(customer_id=customer_id).select_related("salesperson").order_by("-recorded_at")[:limit])


def sales_team(*, store_id: int) -> QuerySet:
    from accounts.models import Role

    return User.objects.filter(is_active=True, stores=store_id, role=Role.SALESPERSON).order_by("pk")


def _local_range(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(since, dt.time(0), tzinfo=LOCAL)
    return start, dt.datetime.combine(until + dt.timedelta(days=1), dt.time(0), tzinfo=LOCAL)


def lead_measures(*, user, since: dt.date, until: dt.date) -> dict:
    """Leads closed in [since, until]: conversion rate = won ÷ (won + lost) (DOMAIN §11, target ≥ 30 %)
    and the average days from record to sale of the won ones."""
    start, end = _local_range(since, until)
    closed = scoped(Lead.objects, user).filter(closed_at__gte=start, closed_at__lt=end, status__in=Lead.CLOSED)
    totals = closed.aggregate(
        won=Count("pk", filter=Q(status=Lead.Status.WON)),
        closed=Count("pk"),
        to_sale=Avg(F("closed_at") - F("recorded_at"), filter=Q(status=Lead.Status.WON)),
    )
    recorded = scoped(Lead.objects, user).filter(recorded_at__gte=start, recorded_at__lt=end).count()
    rate = round(100 * totals["won"] / totals["closed"], 1) if totals["closed"] else None
    to_sale = totals["to_sale"]
    return {
        "recorded": recorded,
        "closed": totals["closed"],
        "won": totals["won"],
        "conversion_percent": rate,
        "target_percent": policy_value(user.default_store_id(), "leads.conversion_target_percent"),
        "avg_days_to_sale": round(to_sale.total_seconds() / 86400, 1) if to_sale is not None else None,
    }


def lead_bonus_report(*, user, month: dt.date) -> list[dict]:
    """DOMAIN §12: the after-sales bonus per converted lead — per person who recorded leads won in the
    month, the converted leads and the bonus (the store's amount per lead, CNY)."""
    start = month.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    begin, end = _local_range(start, following - dt.timedelta(days=1))
    rows = (
        scoped(Lead.objects, user)
        .filter(status=Lead.Status.WON, closed_at__gte=begin, closed_at__lt=end)
        .values("store_id", "recorded_by_id")
        .annotate(converted=Count("pk"))
        .order_by("recorded_by_id", "store_id")
    )
    people: dict[int, dict] = {}
    for row in rows:
        per_lead = Decimal(str(policy_value(row["store_id"], "leads.bonus_per_won_yuan")))
        person = people.setdefault(
            row["recorded_by_id"], {"staff_id": row["recorded_by_id"], "converted": 0, "bonus": Decimal("0.00")}
        )
        person["converted"] += row["converted"]
        person["bonus"] += (per_lead * row["converted"]).quantize(Decimal("0.01"))
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=people)}
    return [{**person, "staff_name": names.get(staff_id, "")} for staff_id, person in sorted(people.items())]


# --- trade-in proposals (DOMAIN §4 three-year anniversary, §11 complaints about fuel use/space) ---


def trade_in_suggestions(*, user, today: dt.date | None = None, limit: int = 100) -> dict[str, list]:
    """Vehicles around their 3-year purchase anniversary, and customers who complained about fuel
    use or space lately — each without an open trade-in lead yet."""
    today = today or timezone.localdate()
    store_id = user.default_store_id()
    years = policy_value(store_id, "leads.trade_in_years")
    window = dt.timedelta(days=policy_value(store_id, "leads.anniversary_window_days"))
    open_trade_in = Lead.objects.filter(customer_id=OuterRef("customer_id"), kind=Lead.Kind.TRADE_IN).exclude(
        status=Lead.Status.LOST
    )
    anniversary = _years_before(today, years)
    vehicles = (
        scoped(Vehicle.objects, user)
        .filter(is_active=True, purchase_date__gte=anniversary - window, purchase_date__lte=anniversary + window)
        .annotate(customer_id=F("owner_id"))
        .filter(~Exists(open_trade_in))
        .select_related("owner")
        .order_by("purchase_date", "pk")[:limit]
    )
    since = timezone.now() - dt.timedelta(days=policy_value(store_id, "leads.complaint_lookback_days"))
    words = Q()
    for word in TRADE_IN_WORDS:
        words |= Q(title__icontains=word) | Q(description__icontains=word)
    complaints = (
        scoped(Complaint.objects, user)
        .filter(words, opened_at__gte=since)
        .filter(~Exists(open_trade_in))
        .select_related("customer", "vehicle")
        .order_by("-opened_at")[:limit]
    )
    return {"anniversaries": list(vehicles), "complaints": list(complaints)}


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- KPI sources (the coordinator's dashboards): one GROUP BY each, per (store, staff) ------------


def kpi_lead_conversion_daily(*, day: dt.date) -> list[dict]:
    """Leads won that local day / leads closed won or lost that day (staff = who recorded the lead)."""
    start, end = _local_range(day, day)
    rows = (
        Lead.objects.filter(closed_at__gte=start, closed_at__lt=end, status__in=Lead.CLOSED)
        .values("store_id", "recorded_by_id")
        .annotate(numerator=Count("pk", filter=Q(status=Lead.Status.WON)), denominator=Count("pk"))
        .order_by("store_id", "recorded_by_id")
    )
    return [
        {"store_id": r["store_id"], "staff_id": r["recorded_by_id"], "numerator": r["numerator"], "denominator": r["denominator"]}
        for r in rows
    ]


def kpi_lead_follow_up_on_time_daily(*, day: dt.date) -> list[dict]:
    """Leads whose follow-up deadline fell that local day and were followed up by it / those leads
    (staff = the salesperson)."""
    start, end = _local_range(day, day)
    rows = (
        Lead.objects.filter(follow_up_due_at__gte=start, follow_up_due_at__lt=end)
        .values("store_id", "salesperson_id")
        .annotate(numerator=Count("pk", filter=Q(followed_up_at__lte=F("follow_up_due_at"))), denominator=Count("pk"))
        .order_by("store_id", "salesperson_id")
    )
    return [
        {"store_id": r["store_id"], "staff_id": r["salesperson_id"], "numerator": r["numerator"], "denominator": r["denominator"]}
        for r in rows
    ]
