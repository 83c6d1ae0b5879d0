"""Reads of follow-ups, scoped to the acting user's stores, and the DOMAIN §7 measures."""

import datetime as dt

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.utils import timezone

from core.dates import local_day_range
from core.scoping import get_scoped_or_404, scoped
from followups.models import Answer, FollowUp, Survey, WinBack


def follow_up_list(*, user, open_only: bool = True, issues_only: bool = False) -> QuerySet:
    """The work list: open follow-ups by due date, or the issues still waiting for a resolution."""
    queryset = scoped(FollowUp.objects, user).select_related("customer", "vehicle", "task").order_by("due_on", "id")
    if issues_only:
        return queryset.filter(outcome=FollowUp.Outcome.ISSUE_RAISED, resolved_at__isnull=True)
    if open_only:
        queryset = queryset.filter(outcome="")
    return queryset


def follow_up_get(*, user, follow_up_id: int) -> FollowUp:
    return get_scoped_or_404(FollowUp.objects.select_related("customer", "vehicle", "task"), user, pk=follow_up_id)


def follow_up_measures(*, user, since: dt.date, until: dt.date | None = None) -> dict:
    """Follow-up rate (due follow-ups reached: any outcome but unreachable), on-time rate (reached
    within the window, local dates), issue resolution rate — over follow-ups due in [since, until]."""
    until = until or timezone.localdate()
    reached = ~Q(outcome="") & ~Q(outcome=FollowUp.Outcome.UNREACHABLE)
    totals = (
        scoped(FollowUp.objects, user)
        .filter(due_on__gte=since, due_on__lte=until)
        .aggregate(
            due=Count("id"),
            reached=Count("id", filter=reached),
            on_time=Count("id", filter=reached & Q(recorded_at__date__lte=F("window_ends_on"))),
            issues=Count("id", filter=Q(outcome=FollowUp.Outcome.ISSUE_RAISED)),
            resolved=Count("id", filter=Q(outcome=FollowUp.Outcome.ISSUE_RAISED, resolved_at__isnull=False)),
        )
    )
    return {
        **totals,
        "follow_up_rate": _rate(totals["reached"], totals["due"]),
        "on_time_rate": _rate(totals["on_time"], totals["reached"]),
        "issue_resolution_rate": _rate(totals["resolved"], totals["issues"]),
    }


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def survey_list(*, user) -> QuerySet:
    return scoped(Survey.objects, user).prefetch_related("questions").order_by("-id")


def survey_get(*, user, survey_id: int) -> Survey:
    return get_scoped_or_404(Survey.objects.prefetch_related("questions"), user, pk=survey_id)


def survey_results(*, survey: Survey) -> dict:
    """Response rate (answered links / links sent) and the average score of each question."""
    invitations = survey.invitations.aggregate(sent=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)))
    averages = dict(
        Answer.objects.filter(question__survey=survey)
        .values("question_id")
        .annotate(avg=Avg("score"))
        .values_list("question_id", "avg")
    )
    return {
        **invitations,
        "response_rate": _rate(invitations["answered"], invitations["sent"]),
        "questions": [
            {"id": q.pk, "text": q.text, "average": round(averages[q.pk], 2) if q.pk in averages else None}
            for q in survey.questions.all()
        ],
    }


def retention_measures(*, user) -> dict:
    """Customers on the win-back list (lost, churn risk) and the share won back — a visit that
    moved the vehicle's service cycle past the flagged one (DOMAIN §8)."""
    win_backs = scoped(WinBack.objects, user)
    totals = win_backs.aggregate(
        lost=Count("customer_id", distinct=True, filter=Q(reason=WinBack.Reason.LOST)),
        churn_risk=Count("customer_id", distinct=True, filter=Q(reason=WinBack.Reason.CHURN_RISK)),
    )
    flagged = win_backs.values("vehicle_id", "cycle").distinct()
    won = flagged.filter(vehicle__service_cycle__gt=F("cycle"))
    return {**totals, "win_back_rate": _rate(won.count(), flagged.count())}


