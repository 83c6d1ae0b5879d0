"""KPI sources for the coordinator's dashboards: one GROUP BY per measure, per (store, advisor), per local day."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from workshop import services
from workshop.models import RepairOrder
from workshop.selectors import LOCAL, kpi_reception_on_time_daily, kpi_repair_time_daily, kpi_repeat_repair_daily
from workshop.tests.conftest import open_order, ready_order


def test_repair_time_counts_orders_delivered_that_day(advisor_alice, vehicle_a, technician_tom, leader_lee):
    order = ready_order(advisor_alice, vehicle_a, technician_tom, leader_lee)
    services.repair_order_deliver(user=advisor_alice, order=order, old_parts_shown=True)
    order.refresh_from_db()
    RepairOrder.objects.filter(pk=order.pk).update(received_at=order.ready_at - dt.timedelta(minutes=95))
    today = timezone.localdate(order.delivered_at)
    with CaptureQueriesContext(connection) as queries:
        rows = kpi_repair_time_daily(day=today)
    assert len(queries) == 1
    assert rows == [{"store_id": order.store_id, "staff_id": advisor_alice.pk, "numerator": 95, "denominator": 1}]
    assert kpi_repair_time_daily(day=today - dt.timedelta(days=1)) == []


def test_repeat_and_reception_rates_count_orders_opened_that_day(advisor_alice, vehicle_a):
    on_time = open_order(advisor_alice, vehicle_a)
    services.repair_order_cancel(user=advisor_alice, order=on_time, reason="x")
    late = open_order(advisor_alice, vehicle_a, km=12_001)
    day = timezone.localdate() - dt.timedelta(days=1)
    arrival = dt.datetime.combine(day, dt.time(10), tzinfo=LOCAL)
    for order, waited in ((on_time, 3), (late, 12)):
        RepairOrder.objects.filter(pk=order.pk).update(
            arrived_at=arrival,
            reception_due_at=arrival + dt.timedelta(minutes=5),
            received_at=arrival + dt.timedelta(minutes=waited),
            is_repeat_repair=order is late,
        )
    expected = [{"store_id": vehicle_a.store_id, "staff_id": advisor_alice.pk, "numerator": 1, "denominator": 2}]
    assert kpi_reception_on_time_daily(day=day) == expected
    assert kpi_repeat_repair_daily(day=day) == expected
    assert kpi_reception_on_time_daily(day=timezone.localdate()) == []
