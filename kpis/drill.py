"""Drill-down: the items behind a figure that missed (DOMAIN §12: click "follow-up rate 91 %" → the
missed follow-ups). Names are masked; each row links to the item's own page."""

from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse

from core.dates import local_day_range
from kpis.definitions import Kpi

LIMIT = 200


def module_url(kpi: Kpi) -> str:
    """The owning module's list page, if that module is installed."""
    for name in [kpi.drill, f"{kpi.module}:list", f"{kpi.module}:index", f"{kpi.module}:queue"]:
        if not name:
            continue
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def misses(*, user, kpi: Kpi, store_ids: list[int], period) -> list[dict] | None:
    """Rows {when, customer, staff, what, url} that count against the figure, or None when the
    measure's own module lists them (see module_url)."""
    finder = _FINDERS.get(kpi.key)
    if finder is None:
        return None
    # Named customers only from the user's own legal entity: another entity's are shown only with
    # the customer's consent to group sharing (PIPL Art. 23), which a figure does not check.
    store_ids = [s for s in store_ids if s in user.store_access().open]
    start, end = local_day_range(period.start)[0], local_day_range(period.end)[1]
    return finder(store_ids, period, start, end)[:LIMIT]


def _follow_ups_missed(store_ids, period, start, end):
    from followups.models import FollowUp

    reached = ~Q(outcome="") & ~Q(outcome=FollowUp.Outcome.UNREACHABLE)
    rows = (
        FollowUp.objects.filter(store_id__in=store_ids, window_ends_on__gte=period.start, window_ends_on__lte=period.end)
        .exclude(reached & Q(recorded_at__date__lte=F("window_ends_on")))
        .select_related("customer", "vehicle", "task__assignee")
        .order_by("window_ends_on")
    )
    return [
        _row(
            f.window_ends_on,
            f.customer,
            f.task.assignee,
            f"{f.vehicle.plate or ''} {f.get_outcome_display() or '未回访'}",
            reverse("followups:record", args=[f.pk]),
        )
        for f in rows[:LIMIT]
    ]


def _issues_unresolved(store_ids, period, start, end):
    from followups.models import FollowUp

    rows = (
        FollowUp.objects.filter(
            store_id__in=store_ids, outcome=FollowUp.Outcome.ISSUE_RAISED, recorded_at__gte=start, recorded_at__lt=end
        )
        .filter(resolved_at__isnull=True)
        .select_related("customer", "recorded_by")
        .order_by("recorded_at")
    )
    return [
        _row(f.recorded_at, f.customer, f.recorded_by, f.issue_description[:60], reverse("followups:resolve", args=[f.pk]))
        for f in rows[:LIMIT]
    ]


def _complaints_late(clock: str):
    def finder(store_ids, period, start, end):
        from complaints.models import Complaint

        due, done = f"{clock}_due_at", {"respond": "responded_at", "close": "closed_at"}[clock]
        rows = (
            Complaint.objects.filter(store_id__in=store_ids, **{f"{due}__gte": start, f"{due}__lt": end})
            .exclude(**{f"{done}__lte": F(due)})
            .select_related("customer", "owner")
            .order_by(due)
        )
        return [
            _row(getattr(c, due), c.customer, c.owner, c.title, reverse("complaints:detail", args=[c.pk])) for c in rows[:LIMIT]
        ]

    return finder


def _contacts_late(channels: list[str]):
    def finder(store_ids, period, start, end):
        from complaints.models import ContactRequest

        rows = (
            ContactRequest.objects.filter(
                store_id__in=store_ids, channel__in=channels, respond_due_at__gte=start, respond_due_at__lt=end
            )
            .exclude(responded_at__lte=F("respond_due_at"))
            .select_related("customer", "owner")
            .order_by("respond_due_at")
        )
        return [
            _row(c.received_at, c.customer, c.owner, c.summary[:60], reverse("contacts:detail", args=[c.pk]))
            for c in rows[:LIMIT]
        ]

    return finder


def _reminders_unreached(store_ids, period, start, end):
    from reminders.selectors import REACHED
    from tasks.models import Task

    rows = (
        Task.objects.filter(
            store_id__in=store_ids, completed_at__gte=start, completed_at__lt=end, source_key__startswith="reminder:"
        )
        .exclude(outcome__in=REACHED)
        .select_related("customer", "completed_by")
        .order_by("completed_at")
    )
    return [_row(t.completed_at, t.customer, t.completed_by, f"{t.title}（{t.get_outcome_display()}）", "") for t in rows[:LIMIT]]


def _low_scores(store_ids, period, start, end):
    from followups.models import SurveyResponse

    rows = (
        SurveyResponse.objects.filter(store_id__in=store_ids, submitted_at__gte=start, submitted_at__lt=end, lowest_score__lte=8)
        .select_related("customer", "survey")
        .order_by("lowest_score", "submitted_at")
    )
    return [
        _row(
            r.submitted_at,
            r.customer,
            None,
            f"{r.survey.name}：最低分 {r.lowest_score}",
            reverse("followups:survey_results", args=[r.survey_id]),
        )
        for r in rows[:LIMIT]
    ]


def _row(when, customer, staff, what, url) -> dict:
    return {
        "when": when,
        "customer": str(customer) if customer else "",
        "staff": str(staff) if staff else "",
        "what": what,
        "url": url,
    }


_FINDERS = {
    "follow_up_rate": _follow_ups_missed,
    "issue_resolution": _issues_unresolved,
    "complaint_response": _complaints_late("respond"),
    "complaint_closure": _complaints_late("close"),
    "online_response": _contacts_late(["online", "app", "wechat"]),
    "walk_in_register": _contacts_late(["walk_in"]),
    "phone_answer": _contacts_late(["phone"]),
    "reminder_reach": _reminders_unreached,
    "satisfaction": _low_scores,
}
