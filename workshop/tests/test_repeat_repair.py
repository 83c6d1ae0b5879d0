"""DOMAIN §6: a car back for the same problem (system) within 30 days is a repeat repair, flagged."""

import datetime as dt

from core.models import StoreSetting
from workshop import services
from workshop.models import RepairOrder
from workshop.tests.conftest import open_order


def _delivered(advisor, vehicle, *, system: str, days_ago: int) -> RepairOrder:
    order = open_order(advisor, vehicle, km=10_000)
    services.repair_order_record(user=advisor, order=order, complaint="问题", system=system, walk_around="完好")
    services.repair_order_cancel(user=advisor, order=order, reason="测试数据")  # leaves the shop
    delivered = order.arrived_at - dt.timedelta(days=days_ago)
    RepairOrder.objects.filter(pk=order.pk).update(state="closed", delivered_at=delivered, arrived_at=delivered)
    return order


def _record(advisor, vehicle, system: str) -> RepairOrder:
    order = open_order(advisor, vehicle, km=11_000)
    return services.repair_order_record(user=advisor, order=order, complaint="又出现", system=system, walk_around="完好")


def test_the_same_system_within_30_days_is_flagged(advisor_alice, vehicle_a):
    first = _delivered(advisor_alice, vehicle_a, system="brakes", days_ago=10)
    again = _record(advisor_alice, vehicle_a, "brakes")
    assert again.is_repeat_repair and again.repeat_of_id == first.pk
    assert again.events.filter(detail__contains="返修").exists()


def test_another_system_or_an_older_visit_is_not(advisor_alice, vehicle_a):
    _delivered(advisor_alice, vehicle_a, system="brakes", days_ago=40)
    assert not _record(advisor_alice, vehicle_a, "brakes").is_repeat_repair


def test_a_different_system_is_not_a_repeat(advisor_alice, vehicle_a):
    _delivered(advisor_alice, vehicle_a, system="brakes", days_ago=5)
    assert not _record(advisor_alice, vehicle_a, "engine").is_repeat_repair


def test_routine_maintenance_is_never_a_repeat(advisor_alice, vehicle_a):
    _delivered(advisor_alice, vehicle_a, system="maintenance", days_ago=5)
    assert not _record(advisor_alice, vehicle_a, "maintenance").is_repeat_repair


def test_the_number_of_days_is_a_store_policy(advisor_alice, vehicle_a):
    StoreSetting.objects.create(store_id=vehicle_a.store_id, key="workshop.repeat_repair_days", value=60)
    _delivered(advisor_alice, vehicle_a, system="electrical", days_ago=45)
    assert _record(advisor_alice, vehicle_a, "electrical").is_repeat_repair
