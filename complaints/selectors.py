"""Reads of the contact queue and complaints, always scoped to the acting user's stores, and the
analyses a later KPI module reads (DOMAIN §9: categories and recurring causes monthly; §12: complaint
response within 24 h ≥ 95 %)."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.permissions import Perm, has_perm
from complaints.models import Complaint, ContactChannel, ContactRequest, JointTeamMember, RedAlert, Tier
from core.dates import local_day_range
from core.errors import InvalidInput
from core.policies import policy_value
from core.scoping import get_scoped_or_404, scoped
from sla.selectors import ClockView, clock_views, due_soon
from sla.services import warning_time

LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)
OPEN_STATUSES = [Complaint.Status.OPEN, Complaint.Status.RESPONDED, Complaint.Status.WAITING_CUSTOMER]


# --- complaints -----------------------------------------------------------------------------------


def complaint_list(
    *,
    user,
    status: str | None = None,
    tier: str | None = None,
    customer_id: int | None = None,
    owner_id: int | None = None,
    due_within: dt.timedelta | None = None,
    now: dt.datetime | None = None,
) -> QuerySet:
    """Open complaints first by their earliest deadline (the indexed column), then the newest.
    `due_within`: only those about to breach (or already overdue) within that time."""
    queryset = scoped(Complaint.objects, user).select_related("customer", "owner", "store")
    if status == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif status:
        queryset = queryset.filter(status=status)
    if tier:
        queryset = queryset.filter(tier=tier)
    if customer_id is not None:
        queryset = queryset.filter(customer_id=customer_id)
    if owner_id is not None:
        queryset = queryset.filter(owner_id=owner_id)
    if due_within is not None:
        return due_soon(queryset, now=now or timezone.now(), within=due_within)
    return queryset.order_by(F("earliest_deadline_at").asc(nulls_last=True), "-opened_at", "-id")


def complaint_get(*, user, complaint_id: int) -> Complaint:
    queryset = Complaint.objects.select_related("customer", "vehicle", "owner", "advisor", "store")
    return get_scoped_or_404(queryset, user, pk=complaint_id)


def complaint_timeline(*, complaint: Complaint) -> QuerySet:
    return complaint.events.select_related("actor").order_by("at", "id")


def complaint_team(*, complaint: Complaint) -> list[JointTeamMember]:
    return list(complaint.team.select_related("member").order_by("side"))


def complaint_compensations(*, complaint: Complaint) -> QuerySet:
    return complaint.compensations.select_related("granted_by").order_by("granted_at", "id")


def complaint_clocks(*, complaint: Complaint, now: dt.datetime | None = None) -> list[ClockView]:
    return clock_views(complaint, now=now or timezone.now(), warning=warning_time(complaint))


# --- the contact queue ----------------------------------------------------------------------------


def contact_queue(
    *, user, status: str | None = None, due_within: dt.timedelta | None = None, now: dt.datetime | None = None
) -> QuerySet:
    """DOMAIN §1: the unanswered requests by deadline, then the answered ones still open. `status`
    "all" includes the closed ones, newest first."""
    queryset = scoped(ContactRequest.objects, user).select_related("customer", "owner")
    if due_within is not None:
        return due_soon(queryset, now=now or timezone.now(), within=due_within)
    if status == "all":
        return queryset.order_by("-received_at", "-id")
    if status:
        return queryset.filter(status=status).order_by("respond_due_at", "id")
    return queryset.exclude(status=ContactRequest.Status.CLOSED).order_by("status", "respond_due_at", "id")


def contact_get(*, user, contact_id: int) -> ContactRequest:
    return get_scoped_or_404(ContactRequest.objects.select_related("customer", "owner", "complaint"), user, pk=contact_id)


def contact_timeline(*, contact: ContactRequest) -> QuerySet:
    return contact.events.select_related("actor").order_by("at", "id")


# --- red alerts and the escalation inbox -----------------------------------------------------------


def red_alert_list(*, user, open_only: bool = True) -> QuerySet:
    queryset = scoped(RedAlert.objects, user).select_related("customer", "complaint", "acknowledged_by", "store")
    if open_only:
        queryset = queryset.filter(acknowledged_at__isnull=True)
    return queryset.order_by("-raised_at", "-id")


def red_alert_get(*, user, alert_id: int) -> RedAlert:
    return get_scoped_or_404(RedAlert.objects.select_related("customer", "complaint"), user, pk=alert_id)


def red_alert_banner(*, user) -> list[RedAlert]:
    """DOMAIN §9: on every manager's screen until acknowledged; others see nothing."""
    if not has_perm(user, Perm.RED_ALERT_ACK):
        return []
    return list(red_alert_list(user=user)[:5])


