"""DOMAIN §3: a handover opens on delivery with a 24 h clock; a car not yet delivered is rejected."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import Forbidden, InvalidInput
from handover.models import Handover, Promise
from handover.selectors import promises_for_vehicle
from handover.services import handover_open_for_vehicle
from handover.tests.conftest import open_handover
from tasks.models import Task

pytestmark = pytest.mark.django_db


def _counts():
    return Handover.objects.count(), Promise.objects.count(), Task.objects.count()


def test_it_opens_with_a_24h_clock_from_delivery(sales_sam, delivered_vehicle, advisor_alice):
    delivered_at = timezone.now() - dt.timedelta(hours=2)
    handover = open_handover(user=sales_sam, vehicle=delivered_vehicle, salesperson=sales_sam, delivered_at=delivered_at)
    assert handover.submit_due_at == delivered_at + dt.timedelta(hours=24)
    assert handover.first_use_due_at == delivered_at + dt.timedelta(days=3)
    assert handover.earliest_deadline_at == handover.submit_due_at
    assert handover.specialist == advisor_alice
    submit_task = Task.objects.get(source_key=f"handover:{handover.pk}:submit")
    assert (submit_task.assignee, submit_task.due_at) == (sales_sam, handover.submit_due_at)
    assert Task.objects.get(source_key=f"handover:{handover.pk}:first_use").assignee == advisor_alice
    promises = promises_for_vehicle(vehicle_id=delivered_vehicle.pk)
    assert [(p.kind, p.value) for p in promises] == [("gift", None), ("free_service", Decimal("600.00"))]


def test_it_is_idempotent_per_source_key_and_per_vehicle(sales_sam, delivered_vehicle):
    first = open_handover(user=sales_sam, vehicle=delivered_vehicle, salesperson=sales_sam)
    again = open_handover(user=sales_sam, vehicle=delivered_vehicle, salesperson=sales_sam)
    by_hand = handover_open_for_vehicle(user=sales_sam, vehicle=delivered_vehicle)
    assert first.pk == again.pk == by_hand.pk
    assert _counts() == (1, 2, 2)


def test_a_car_not_yet_delivered_is_rejected_and_nothing_changes(sales_sam, vehicle_a):
    before = _counts()
    with pytest.raises(InvalidInput) as error:
        open_handover(
            user=sales_sam, vehicle=vehicle_a, salesperson=sales_sam, delivered_at=timezone.now() + dt.timedelta(hours=3)
        )
    assert "delivered_at" in error.value.errors
    with pytest.raises(InvalidInput) as error:
        handover_open_for_vehicle(user=sales_sam, vehicle=vehicle_a)
    assert error.value.errors == {"vehicle_id": "车辆尚未交车，不能建立交接表"}
    assert _counts() == before


def test_a_bad_promise_is_rejected_and_nothing_changes(sales_sam, delivered_vehicle):
    bad = {"kind": "gift", "description": "脚垫", "value": "-5", "valid_until": None}
    with pytest.raises(InvalidInput) as error:
        open_handover(user=sales_sam, vehicle=delivered_vehicle, salesperson=sales_sam, promises=[bad])
    assert "promises.0.value" in error.value.errors
    assert _counts() == (0, 0, 0)


def test_a_salesperson_of_another_store_cannot_be_named(sales_sam, delivered_vehicle, advisor_bob):
    with pytest.raises(InvalidInput) as error:
        open_handover(user=sales_sam, vehicle=delivered_vehicle, salesperson=advisor_bob)
    assert "salesperson_id" in error.value.errors


def test_a_technician_may_not_open_a_handover(group, store_a, delivered_vehicle, sales_sam):
    from conftest import make_user

    technician = make_user("ted", "technician", group, [store_a])
    with pytest.raises(Forbidden):
        open_handover(user=technician, vehicle=delivered_vehicle, salesperson=sales_sam)
