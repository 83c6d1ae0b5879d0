"""Loyalty reads, scoped to the acting user's stores, and the KPI sources of DOMAIN §12."""

import datetime as dt
import json

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from core.dates import local_day_range
from core.policies import policy_value
from core.scoping import get_scoped_or_404, scoped
from customers.models import Consent, Customer
from loyalty.models import ClubEvent, EventInvitation, EventSignup, PointsEntry, PointsLot, Referral, SpendKind, SpendRecord
from loyalty.services import MANUAL_REWARD_PREFIX, TIERS_HIGH_FIRST, points_balance, tier_benefits

CHAIN_DEPTH = 5


def customer_loyalty(*, user, customer_id: int) -> dict:
    """Everything the 360 card shows: tier and benefits, balance, recent ledger, referrals, events."""
    customer = get_scoped_or_404(Customer.objects.all(), user, pk=customer_id)
    today = timezone.localdate()
    expiring = (
        PointsLot.objects.filter(customer_id=customer.pk, remaining__gt=0, expires_on__gt=today)
        .order_by("expires_on")
        .values("expires_on")
        .annotate(points=Sum("remaining"))[:1]
    )
    return {
        "customer": customer,
        "benefits": tier_benefits(store_id=customer.store_id, tier=customer.member_tier),
        "balance": points_balance(customer_id=customer.pk),
        "next_expiry": expiring[0] if expiring else None,
        "entries": list(PointsEntry.objects.filter(customer_id=customer.pk).order_by("-id")[:5]),
        "referred_by": referral_chain_up(customer=customer),
        "referrals": list(
            Referral.objects.filter(referrer_id=customer.pk).select_related("prospect").order_by("-created_at")[:10]
        ),
        "signups": list(
            EventSignup.objects.filter(customer_id=customer.pk).select_related("event").order_by("-event__starts_at")[:5]
        ),
    }


def tier_rules(*, store_id: int) -> dict:
    """DOMAIN §2: the store's tier thresholds and benefits, lowest tier first (all policies)."""
    return {
        "store_id": store_id,
        "spend_window_months": policy_value(store_id, "loyalty.tier_spend_window_months"),
        "visit_window_months": policy_value(store_id, "loyalty.tier_visit_window_months"),
        "points_valid_months": policy_value(store_id, "loyalty.points_valid_months"),
        "tiers": [
            {
                "tier": tier.value,
                "label": tier.label,
                "min_spend": policy_value(store_id, f"loyalty.{tier}_min_spend"),
                "min_visits": policy_value(store_id, f"loyalty.{tier}_min_visits"),
                "benefits": tier_benefits(store_id=store_id, tier=tier),
            }
            for tier in reversed(TIERS_HIGH_FIRST)
        ],
    }


def points_entries(*, user, customer_id: int) -> QuerySet:
    customer = get_scoped_or_404(Customer.objects.all(), user, pk=customer_id)
    return PointsEntry.objects.filter(customer_id=customer.pk).select_related("created_by").order_by("-id")


def referral_chain_up(*, customer: Customer) -> list[Referral]:
    """Who referred this customer, who referred that one, … (DOMAIN §10 referral chains), nearest first."""
    chain, seen, current = [], {customer.pk}, customer.pk
    for _ in range(CHAIN_DEPTH):
        referral = (
            Referral.objects.filter(prospect_id=current)
            .exclude(status=Referral.Status.CANCELLED)
            .select_related("referrer")
            .order_by("created_at")
            .first()
        )
        if referral is None or referral.referrer_id in seen:
            break
        chain.append(referral)
        seen.add(referral.referrer_id)
        current = referral.referrer_id
    return chain


def referral_chain_down(*, customer: Customer) -> list[tuple[int, Referral]]:
    """The referrals this customer started and, level by level, the referrals of those they brought in:
    (depth, referral) in tree order, one query per level."""
    levels: list[list[Referral]] = []
    parents, seen = [customer.pk], {customer.pk}
    for _ in range(CHAIN_DEPTH):
        rows = list(
            Referral.objects.filter(referrer_id__in=parents, store_id=customer.store_id)
            .select_related("referrer", "prospect")
            .order_by("created_at", "id")
        )
        if not rows:
            break
        levels.append(rows)
        parents = [r.prospect_id for r in rows if r.prospect_id and r.prospect_id not in seen]
        seen.update(parents)
    return _tree_order(levels)


def _tree_order(levels: list[list[Referral]]) -> list[tuple[int, Referral]]:
    children: dict[int, list[Referral]] = {}
    for rows in levels[1:]:
        for row in rows:
            children.setdefault(row.referrer_id, []).append(row)
    ordered: list[tuple[int, Referral]] = []

    def walk(row: Referral, depth: int) -> None:
        ordered.append((depth, row))
        for child in children.get(row.prospect_id, []) if depth < CHAIN_DEPTH - 1 else []:
            walk(child, depth + 1)

    for row in levels[0] if levels else []:
        walk(row, 0)
    return ordered


def referral_list(*, user, status: str = "", q: str = "") -> QuerySet:
    rows = scoped(Referral.objects.all(), user).select_related("referrer", "prospect").order_by("-created_at", "-id")
    if status:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(Q(prospect_name__contains=q) | Q(referrer__name__contains=q) | Q(prospect_mobile__endswith=q))
    return rows


