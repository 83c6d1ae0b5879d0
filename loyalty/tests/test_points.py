import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from core.errors import Forbidden, InvalidInput
from loyalty.models import PointsEntry, PointsLot
from loyalty.services import points_adjust, points_balance, points_earn, points_expire, points_redeem
from loyalty.tests.concurrency import run_together

pytestmark = pytest.mark.django_db


def earn(customer, points, *, expires_in_days=None, key=None):
    entry = points_earn(customer=customer, kind="manual", points=points, reason="测试", source_key=key)
    if expires_in_days is not None:
        PointsLot.objects.filter(pk=entry.lot_id).update(expires_on=timezone.localdate() + dt.timedelta(days=expires_in_days))
    return entry


def lots_remaining(customer):
    return list(PointsLot.objects.filter(customer=customer).order_by("id").values_list("remaining", flat=True))


def assert_ledger_consistent(customer):
    lots = sum(lots_remaining(customer))
    assert points_balance(customer_id=customer.pk) == lots >= 0


def test_it_redeems_the_oldest_points_first(advisor_alice, customer_a):
    earn(customer_a, 100, expires_in_days=10)
    earn(customer_a, 100, expires_in_days=20)
    earn(customer_a, 100, expires_in_days=5)

    entry = points_redeem(user=advisor_alice, customer_id=customer_a.pk, points=150, service="保养工时抵扣")

    assert lots_remaining(customer_a) == [50, 100, 0]  # the lot expiring first went first, then the next
    assert entry.points == -150 and entry.kind == "redeem"
    assert_ledger_consistent(customer_a)


def test_it_refuses_to_redeem_more_than_the_balance_and_changes_nothing(advisor_alice, customer_a):
    earn(customer_a, 100)

    with pytest.raises(InvalidInput) as exc:
        points_redeem(user=advisor_alice, customer_id=customer_a.pk, points=101, service="洗车")

    assert "积分余额不足" in exc.value.errors["points"]
    assert points_balance(customer_id=customer_a.pk) == 100
    assert PointsEntry.objects.count() == 1


def test_it_expires_what_is_left_of_due_lots_once(customer_a, advisor_alice):
    earn(customer_a, 100, expires_in_days=0)
    earn(customer_a, 80, expires_in_days=30)
    with pytest.raises(InvalidInput):  # the lot due today is no longer spendable
        points_redeem(user=advisor_alice, customer_id=customer_a.pk, points=100, service="洗车")
    points_redeem(user=advisor_alice, customer_id=customer_a.pk, points=30, service="洗车")

    assert points_expire(day=timezone.localdate()) == 1
    assert points_expire(day=timezone.localdate()) == 0  # rerun: nothing left to expire

    expiry = PointsEntry.objects.get(kind="expire")
    assert expiry.points == -100 and expiry.source_key == f"expire:{expiry.lot_id}"
    assert points_balance(customer_id=customer_a.pk) == 50
    assert_ledger_consistent(customer_a)


def test_it_expires_a_partly_redeemed_lot_by_its_remainder(customer_a, advisor_alice):
    earn(customer_a, 100, expires_in_days=1)
    earn(customer_a, 100, expires_in_days=400)
    points_redeem(user=advisor_alice, customer_id=customer_a.pk, points=60, service="保养")  # FIFO: 60 from the first lot

    points_expire(day=timezone.localdate() + dt.timedelta(days=1))

    assert PointsEntry.objects.get(kind="expire").points == -40
    assert points_balance(customer_id=customer_a.pk) == 100
    assert_ledger_consistent(customer_a)


def test_a_manual_deduction_needs_a_manager_and_a_reason(advisor_alice, manager_mia, customer_a):
    earn(customer_a, 100)
    with pytest.raises(Forbidden):
        points_adjust(user=advisor_alice, customer_id=customer_a.pk, points=50, reason="补录")
    with pytest.raises(InvalidInput) as exc:
        points_adjust(user=manager_mia, customer_id=customer_a.pk, points=-10, reason=" ")
    assert "reason" in exc.value.errors

    points_adjust(user=manager_mia, customer_id=customer_a.pk, points=-30, reason="重复积分冲正")
    with pytest.raises(InvalidInput):
        points_adjust(user=manager_mia, customer_id=customer_a.pk, points=-71, reason="超扣")
    assert points_balance(customer_id=customer_a.pk) == 70


def test_another_stores_customer_is_not_found(advisor_bob, customer_a):
    earn(customer_a, 100)
    with pytest.raises(Http404):
        points_redeem(user=advisor_bob, customer_id=customer_a.pk, points=10, service="洗车")


def test_the_ledger_is_append_only(customer_a):
    entry = earn(customer_a, 10)
    entry.points = 1000
    with pytest.raises(ValueError):
        entry.save()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_redemptions_cannot_overspend(advisor_alice, customer_a):
    earn(customer_a, 100)

    def redeem():
        points_redeem(user=advisor_alice, customer_id=customer_a.pk, points=70, service="保养工时抵扣")

    assert run_together([redeem, redeem], expected=(InvalidInput,)) == ["InvalidInput", "ok"]
    assert points_balance(customer_id=customer_a.pk) == 30
    assert_ledger_consistent(customer_a)