def win_back_list(*, user, reason: str = "", since: dt.date | None = None, until: dt.date | None = None) -> QuerySet:
    """The win-back list of the user's stores, newest flags first, optionally filtered."""
    queryset = scoped(WinBack.objects, user).select_related("customer", "vehicle").order_by("-flagged_on", "-id")
    if reason:
        queryset = queryset.filter(reason=reason)
    if since:
        queryset = queryset.filter(flagged_on__gte=since)
    if until:
        queryset = queryset.filter(flagged_on__lte=until)
    return queryset


def interview_list(*, user) -> QuerySet:
    """Open quarterly interview tasks of the user's stores, by due time."""
    from tasks.models import Task

    return (
        scoped(Task.objects, user)
        .filter(kind="interview", status=Task.Status.OPEN)
        .select_related("customer", "assignee")
        .order_by("due_at", "id")
    )


# KPI sources (kpis.definitions): one set-based query per local day.


def _kpi_rows(rows) -> list[dict]:
    return [{**row, "staff_id": row.pop("staff")} for row in rows.order_by()]


def kpi_follow_up_rate_daily(*, day: dt.date) -> list[dict]:
    """Follow-ups whose window ended on `day` / of those, reached within the window (DOMAIN §7:
    every visit is followed up — target 100 %). Counted when the window closes, so it is final."""
    reached_in_window = ~Q(outcome="") & ~Q(outcome=FollowUp.Outcome.UNREACHABLE) & Q(recorded_at__lt=_next_local_midnight(day))
    rows = (
        FollowUp.objects.filter(window_ends_on=day)
        .values("store_id", staff=F("task__assignee_id"))
        .annotate(numerator=Count("id", filter=reached_in_window), denominator=Count("id"))
    )
    return _kpi_rows(rows)


def kpi_issue_resolution_daily(*, day: dt.date) -> list[dict]:
    """Issues raised in follow-up calls recorded on `day` / of those, resolved (DOMAIN §7/§12,
    target ≥ 95 %). A resolution after the day re-aggregates within `kpis.reaggregate_days`."""
    start, end = local_day_range(day)
    rows = (
        FollowUp.objects.filter(outcome=FollowUp.Outcome.ISSUE_RAISED, recorded_at__gte=start, recorded_at__lt=end)
        .values("store_id", staff=F("recorded_by_id"))
        .annotate(numerator=Count("id", filter=Q(resolved_at__isnull=False)), denominator=Count("id"))
    )
    return _kpi_rows(rows)


def kpi_satisfaction_daily(*, day: dt.date) -> list[dict]:
    """Joint service satisfaction on a 100-point scale (DOMAIN §12, target ≥ 90): every answer
    (1–10) of the survey responses submitted on `day`, averaged and multiplied by ten."""
    start, end = local_day_range(day)
    rows = (
        Answer.objects.filter(response__submitted_at__gte=start, response__submitted_at__lt=end)
        .values(store_id=F("response__store_id"))
        .annotate(numerator=Sum("score") * 10, denominator=Count("id"))
        .order_by()
    )
    return [{**row, "staff_id": None} for row in rows]


def kpi_lost_customers_daily(*, day: dt.date) -> list[dict]:
    """Vehicles newly flagged lost (no visit 3 months after the due date, DOMAIN §8) on `day`."""
    rows = (
        WinBack.objects.filter(flagged_on=day, reason=WinBack.Reason.LOST)
        .values("store_id")
        .annotate(numerator=Count("id"), denominator=Count("id"))
        .order_by()
    )
    return [{**row, "staff_id": None} for row in rows]


def kpi_win_back_daily(*, day: dt.date) -> list[dict]:
    """Vehicles flagged lost or at risk on `day` / of those, back for a service since (DOMAIN §8
    win-back). Later returns re-aggregate within `kpis.reaggregate_days`."""
    rows = (
        WinBack.objects.filter(flagged_on=day)
        .values("store_id")
        .annotate(numerator=Count("id", filter=Q(vehicle__service_cycle__gt=F("cycle"))), denominator=Count("id"))
        .order_by()
    )
    return [{**row, "staff_id": None} for row in rows]


def _next_local_midnight(day: dt.date) -> dt.datetime:
    return local_day_range(day)[1]
