import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.jobs import JOBS_BY_NAME
from customers.services import customer_create
from loyalty.models import ClubEvent, EventSignup, PointsLot, SpendRecord
from loyalty.selectors import kpi_event_attendance_daily, kpi_referral_rate_daily
from loyalty.services import points_balance, points_earn, referral_create, referral_purchase, spend_record

pytestmark = pytest.mark.django_db
NOON = timezone.make_aware(dt.datetime(2026, 11, 20, 12, 0))


def test_the_nightly_job_expires_points_and_recalculates_tiers_idempotently(customer_a, customer_b):
    lot = points_earn(customer=customer_a, kind="manual", points=100, reason="测试").lot
    PointsLot.objects.filter(pk=lot.pk).update(expires_on=timezone.localdate())
    SpendRecord.objects.create(
        store_id=customer_b.store_id,
        customer=customer_b,
        kind="purchase",
        amount=Decimal("600000"),
        occurred_at=timezone.now(),
        source_key="x",
    )
    job = JOBS_BY_NAME["loyalty.nightly"]

    assert job.call(timezone.localdate()) == {"points_lots_expired": 1, "tiers_changed": 1}
    assert job.call(timezone.localdate()) == {"points_lots_expired": 0, "tiers_changed": 0}
    customer_b.refresh_from_db()
    assert customer_b.member_tier == "platinum"
    assert points_balance(customer_id=customer_a.pk) == 0


def test_referral_rate_counts_purchases_of_referred_buyers_per_store_and_local_day(advisor_alice, customer_a, customer_b):
    referral_create(user=advisor_alice, referrer_id=customer_a.pk, prospect_name="王五", prospect_mobile="13900001111")
    buyer = customer_create(user=advisor_alice, name="王五", mobile="13900001111")
    other = customer_create(user=advisor_alice, name="赵六", mobile="13700007777")
    for customer, key in [(buyer, "car:1"), (buyer, "car:4"), (other, "car:2"), (customer_b, "car:3")]:
        spend_record(customer=customer, amount=Decimal("150000"), kind="purchase", occurred_at=NOON, source_key=key)
    spend_record(customer=customer_a, amount=Decimal("500"), kind="service", occurred_at=NOON, source_key="ro:1")
    referral_purchase(customer=buyer, source_key="car:1")
    referral_purchase(customer=buyer, source_key="car:4")  # the same buyer's second car is not a new referral

    rows = kpi_referral_rate_daily(day=dt.date(2026, 11, 20))

    assert rows == [
        {"store_id": customer_a.store_id, "staff_id": None, "numerator": 1, "denominator": 3},
        {"store_id": customer_b.store_id, "staff_id": None, "numerator": 0, "denominator": 1},
    ]
    assert kpi_referral_rate_daily(day=dt.date(2026, 11, 21)) == []


def test_event_attendance_counts_the_events_held_that_day(customer_a, advisor_alice):
    event = ClubEvent.objects.create(store_id=customer_a.store_id, title="x", theme="other", starts_at=NOON, capacity=5)
    other = customer_create(user=advisor_alice, name="乙", mobile="13900000002")
    EventSignup.objects.create(store_id=event.store_id, event=event, customer=customer_a, signed_up_at=NOON, attended_at=NOON)
    EventSignup.objects.create(store_id=event.store_id, event=event, customer=other, signed_up_at=NOON)

    assert kpi_event_attendance_daily(day=dt.date(2026, 11, 20)) == [
        {"store_id": customer_a.store_id, "staff_id": None, "numerator": 1, "denominator": 2}
    ]


def test_a_tier_set_by_hand_is_a_floor_the_nightly_recalculation_keeps(advisor_alice, customer_b):
    from customers.services import customer_update
    from loyalty.services import tier_recalculate

    migrated = customer_create(user=advisor_alice, name="老会员", mobile="13700001111", member_tier="gold")
    computed = customer_create(user=advisor_alice, name="新客户", mobile="13700002222")
    SpendRecord.objects.create(
        store_id=computed.store_id, customer=computed, kind="purchase", amount=Decimal("600000"),
        occurred_at=timezone.now(), source_key="car:1",
    )  # fmt: skip
    tier_recalculate(store_id=computed.store_id, now=timezone.now())
    migrated.refresh_from_db()
    computed.refresh_from_db()
    assert (migrated.member_tier, migrated.member_tier_floor) == ("gold", "gold")  # no spend here, card kept
    assert (computed.member_tier, computed.member_tier_floor) == ("platinum", "none")
    # Saving the edit form with the shown (computed) tier does not pin it; choosing another one does.
    customer_update(user=advisor_alice, customer=computed, member_tier="platinum")
    computed.refresh_from_db()
    assert computed.member_tier_floor == "none"
    customer_update(user=advisor_alice, customer=migrated, member_tier="silver")
    SpendRecord.objects.create(
        store_id=migrated.store_id, customer=migrated, kind="purchase", amount=Decimal("600000"),
        occurred_at=timezone.now(), source_key="car:2",
    )  # fmt: skip
    assert tier_recalculate(store_id=migrated.store_id, now=timezone.now()) == 1
    migrated.refresh_from_db()
    assert (migrated.member_tier, migrated.member_tier_floor) == ("platinum", "silver")  # earned above the floor