@dataclass(frozen=True)
class EscalationInbox:
    complaints: list[Complaint]
    contacts: list[ContactRequest]
    red_alerts: list[RedAlert]


def escalation_inbox(*, user, limit: int = 100) -> EscalationInbox:
    """What was escalated: complaints above L1 or overdue (highest tier, nearest deadline first),
    unanswered requests past their standard, unacknowledged red alerts."""
    complaints = (
        scoped(Complaint.objects, user)
        .filter(status__in=OPEN_STATUSES)
        .filter(Q(tier__in=[Tier.L2, Tier.L3]) | Q(sla_state="overdue"))
        .select_related("customer", "owner", "store")
        .order_by("-tier", F("earliest_deadline_at").asc(nulls_last=True), "id")
    )
    contacts = (
        scoped(ContactRequest.objects, user)
        .filter(escalated_at__isnull=False, status=ContactRequest.Status.WAITING)
        .select_related("customer", "owner")
        .order_by("respond_due_at", "id")
    )
    return EscalationInbox(list(complaints[:limit]), list(contacts[:limit]), list(red_alert_list(user=user)[:limit]))


# --- analysis (read by the KPI module) -------------------------------------------------------------

BREAKDOWNS = {
    "category": ("category",),
    "cause": ("cause",),
    "store": ("store_id", "store__name"),
    "advisor": ("advisor_id", "advisor__display_name", "advisor__username"),
    "month": ("month",),
}


