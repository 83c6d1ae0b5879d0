"""DOMAIN §12: below target two weeks running → red, with an improvement action and its deadlines."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from conftest import make_user
from core.errors import Conflict, Forbidden, InvalidInput
from kpis.models import ImprovementAction, KpiDaily
from kpis.services import (
    complete_weeks_before,
    improvement_meeting_record,
    improvement_plan_submit,
    improvement_verify,
    red_indicators_check,
)

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 16)  # the check runs in this week and looks at the two weeks before


def week_of(rate_on_time: int, total: int, monday: dt.date, store, kpi="complaint_response"):
    KpiDaily.objects.create(kpi=kpi, store=store, day=monday + dt.timedelta(days=2), numerator=rate_on_time, denominator=total)


def test_the_weeks_are_the_two_full_weeks_before():
    assert complete_weeks_before(MONDAY + dt.timedelta(days=3), 2) == [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 8)),
        (dt.date(2026, 3, 9), dt.date(2026, 3, 15)),
    ]


def test_two_weeks_below_target_open_one_action_for_the_store_manager(group, store_a):
    manager = make_user("mia", Role.STORE_MANAGER, group, [store_a])
    week_of(90, 100, dt.date(2026, 3, 2), store_a)
    week_of(80, 100, dt.date(2026, 3, 9), store_a)

    assert red_indicators_check(day=MONDAY) == 1
    action = ImprovementAction.objects.get()
    assert (action.kpi, action.owner, action.value, action.target) == ("complaint_response", manager, Decimal("80.0"), 95)
    assert action.meeting_due_at - action.opened_at == dt.timedelta(hours=24)
    assert action.plan_due_at - action.opened_at == dt.timedelta(hours=48)
    assert action.verify_month.day == 1 and action.verify_month > timezone.localdate()
    assert red_indicators_check(day=MONDAY) == 0  # idempotent: one open action per store and measure


@pytest.mark.parametrize(
    "first, second",
    [
        ((96, 100), (80, 100)),  # only the last week below
        ((80, 100), (96, 100)),  # recovered
        (None, (80, 100)),  # a week without data is not "below"
    ],
)
def test_one_week_below_is_not_red(store_a, first, second):
    if first:
        week_of(*first, dt.date(2026, 3, 2), store_a)
    week_of(*second, dt.date(2026, 3, 9), store_a)
    assert red_indicators_check(day=MONDAY) == 0


def test_the_rule_uses_each_stores_own_target(store_a):
    from core.models import StoreSetting

    StoreSetting.objects.create(store=store_a, key="kpis.target.complaint_response", value=75)
    week_of(80, 100, dt.date(2026, 3, 2), store_a)
    week_of(80, 100, dt.date(2026, 3, 9), store_a)
    assert red_indicators_check(day=MONDAY) == 0


def test_lower_is_better_is_red_above_target(store_a):
    week_of(3, 100, dt.date(2026, 3, 2), store_a, kpi="repeat_repair")
    week_of(4, 100, dt.date(2026, 3, 9), store_a, kpi="repeat_repair")
    assert red_indicators_check(day=MONDAY) == 1


@pytest.fixture
def action(group, store_a):
    week_of(80, 100, dt.date(2026, 3, 2), store_a)
    week_of(80, 100, dt.date(2026, 3, 9), store_a)
    red_indicators_check(day=MONDAY)
    return ImprovementAction.objects.get()


def test_the_loop_runs_meeting_then_plan_then_next_months_verification(group, store_a, action, advisor_alice):
    manager = make_user("mia", Role.STORE_MANAGER, group, [store_a])
    with pytest.raises(Forbidden):
        improvement_meeting_record(user=advisor_alice, action=action, held_at=None, notes="x")
    with pytest.raises(Conflict):
        improvement_plan_submit(user=manager, action=action, plan="先开会")
    with pytest.raises(InvalidInput):
        improvement_meeting_record(user=manager, action=action, held_at=None, notes="  ")
    improvement_meeting_record(user=manager, action=action, held_at=None, notes="售后、客服、质量：夜间投诉无人响应")
    improvement_plan_submit(user=manager, action=action, plan="夜间值班表，微信自动回复")
    with pytest.raises(InvalidInput) as error:
        improvement_verify(user=manager, action=action, result="improved", outcome="好转")
    assert "验证" in error.value.errors["result"]

    ImprovementAction.objects.filter(pk=action.pk).update(verify_month=timezone.localdate().replace(day=1))
    improvement_verify(user=manager, action=action, result="improved", outcome="连续四周达标")
    action.refresh_from_db()
    assert action.status == "closed" and action.verified_by == manager
    # closed: the measure can turn red again and open a new action
    assert red_indicators_check(day=MONDAY) == 1
