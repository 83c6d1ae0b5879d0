"""DOMAIN §7: in the first week of a quarter, one interview task per gold / platinum customer and
per customer on last quarter's win-back list, for the store manager — once, however often it runs."""

import datetime as dt

from accounts.models import Role
from conftest import make_user
from core.jobs import JOBS_BY_NAME
from customers.models import Customer
from customers.services import customer_create
from followups.interviews import interview_tasks_plan
from followups.models import WinBack
from tasks.models import Task

FIRST_DAY = dt.date(2025, 7, 1)


def _lost(vehicle, flagged_on):
    WinBack.objects.create(
        store_id=vehicle.store_id, vehicle=vehicle, customer_id=vehicle.owner_id, reason="lost", cycle=1, flagged_on=flagged_on
    )


def test_high_value_and_lost_customers_get_one_interview_each(group, store_a, advisor_alice, vehicle_a, customer_b):
    manager = make_user("mia", Role.STORE_MANAGER, group, [store_a])
    gold = customer_create(user=advisor_alice, name="金卡", mobile="13700000001")
    platinum = customer_create(user=advisor_alice, name="白金", mobile="13700000002")
    silver = customer_create(user=advisor_alice, name="银卡", mobile="13700000003")
    Customer.objects.filter(pk=gold.pk).update(member_tier="gold")
    Customer.objects.filter(pk__in=[platinum.pk, customer_b.pk]).update(member_tier="platinum")
    Customer.objects.filter(pk=silver.pk).update(member_tier="silver")
    _lost(vehicle_a, dt.date(2025, 5, 10))  # last quarter (Q2)

    assert JOBS_BY_NAME["followups.interviews"].call(FIRST_DAY) == {"tasks": 4}
    tasks = {t.customer_id: t for t in Task.objects.filter(kind="interview")}
    assert set(tasks) == {gold.pk, platinum.pk, vehicle_a.owner_id, customer_b.pk}
    assert tasks[gold.pk].source_key == f"interview:{gold.pk}:2025Q3"
    assert tasks[gold.pk].assignee_id == manager.pk and tasks[gold.pk].store_id == store_a.id
    assert tasks[customer_b.pk].assignee_id is None  # store B has no manager
    assert tasks[gold.pk].status == "open" and "2025Q3" in tasks[gold.pk].title

    assert interview_tasks_plan(day=FIRST_DAY + dt.timedelta(days=3)) == {"tasks": 0}  # idempotent
    assert Task.objects.filter(kind="interview").count() == 4


def test_only_the_first_week_of_a_quarter(customer_a):
    Customer.objects.filter(pk=customer_a.pk).update(member_tier="gold")
    for day in (dt.date(2025, 7, 8), dt.date(2025, 8, 1), dt.date(2025, 6, 30), dt.date(2025, 12, 31)):
        assert interview_tasks_plan(day=day) == {"tasks": 0}
    assert not Task.objects.exists()
    assert interview_tasks_plan(day=dt.date(2026, 1, 7)) == {"tasks": 1}
    assert Task.objects.get().source_key == f"interview:{customer_a.pk}:2026Q1"


def test_only_last_quarters_win_back_list_counts(vehicle_a):
    _lost(vehicle_a, dt.date(2025, 3, 31))  # Q1: two quarters before Q3
    assert interview_tasks_plan(day=FIRST_DAY) == {"tasks": 0}
    assert interview_tasks_plan(day=dt.date(2025, 4, 2)) == {"tasks": 1}  # Q2 looks at Q1
    assert Task.objects.get().source_key == f"interview:{vehicle_a.owner_id}:2025Q2"


def test_erased_customers_are_not_interviewed(customer_a):
    Customer.objects.filter(pk=customer_a.pk).update(member_tier="gold", erased_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert interview_tasks_plan(day=FIRST_DAY) == {"tasks": 0}
