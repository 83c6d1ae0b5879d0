"""DOMAIN §6 step 4: any change of items, price or time after approval needs re-approval before work."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import Conflict
from workshop import services
from workshop.models import RepairOrder
from workshop.tests.conftest import approved_order

State = RepairOrder.State


@pytest.fixture
def working(advisor_alice, vehicle_a, technician_tom):
    order = approved_order(advisor_alice, vehicle_a, technician_tom)
    services.repair_order_start(user=technician_tom, order=order)
    order.refresh_from_db()
    return order


def test_a_new_item_during_work_stops_it_until_the_customer_approves_again(advisor_alice, technician_tom, working):
    services.repair_order_item_add(
        user=technician_tom, order=working, kind="parts", description="刹车油", quantity=1, unit_price=Decimal("88")
    )
    working.refresh_from_db()
    assert working.awaiting_reapproval and working.estimate_total == Decimal("868.50")
    with pytest.raises(Conflict, match="重新确认"):
        services.repair_order_submit_qc(user=technician_tom, order=working)
    services.repair_order_approve(user=advisor_alice, order=working, method="phone", note="电话确认追加刹车油")
    services.repair_order_submit_qc(user=technician_tom, order=working)
    working.refresh_from_db()
    assert working.state == State.QC
    assert list(working.approvals.values_list("version", "total")) == [(2, Decimal("780.50")), (3, Decimal("868.50"))]


def test_a_removed_item_also_needs_reapproval(advisor_alice, technician_tom, working):
    services.repair_order_item_remove(user=technician_tom, order=working, item_id=working.items.first().pk)
    working.refresh_from_db()
    assert working.awaiting_reapproval


def test_a_new_promised_time_needs_reapproval(advisor_alice, technician_tom, working):
    later = working.promised_at + dt.timedelta(hours=2)
    services.repair_order_plan(user=advisor_alice, order=working, diagnosis=working.diagnosis, promised_at=later)
    working.refresh_from_db()
    assert working.awaiting_reapproval
    with pytest.raises(Conflict):
        services.repair_order_submit_qc(user=technician_tom, order=working)


def test_a_changed_estimate_before_work_blocks_the_start(advisor_alice, vehicle_a, technician_tom):
    order = approved_order(advisor_alice, vehicle_a, technician_tom)
    services.repair_order_item_add(user=advisor_alice, order=order, kind="labour", description="检测", quantity=1, unit_price=50)
    with pytest.raises(Conflict):
        services.repair_order_start(user=technician_tom, order=order)
    assert RepairOrder.objects.get(pk=order.pk).state == State.CONFIRMED


def test_approving_twice_the_same_estimate_is_refused(advisor_alice, vehicle_a, technician_tom):
    order = approved_order(advisor_alice, vehicle_a, technician_tom)
    with pytest.raises(Conflict):
        services.repair_order_approve(user=advisor_alice, order=order, method="signature")


def test_items_cannot_change_once_the_car_is_in_qc(advisor_alice, technician_tom, working):
    services.repair_order_submit_qc(user=technician_tom, order=working)
    with pytest.raises(Conflict):
        services.repair_order_item_add(
            user=advisor_alice, order=working, kind="labour", description="x", quantity=1, unit_price=1
        )


def test_it_cannot_approve_before_the_plan(advisor_alice, order_a):
    with pytest.raises(Conflict):
        services.repair_order_approve(user=advisor_alice, order=order_a, method="signature")
    services.repair_order_record(user=advisor_alice, order=order_a, complaint="异响", system="brakes", walk_around="完好")
    services.repair_order_plan(
        user=advisor_alice, order=order_a, diagnosis="刹车片", promised_at=timezone.now() + dt.timedelta(hours=1)
    )
    with pytest.raises(Conflict, match="项目"):
        services.repair_order_approve(user=advisor_alice, order=order_a, method="signature")


def test_a_new_price_during_work_needs_reapproval(advisor_alice, technician_tom, working):
    item = working.items.get(kind="parts")
    services.repair_order_item_update(user=advisor_alice, order=working, item_id=item.pk, unit_price=Decimal("520.00"))
    working.refresh_from_db()
    assert working.awaiting_reapproval and working.estimate_total == Decimal("820.00")
    unchanged = working.estimate_version
    services.repair_order_item_update(user=advisor_alice, order=working, item_id=item.pk, unit_price=Decimal("520"))
    working.refresh_from_db()
    assert working.estimate_version == unchanged  # the same price again is no change


def test_a_late_order_keeps_its_promise_while_the_diagnosis_is_edited(advisor_alice, working):
    past = timezone.now() - dt.timedelta(minutes=20)
    RepairOrder.objects.filter(pk=working.pk).update(promised_at=past)
    working.refresh_from_db()
    services.repair_order_plan(user=advisor_alice, order=working, diagnosis="另发现刹车盘磨损", promised_at=working.promised_at)
    working.refresh_from_db()
    assert working.diagnosis == "另发现刹车盘磨损" and not working.awaiting_reapproval