def referral_stats(*, user, since: dt.date, until: dt.date) -> dict:
    """Referral rate of the user's stores over local days [since, until]: purchases by referred buyers /
    all purchases (the same definition as the daily KPI)."""
    start, _ = local_day_range(since)
    _, end = local_day_range(until)
    purchases = scoped(SpendRecord.objects.filter(kind=SpendKind.PURCHASE, occurred_at__gte=start, occurred_at__lt=end), user)
    totals = purchases.aggregate(total=Count("pk"), referred=Count("pk", filter=Q(Exists(_referred_buyer()))))
    rate = round(100 * totals["referred"] / totals["total"], 1) if totals["total"] else None
    return {"since": since, "until": until, "purchases": totals["total"], "referred": totals["referred"], "rate": rate}


def _referred_buyer():
    """The purchase came through a referral: the showroom rewarded a referral for this very purchase
    (same source key), or a manager confirmed a referral of this buyer by hand."""
    return Referral.objects.filter(
        Q(purchase_source_key=OuterRef("source_key"))
        | Q(prospect_id=OuterRef("customer_id"), purchase_source_key__startswith=MANUAL_REWARD_PREFIX)
    )


def event_list(*, user, upcoming_only: bool = False) -> QuerySet:
    rows = scoped(ClubEvent.objects.all(), user).annotate(
        signed_up=Count("signups", distinct=True),
        attended=Count("signups", filter=Q(signups__attended_at__isnull=False), distinct=True),
    )
    if upcoming_only:
        rows = rows.filter(starts_at__gte=timezone.now() - dt.timedelta(days=1), status=ClubEvent.Status.OPEN)
    return rows.order_by("-starts_at", "-id")


def event_get(*, user, event_id: int) -> ClubEvent:
    return get_scoped_or_404(event_list(user=user), user, pk=event_id)


def event_signups(*, event: ClubEvent) -> QuerySet:
    return EventSignup.objects.filter(event=event).select_related("customer").order_by("signed_up_at", "id")


def event_audience(*, event: ClubEvent, tier: str = "", tag: str = "", vehicle_model: str = "", channel: str = "sms") -> QuerySet:
    """Customers of the event's store matching the filters, with a current marketing consent for the
    channel (DOMAIN §14), not anonymised and not yet invited — ordered by id for stable batches."""
    from messaging.rules import MARKETING_CONSENT
    from vehicles.models import Vehicle

    consent = Consent.objects.filter(customer_id=OuterRef("pk"), purpose=MARKETING_CONSENT[channel], granted=True)
    invited = EventInvitation.objects.filter(event_id=event.pk, customer_id=OuterRef("pk"))
    rows = (
        Customer.objects.filter(store_id=event.store_id, erased_at__isnull=True).filter(Exists(consent)).exclude(Exists(invited))
    )
    if tier:
        rows = rows.filter(member_tier=tier)
    if tag:
        rows = rows.filter(_tag_matches("manual_tags", tag) | _tag_matches("derived_tags", tag))
    if vehicle_model:
        rows = rows.filter(Exists(Vehicle.objects.filter(owner_id=OuterRef("pk"), model__icontains=vehicle_model)))
    return rows.order_by("id")


def _tag_matches(field: str, tag: str) -> Q:
    """A whole tag inside a JSON list, whether the backend stores it escaped (SQLite) or not (PostgreSQL)."""
    return Q(**{f"{field}__icontains": json.dumps(tag)}) | Q(**{f"{field}__icontains": json.dumps(tag, ensure_ascii=False)})


# --- KPI sources (the coordinator's dashboards): one GROUP BY each, per store --------------------


def kpi_referral_rate_daily(*, day: dt.date) -> list[dict]:
    """Referral rate (DOMAIN §10, §12), per store for one local day: numerator = new cars delivered that
    day (spend records of kind "purchase") for which a referral was rewarded — by the showroom for that
    delivery, or confirmed by a manager for that buyer; denominator = all new cars delivered that day."""
    start, end = local_day_range(day)
    rows = (
        SpendRecord.objects.filter(kind=SpendKind.PURCHASE, occurred_at__gte=start, occurred_at__lt=end)
        .values("store_id")
        .annotate(numerator=Count("pk", filter=Q(Exists(_referred_buyer()))), denominator=Count("pk"))
        .order_by("store_id")
    )
    return [
        {"store_id": r["store_id"], "staff_id": None, "numerator": r["numerator"], "denominator": r["denominator"]} for r in rows
    ]


def kpi_event_attendance_daily(*, day: dt.date) -> list[dict]:
    """Owner-club attendance, per store for one local day: numerator = sign-ups that attended, denominator
    = sign-ups, of the (not cancelled) events held that day."""
    start, end = local_day_range(day)
    rows = (
        EventSignup.objects.filter(event__starts_at__gte=start, event__starts_at__lt=end, event__status=ClubEvent.Status.OPEN)
        .values("store_id")
        .annotate(numerator=Count("pk", filter=Q(attended_at__isnull=False)), denominator=Count("pk"))
        .order_by("store_id")
    )
    return [
        {"store_id": r["store_id"], "staff_id": None, "numerator": r["numerator"], "denominator": r["denominator"]} for r in rows
    ]


def referral_get(*, user, referral_id: int) -> Referral:
    return get_scoped_or_404(Referral.objects.select_related("referrer", "prospect"), user, pk=referral_id)
