"""DOMAIN §7: every visit gets a follow-up within 3 days; first-time customers also at 1 and 3 months."""

import datetime as dt

from core.models import StoreSetting
from followups.models import FollowUp
from followups.services import visit_follow_ups_plan
from reminders.services import vehicle_service_record
from tasks.models import Task

VISIT = dt.date(2025, 3, 10)


def test_it_plans_three_calls_after_the_first_service(vehicle_a):
    vehicle_service_record(vehicle=vehicle_a, on=VISIT, km=5000)
    rows = FollowUp.objects.order_by("offset_days")
    assert [(f.offset_days, f.due_on, f.window_ends_on) for f in rows] == [
        (3, dt.date(2025, 3, 13), dt.date(2025, 3, 17)),
        (30, dt.date(2025, 4, 9), dt.date(2025, 4, 13)),
        (90, dt.date(2025, 6, 8), dt.date(2025, 6, 12)),
    ]
    keys = set(Task.objects.values_list("source_key", flat=True))
    assert f"follow_up:{vehicle_a.pk}:2025-03-10:3" in keys


def test_a_returning_customer_gets_one_call_and_planning_twice_creates_nothing(vehicle_a):
    vehicle_a.service_cycle = 2
    visit_follow_ups_plan(vehicle=vehicle_a, visited_on=VISIT)
    visit_follow_ups_plan(vehicle=vehicle_a, visited_on=VISIT)
    assert list(FollowUp.objects.values_list("offset_days", flat=True)) == [3]
    assert Task.objects.filter(kind="follow_up_service").count() == 1


def test_a_delivery_gets_three_calls_and_the_store_sets_the_first_day(vehicle_a):
    StoreSetting.objects.create(store_id=vehicle_a.store_id, key="followups.due_days", value="2")
    visit_follow_ups_plan(vehicle=vehicle_a, visited_on=VISIT, kind="delivery")
    assert sorted(FollowUp.objects.values_list("offset_days", flat=True)) == [2, 30, 90]
