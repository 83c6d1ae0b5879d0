"""Bad input is refused with a field message and nothing changes (issue 5: negative quantities and
prices, skipped states, delivery without approval)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import Conflict, InvalidInput
from workshop import services
from workshop.models import RepairOrder, RepairOrderItem
from workshop.tests.conftest import open_order, plan_order


@pytest.mark.parametrize(
    ("field", "quantity", "unit_price"),
    [
        ("quantity", -1, 10),
        ("quantity", 0, 10),
        ("unit_price", 1, -0.01),
        ("unit_price", 1, "abc"),
        ("unit_price", 1, "NaN"),
        ("unit_price", 1, "Infinity"),
        ("unit_price", 1, "1.001"),
        ("quantity", "1e30", 1),
    ],
)
def test_it_rejects_bad_quantities_and_prices(advisor_alice, order_a, field, quantity, unit_price):
    with pytest.raises(InvalidInput) as error:
        services.repair_order_item_add(
            user=advisor_alice, order=order_a, kind="parts", description="机油", quantity=quantity, unit_price=unit_price
        )
    assert field in error.value.errors
    assert not RepairOrderItem.objects.exists()
    assert RepairOrder.objects.get(pk=order_a.pk).estimate_version == 0


def test_it_rejects_an_unknown_kind_and_an_empty_description(advisor_alice, order_a):
    with pytest.raises(InvalidInput) as error:
        services.repair_order_item_add(user=advisor_alice, order=order_a, kind="gift", description=" ", quantity=1, unit_price=1)
    assert set(error.value.errors) == {"kind", "description"}


def test_it_rejects_an_odometer_lower_than_the_last_reading(advisor_alice, vehicle_a):
    order = open_order(advisor_alice, vehicle_a, km=20_000)
    services.repair_order_cancel(user=advisor_alice, order=order, reason="测试")
    with pytest.raises(InvalidInput) as error:
        open_order(advisor_alice, vehicle_a, km=10_000)
    assert "odometer_km" in error.value.errors
    assert RepairOrder.objects.count() == 1


def test_it_rejects_an_arrival_in_the_future(advisor_alice, vehicle_a):
    with pytest.raises(InvalidInput) as error:
        open_order(advisor_alice, vehicle_a, arrived_at=timezone.now() + dt.timedelta(hours=1))
    assert "arrived_at" in error.value.errors


def test_a_vehicle_in_the_shop_cannot_get_a_second_order(advisor_alice, vehicle_a, order_a):
    with pytest.raises(Conflict):
        open_order(advisor_alice, vehicle_a)


def test_recording_needs_a_complete_description(advisor_alice, order_a):
    with pytest.raises(InvalidInput) as error:
        services.repair_order_record(user=advisor_alice, order=order_a, complaint="", system="wings", walk_around="")
    assert set(error.value.errors) == {"complaint", "system", "walk_around"}


def test_the_promised_time_must_be_in_the_future(advisor_alice, order_a):
    services.repair_order_record(user=advisor_alice, order=order_a, complaint="异响", system="brakes", walk_around="完好")
    with pytest.raises(InvalidInput) as error:
        services.repair_order_plan(
            user=advisor_alice, order=order_a, diagnosis="x", promised_at=timezone.now() - dt.timedelta(minutes=1)
        )
    assert "promised_at" in error.value.errors


def test_it_cannot_plan_before_recording(advisor_alice, order_a):
    with pytest.raises(Conflict):
        services.repair_order_plan(
            user=advisor_alice, order=order_a, diagnosis="x", promised_at=timezone.now() + dt.timedelta(hours=1)
        )


def test_a_draft_cannot_start_or_be_delivered(advisor_alice, technician_tom, order_a):
    order = plan_order(advisor_alice, order_a)
    with pytest.raises(Conflict):
        services.repair_order_start(user=technician_tom, order=order)
    with pytest.raises(Conflict):
        services.repair_order_deliver(user=advisor_alice, order=order, old_parts_shown=True)
    with pytest.raises(Conflict):
        services.repair_order_close(user=advisor_alice, order=order)
    assert RepairOrder.objects.get(pk=order.pk).state == RepairOrder.State.DRAFT


def test_the_technician_must_work_in_the_store(advisor_alice, advisor_bob, vehicle_a):
    with pytest.raises(InvalidInput) as error:
        services.repair_order_open(user=advisor_alice, vehicle=vehicle_a, odometer_km=100, technician_id=advisor_bob.pk)
    assert "technician_id" in error.value.errors


def test_a_cancelled_order_stays_cancelled(advisor_alice, order_a):
    with pytest.raises(InvalidInput):
        services.repair_order_cancel(user=advisor_alice, order=order_a, reason="  ")
    services.repair_order_cancel(user=advisor_alice, order=order_a, reason="客户离开")
    with pytest.raises(Conflict):
        services.repair_order_cancel(user=advisor_alice, order=order_a, reason="again")
    with pytest.raises(Conflict):
        services.repair_order_item_add(
            user=advisor_alice, order=order_a, kind="parts", description="x", quantity=1, unit_price=Decimal(1)
        )


def test_an_item_update_rejects_bad_numbers_and_foreign_items(advisor_alice, order_a):
    order = plan_order(advisor_alice, order_a)
    item = order.items.first()
    with pytest.raises(InvalidInput) as error:
        services.repair_order_item_update(user=advisor_alice, order=order, item_id=item.pk, quantity=Decimal("-1"))
    assert "quantity" in error.value.errors
    with pytest.raises(InvalidInput) as error:
        services.repair_order_item_update(user=advisor_alice, order=order, item_id=10**9, unit_price=1)
    assert "item_id" in error.value.errors


def test_an_implausible_odometer_jump_is_kept_but_flagged_on_the_order(advisor_alice, vehicle_a):
    from vehicles.models import OdometerReading

    first = open_order(advisor_alice, vehicle_a, km=1_000, arrived_at=timezone.now() - dt.timedelta(hours=11))
    services.repair_order_cancel(user=advisor_alice, order=first, reason="测试")
    OdometerReading.objects.filter(vehicle=vehicle_a).update(read_on=timezone.localdate() - dt.timedelta(days=1))
    order = open_order(advisor_alice, vehicle_a, km=900_000)
    assert "里程异常待核实" in order.events.get(kind="opened").detail
