"""DOMAIN §9 analysis for the KPI module: by category, cause, store, advisor and month; recurring
causes; on-time response and closure against the ≥ 95 % target."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from complaints.models import Complaint
from complaints.selectors import complaint_breakdown, complaint_on_time_rates, recurring_causes
from complaints.services import complaint_open

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
PERIOD = {"since": dt.date(2026, 1, 1), "until": dt.date(2026, 12, 31)}


@pytest.fixture
def history(advisor_alice, customer_a, customer_b, advisor_bob, group_admin):
    """Four complaints in store A (two in March, two in April) and one in store B."""

    def make(user, customer, month, category, cause, responded_after_h, closed_after_h):
        complaint = complaint_open(user=user, customer=customer, title="t", description="d", category=category, channel="phone")
        opened = dt.datetime(2026, month, 10, 10, tzinfo=TZ)
        Complaint.objects.filter(pk=complaint.pk).update(
            opened_at=opened,
            respond_due_at=opened + dt.timedelta(hours=24),
            close_due_at=opened + dt.timedelta(hours=48),
            responded_at=opened + dt.timedelta(hours=responded_after_h),
            closed_at=opened + dt.timedelta(hours=closed_after_h),
            cause=cause,
            advisor=user,
            status="closed",
        )

    make(advisor_alice, customer_a, 3, "repair", "workmanship", 2, 30)
    make(advisor_alice, customer_a, 3, "repair", "workmanship", 30, 60)
    make(advisor_alice, customer_a, 4, "price", "pricing", 1, 20)
    make(advisor_alice, customer_a, 4, "repair", "workmanship", 3, 40)
    make(advisor_bob, customer_b, 4, "repair", "workmanship", 1, 10)
    return group_admin


def rows(by, user):
    return {r["key"]: r["count"] for r in complaint_breakdown(user=user, by=by, **PERIOD)}


def test_by_category_cause_store_advisor_and_month(history, advisor_alice, advisor_bob, store_a, store_b):
    assert rows("category", advisor_alice) == {"repair": 3, "price": 1}
    assert rows("cause", advisor_alice) == {"workmanship": 3, "pricing": 1}
    assert rows("store", history) == {str(store_a.id): 4, str(store_b.id): 1}
    assert rows("advisor", history) == {str(advisor_alice.id): 4, str(advisor_bob.id): 1}
    assert rows("month", advisor_alice) == {"2026-03": 2, "2026-04": 2}


def test_recurring_causes_are_per_store_and_across_months(history, advisor_alice):
    assert recurring_causes(user=advisor_alice, **PERIOD) == [
        {
            "store_id": advisor_alice.default_store_id(),
            "store": "A店",
            "cause": "workmanship",
            "label": "维修工艺",
            "count": 3,
            "months": 2,
        }
    ]


def test_on_time_rates(history, advisor_alice):
    rates = complaint_on_time_rates(user=advisor_alice, now=timezone.now(), **PERIOD)
    assert (rates["opened"], rates["responded_on_time"], rates["response_rate"]) == (4, 3, 75.0)
    assert (rates["closed_on_time"], rates["closure_rate"], rates["target"]) == (3, 75.0, 95)
