"""DOMAIN §4: service is due by date or mileage, whichever comes first."""

import datetime as dt

import pytest

from reminders.models import ServiceRule
from reminders.rules import Schedule, add_months, average_km_per_day, service_due
from reminders.services import schedule_for, vehicle_schedule_refresh, vehicle_service_record
from vehicles.services import odometer_record

DELIVERED = dt.date(2026, 1, 10)


def due(**kwargs):
    values = {
        "schedule": Schedule(),
        "delivered_on": DELIVERED,
        "service_cycle": 0,
        "last_service_on": None,
        "last_service_km": None,
        "odometer_km": 0,
        "odometer_read_on": None,
        "km_per_day": 40,
    }
    return service_due(**{**values, **kwargs})


def test_first_service_by_date_when_the_car_is_driven_little():
    result = due(odometer_km=1_000, odometer_read_on=dt.date(2026, 3, 1), km_per_day=10)
    assert (result.due_on, result.due_by) == (dt.date(2026, 7, 10), "date")


def test_first_service_by_mileage_when_the_car_is_driven_a_lot():
    # 4,000 km by 1 March at 100 km/day: the remaining 1,000 km take 10 days.
    result = due(odometer_km=4_000, odometer_read_on=dt.date(2026, 3, 1), km_per_day=100)
    assert (result.due_on, result.due_by) == (dt.date(2026, 3, 11), "km")


def test_later_services_count_from_the_last_visit_with_the_regular_interval():
    result = due(
        service_cycle=1,
        last_service_on=dt.date(2026, 7, 1),
        last_service_km=6_000,
        odometer_km=6_000,
        odometer_read_on=dt.date(2026, 7, 1),
        km_per_day=20,
    )
    assert (result.due_on, result.due_by) == (dt.date(2027, 7, 1), "date")
    result = due(
        service_cycle=1,
        last_service_on=dt.date(2026, 7, 1),
        last_service_km=6_000,
        odometer_km=6_000,
        odometer_read_on=dt.date(2026, 7, 1),
        km_per_day=100,
    )
    assert (result.due_on, result.due_by) == (dt.date(2026, 10, 9), "km")


def test_an_overdue_mileage_is_due_at_the_reading():
    result = due(odometer_km=9_000, odometer_read_on=dt.date(2026, 5, 1))
    assert result.due_on == dt.date(2026, 5, 1)


def test_parts_lead_time_adds_a_call_before_the_order_deadline():
    result = due(schedule=Schedule(parts_lead_days=5), odometer_km=0)
    assert result.parts_order_call_on == result.due_on - dt.timedelta(days=7)


def test_months_are_added_calendar_wise():
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


def test_the_pace_comes_from_the_vehicles_own_history_or_the_default():
    assert average_km_per_day([], 40) == 40
    assert average_km_per_day([(100, dt.date(2026, 1, 1)), (3_100, dt.date(2026, 3, 2))], 40) == 50
    assert average_km_per_day([(100, dt.date(2026, 1, 1)), (300, dt.date(2026, 1, 5))], 40) == 40  # too short to tell


def test_a_new_reading_replans_the_stored_due_date(advisor_alice, vehicle_a):
    vehicle_a.refresh_from_db()
    # No history yet: the default 40 km/day reaches 5,000 km in 125 days, before the 6 months.
    assert (vehicle_a.service_due_on, vehicle_a.service_due_by) == (vehicle_a.purchase_date + dt.timedelta(days=125), "km")
    odometer_record(user=advisor_alice, vehicle=vehicle_a, km=100, read_on=dt.date(2024, 3, 2))
    odometer_record(user=advisor_alice, vehicle=vehicle_a, km=700, read_on=dt.date(2024, 4, 1))
    vehicle_a.refresh_from_db()
    # Its own pace is 20 km/day: 4,300 km more would take 215 days, so the date limit comes first.
    assert float(vehicle_a.km_per_day) == 20.0
    assert (vehicle_a.service_due_on, vehicle_a.service_due_by) == (add_months(vehicle_a.purchase_date, 6), "date")


def test_a_visit_starts_the_next_cycle(advisor_alice, vehicle_a):
    vehicle = vehicle_service_record(vehicle=vehicle_a, on=dt.date(2024, 9, 1), km=5_200)
    assert vehicle.service_cycle == 1 and vehicle.service_due_on <= dt.date(2025, 9, 1)


@pytest.mark.parametrize(
    "brand, model, expected_km", [("比亚迪", "汉EV", 20_000), ("比亚迪", "秦", 15_000), ("大众", "帕萨特", 10_000)]
)
def test_the_most_specific_rule_applies(vehicle_a, brand, model, expected_km):
    ServiceRule.objects.create(brand="比亚迪", interval_km=15_000)
    ServiceRule.objects.create(brand="比亚迪", model="汉EV", interval_km=20_000)
    vehicle_a.brand, vehicle_a.model = brand, model
    assert schedule_for(vehicle_a).interval_km == expected_km


def test_a_rule_change_is_applied_to_stored_dates(vehicle_a):
    from reminders.services import service_rules_apply

    before = vehicle_a.service_due_on
    ServiceRule.objects.create(first_months=3, first_km=3_000)
    assert service_rules_apply() == 1
    vehicle_a.refresh_from_db()
    assert vehicle_a.service_due_on < before
    vehicle_schedule_refresh(vehicle_a)


def test_a_low_battery_health_creates_one_task(advisor_alice, vehicle_a):
    from tasks.models import Task
    from vehicles.services import vehicle_update

    vehicle_update(user=advisor_alice, vehicle=vehicle_a, battery_soh_percent=92)
    assert not Task.objects.exists()
    vehicle_update(user=advisor_alice, vehicle=vehicle_a, battery_soh_percent=78)
    vehicle_update(user=advisor_alice, vehicle=vehicle_a, battery_soh_percent=77)
    task = Task.objects.get()
    assert task.kind == "ev_battery_health" and "78" in task.title
