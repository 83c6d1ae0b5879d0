"""Each measure of an installed module against hand-computed fixtures, summed over days by the rollup."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from complaints.models import Complaint
from complaints.services import complaint_open
from followups.models import FollowUp
from followups.services import visit_follow_ups_plan
from followups.surveys import QuestionIn, survey_answer, survey_create, survey_invite, survey_templates_ensure, survey_token
from kpis.definitions import KPIS_BY_KEY
from kpis.rollup import kpi_rollup_day
from kpis.selectors import Period, kpi_summary
from tasks.models import Task

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)
TZ = timezone.get_default_timezone()


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def figure(store, key: str, start=DAY, end=DAY):
    return next(f for f in kpi_summary(store_ids=[store.pk], period=Period(start, end)) if f.kpi.key == key)


def test_complaint_response_counts_complaints_on_their_deadline_day(advisor_alice, customer_a, store_a):
    deadlines = [
        (at(DAY, 9), at(DAY, 8)),
        (at(DAY, 10), at(DAY, 11)),
        (at(DAY, 23, 30), None),
        (at(DAY + dt.timedelta(days=1), 1), None),
    ]
    for respond_due_at, responded_at in deadlines:
        complaint = complaint_open(
            user=advisor_alice, customer=customer_a, title="异响", description="x", category="repair", channel="phone"
        )
        Complaint.objects.filter(pk=complaint.pk).update(
            respond_due_at=respond_due_at, responded_at=responded_at, owner=advisor_alice
        )

    assert kpi_rollup_day(day=DAY) > 0
    result = figure(store_a, "complaint_response")
    # 23:30 local on DAY is still DAY; 01:00 the next day is not: 1 of 3 answered in time.
    assert (result.numerator, result.denominator) == (1, 3)
    assert result.value == Decimal("33.3")
    assert result.status == "below"


def test_follow_up_rate_counts_windows_that_ended_that_day(advisor_alice, vehicle_a, store_a):
    plans = visit_follow_ups_plan(vehicle=vehicle_a, visited_on=DAY - dt.timedelta(days=7))
    assert plans
    FollowUp.objects.filter(pk__in=[f.pk for f in plans]).update(window_ends_on=DAY)
    reached, unreachable, late = plans[0], plans[1] if len(plans) > 1 else None, plans[2] if len(plans) > 2 else None
    FollowUp.objects.filter(pk=reached.pk).update(outcome="satisfied", recorded_at=at(DAY, 15))
    if unreachable:
        FollowUp.objects.filter(pk=unreachable.pk).update(outcome="unreachable", recorded_at=at(DAY, 15))
    if late:
        FollowUp.objects.filter(pk=late.pk).update(outcome="satisfied", recorded_at=at(DAY + dt.timedelta(days=1), 9))

    kpi_rollup_day(day=DAY)
    result = figure(store_a, "follow_up_rate")
    assert (result.numerator, result.denominator) == (1, len(plans))


def test_satisfaction_is_every_answer_averaged_on_a_hundred_point_scale(advisor_alice, customer_a, store_a, group):
    from accounts.models import Role
    from conftest import make_user

    manager = make_user("mia", Role.STORE_MANAGER, group, [store_a])
    survey = survey_create(
        user=manager, store_id=store_a.pk, name="满意度", questions=[QuestionIn("态度"), QuestionIn("质量"), QuestionIn("时间")]
    )
    survey_templates_ensure()
    questions = list(survey.questions.order_by("pk"))
    for scores in [(10, 8, 9), (9, 9, 9)]:
        token = survey_token(survey_invite(survey=survey, customer=customer_a))
        survey_answer(token=token, scores={q.pk: s for q, s in zip(questions, scores, strict=True)})

    today = timezone.localdate()
    kpi_rollup_day(day=today)
    result = figure(store_a, "satisfaction", today, today)
    # (10 + 8 + 9 + 9 + 9 + 9) × 10 / 6 answers = 90.0 — exactly the target, so it meets it.
    assert (result.numerator, result.denominator) == (540, 6)
    assert result.value == Decimal("90.0")
    assert result.status == "ok"


def test_reminder_reach_counts_only_reminder_calls(advisor_alice, customer_a, store_a):
    outcomes = ["booked", "no_answer", "wrong_number", "call_back"]
    for i, outcome in enumerate(outcomes):
        Task.objects.create(
            store=store_a,
            customer=customer_a,
            kind="call",
            title="保养提醒",
            due_at=at(DAY, 9),
            status="done",
            outcome=outcome,
            completed_at=at(DAY, 10),
            completed_by=advisor_alice,
            source_key=f"reminder:{i}",
        )
    Task.objects.create(
        store=store_a, customer=customer_a, kind="call", title="别的", due_at=at(DAY, 9), status="done", outcome="no_answer",
        completed_at=at(DAY, 10), source_key="other:1",
    )  # fmt: skip

    kpi_rollup_day(day=DAY)
    result = figure(store_a, "reminder_reach")
    assert (result.numerator, result.denominator) == (2, 4)


def test_a_period_sums_parts_and_never_averages_daily_rates(advisor_alice, customer_a, store_a):
    # Day 1: 1 of 1 on time (100 %); day 2: 1 of 3 (33 %). The two days are 2 of 4 = 50 %, not 66.7 %.
    for day, answered in [(DAY, [True]), (DAY + dt.timedelta(days=1), [True, False, False])]:
        for on_time in answered:
            complaint = complaint_open(
                user=advisor_alice, customer=customer_a, title="x", description="x", category="repair", channel="phone"
            )
            Complaint.objects.filter(pk=complaint.pk).update(
                respond_due_at=at(day, 12), responded_at=at(day, 11) if on_time else at(day, 13)
            )
        kpi_rollup_day(day=day)

    result = figure(store_a, "complaint_response", DAY, DAY + dt.timedelta(days=1))
    assert result.value == Decimal("50.0")


def test_an_empty_period_has_no_figure_not_a_division_by_zero(store_a):
    kpi_rollup_day(day=DAY)
    for result in kpi_summary(store_ids=[store_a.pk], period=Period(DAY, DAY)):
        if result.kpi.unit == "count":
            assert result.value == 0
        else:
            assert result.value is None
            assert result.status == "none"


def test_rerunning_a_day_replaces_its_rows(advisor_alice, customer_a, store_a):
    complaint = complaint_open(
        user=advisor_alice, customer=customer_a, title="x", description="x", category="repair", channel="phone"
    )
    Complaint.objects.filter(pk=complaint.pk).update(respond_due_at=at(DAY, 12), responded_at=None)
    kpi_rollup_day(day=DAY)
    kpi_rollup_day(day=DAY)
    assert figure(store_a, "complaint_response").denominator == 1
    # late data: answered (late) after the first rollup — the rerun sees it, still late
    Complaint.objects.filter(pk=complaint.pk).update(responded_at=at(DAY, 11))
    kpi_rollup_day(day=DAY)
    assert (figure(store_a, "complaint_response").numerator, figure(store_a, "complaint_response").denominator) == (1, 1)


def test_targets_are_store_settings_with_the_briefs_default(store_a):
    from core.models import StoreSetting

    assert figure(store_a, "handover_accuracy").target == 98
    StoreSetting.objects.create(store=store_a, key="kpis.target.handover_accuracy", value=97.5)
    assert figure(store_a, "handover_accuracy").target == 97.5


def test_lower_is_better_measures_compare_the_other_way():
    repeat = KPIS_BY_KEY["repeat_repair"]
    assert repeat.meets(Decimal("1.5"), 2) is True
    assert repeat.meets(Decimal("2.5"), 2) is False
    assert repeat.meets(None, 2) is None
    assert KPIS_BY_KEY["win_back"].meets(Decimal("10"), 0) is None  # no target set