def _period(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local calendar days [since, until] as aware datetimes."""
    if until < since:
        raise InvalidInput({"until": "结束日期不能早于开始日期"})
    if since.year < 2000 or until.year > 2100:
        raise InvalidInput({"since": "统计区间须在 2000–2100 年之间"})
    start = dt.datetime.combine(since, dt.time.min, tzinfo=LOCAL)
    return start, dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL)


def _opened_in(user, since: dt.date, until: dt.date) -> QuerySet:
    start, end = _period(since, until)
    return scoped(Complaint.objects, user).filter(opened_at__gte=start, opened_at__lt=end)


def complaint_breakdown(*, user, since: dt.date, until: dt.date, by: str) -> list[dict]:
    """Complaints opened in the period counted by category, root cause, store, advisor or month."""
    if by not in BREAKDOWNS:
        raise InvalidInput({"by": "只能按 category、cause、store、advisor 或 month 统计"})
    queryset = _opened_in(user, since, until)
    if by == "month":
        queryset = queryset.annotate(month=TruncMonth("opened_at", tzinfo=LOCAL))
    rows = queryset.values(*BREAKDOWNS[by]).annotate(count=Count("id")).order_by("-count", *BREAKDOWNS[by][:1])
    return [_labelled(by, row) for row in rows]


def _labelled(by: str, row: dict) -> dict:
    key = row[BREAKDOWNS[by][0]]
    if by == "category":
        label = Complaint.Category(key).label
    elif by == "cause":
        label = Complaint.Cause(key).label if key else "未结案/未分类"
    elif by == "store":
        label = row["store__name"]
    elif by == "advisor":
        label = (row["advisor__display_name"] or row["advisor__username"]) if key else "未指定"
    else:
        key = label = timezone.localtime(key).strftime("%Y-%m") if isinstance(key, dt.datetime) else str(key)[:7]
    return {"key": str(key) if key is not None else "", "label": label, "count": row["count"]}


def recurring_causes(*, user, since: dt.date, until: dt.date, min_count: int = 2) -> list[dict]:
    """DOMAIN §9: root causes that came back — the same cause in the same store at least
    `min_count` times in the period, most frequent first."""
    rows = (
        _opened_in(user, since, until)
        .exclude(cause="")
        .values("store_id", "store__name", "cause")
        .annotate(count=Count("id"), months=Count(TruncMonth("opened_at", tzinfo=LOCAL), distinct=True))
        .filter(count__gte=min_count)
        .order_by("-count", "store_id", "cause")
    )
    return [
        {
            "store_id": row["store_id"],
            "store": row["store__name"],
            "cause": row["cause"],
            "label": Complaint.Cause(row["cause"]).label,
            "count": row["count"],
            "months": row["months"],
        }
        for row in rows
    ]


def _rate(on_time: int, decided: int) -> float | None:
    return round(100 * on_time / decided, 1) if decided else None


def complaint_on_time_rates(*, user, since: dt.date, until: dt.date, now: dt.datetime | None = None) -> dict:
    """On-time first response and closure of complaints opened in the period (DOMAIN §9/§12 target
    ≥ 95 %). A complaint counts once it is decided: answered/closed, or its deadline has passed."""
    now = now or timezone.now()
    totals = _opened_in(user, since, until).aggregate(
        opened=Count("id"),
        responded_on_time=Count("id", filter=Q(responded_at__lte=F("respond_due_at"))),
        response_decided=Count("id", filter=Q(responded_at__isnull=False) | Q(respond_due_at__lte=now)),
        closed_on_time=Count("id", filter=Q(closed_at__lte=F("close_due_at"))),
        closure_decided=Count("id", filter=Q(closed_at__isnull=False) | Q(close_due_at__lte=now)),
    )
    return {
        **totals,
        "response_rate": _rate(totals["responded_on_time"], totals["response_decided"]),
        "closure_rate": _rate(totals["closed_on_time"], totals["closure_decided"]),
        "target": policy_value(user.default_store_id(), "complaints.on_time_target_percent"),
    }


def contact_response_rates(*, user, since: dt.date, until: dt.date, now: dt.datetime | None = None) -> list[dict]:
    """DOMAIN §1 response standards per channel: requests received, answered on time, rate."""
    now = now or timezone.now()
    start, end = _period(since, until)
    rows = (
        scoped(ContactRequest.objects, user)
        .filter(received_at__gte=start, received_at__lt=end)
        .values("channel")
        .annotate(
            received=Count("id"),
            on_time=Count("id", filter=Q(responded_at__lte=F("respond_due_at"))),
            decided=Count("id", filter=Q(responded_at__isnull=False) | Q(respond_due_at__lte=now)),
        )
        .order_by("channel")
    )
    return [{**row, "rate": _rate(row["on_time"], row["decided"])} for row in rows]


# KPI sources (kpis.definitions): one set-based query per local day, one row per (store, owner).


def _kpi_rows(queryset, staff_field: str, numerator: Q) -> list[dict]:
    rows = queryset.values("store_id", staff_field).annotate(numerator=Count("id", filter=numerator), denominator=Count("id"))
    return [{**row, "staff_id": row.pop(staff_field)} for row in rows.order_by()]


def kpi_complaint_response_daily(*, day: dt.date) -> list[dict]:
    """Complaints whose first-response deadline fell on `day` / of those, answered by it (DOMAIN §9:
    within 24 h, target ≥ 95 %). Counted on the deadline's day, when the outcome is final."""
    start, end = local_day_range(day)
    due = Complaint.objects.filter(respond_due_at__gte=start, respond_due_at__lt=end)
    return _kpi_rows(due, "owner_id", Q(responded_at__lte=F("respond_due_at")))


def kpi_complaint_closure_daily(*, day: dt.date) -> list[dict]:
    """Complaints whose closure deadline (48 h) fell on `day` / of those, closed by it."""
    start, end = local_day_range(day)
    due = Complaint.objects.filter(close_due_at__gte=start, close_due_at__lt=end)
    return _kpi_rows(due, "owner_id", Q(closed_at__lte=F("close_due_at")))


def _contact_response_daily(day: dt.date, channels: list[str]) -> list[dict]:
    start, end = local_day_range(day)
    due = ContactRequest.objects.filter(respond_due_at__gte=start, respond_due_at__lt=end, channel__in=channels)
    return _kpi_rows(due, "owner_id", Q(responded_at__lte=F("respond_due_at")))


def kpi_online_response_daily(*, day: dt.date) -> list[dict]:
    """Online messages (website, App, WeChat) whose 15-minute deadline fell on `day` / answered in time (DOMAIN §1)."""
    return _contact_response_daily(day, [ContactChannel.ONLINE, ContactChannel.APP, ContactChannel.WECHAT])


def kpi_walk_in_register_daily(*, day: dt.date) -> list[dict]:
    """Walk-in visitors whose 3-minute registration deadline fell on `day` / registered in time (DOMAIN §1)."""
    return _contact_response_daily(day, [ContactChannel.WALK_IN])


def kpi_phone_answer_daily(*, day: dt.date) -> list[dict]:
    """Calls whose 30-second answer deadline fell on `day` / answered in time (DOMAIN §1)."""
    return _contact_response_daily(day, [ContactChannel.PHONE])
