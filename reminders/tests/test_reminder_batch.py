"""The daily batch (DOMAIN §4): each step exactly once, tasks for the right people, messages
through the outbox with consent, working days respected, plans ended by outcomes."""

import datetime as dt
from unittest import mock

import pytest
from django.db import connection

from accounts.models import Role
from conftest import make_user
from customers.services import consent_record, customer_create
from messaging.models import OutboxMessage
from reminders.models import Holiday, Recall, RecallVehicle, Reminder, ReminderStep
from reminders.services import reminder_steps_ensure, reminders_run_day
from tasks.models import Outcome, Task
from tasks.services import task_record_outcome
from vehicles.models import Vehicle

DAY = dt.date(2026, 12, 1)  # a Tuesday


@pytest.fixture
def plan(store_a, advisor_alice):
    reminder_steps_ensure(store_a)
    return store_a


def due_in(vehicle, days: int, **fields):
    Vehicle.objects.filter(pk=vehicle.pk).update(service_due_on=DAY + dt.timedelta(days=days), **fields)


def test_t13_queues_one_service_message_and_a_rerun_adds_nothing(plan, vehicle_a):
    due_in(vehicle_a, 13)
    first = reminders_run_day(day=DAY)
    again = reminders_run_day(day=DAY)
    assert (first.generated, first.messages, again.generated, again.messages) == (1, 1, 0, 0)
    message = OutboxMessage.objects.get()
    assert (message.template_code, message.purpose, message.status, message.idempotency_key) == (
        "service_due",
        "service",
        "queued",
        f"reminder:{Reminder.objects.get().id}",
    )
    assert message.variables["plate"] == "粤BD12345" and message.variables["due_date"] == str(DAY + dt.timedelta(days=13))


def test_t11_creates_a_call_task_for_the_vehicles_advisor(plan, vehicle_a, advisor_alice):
    Vehicle.objects.filter(pk=vehicle_a.pk).update(service_advisor=advisor_alice, service_cycle=1)
    due_in(vehicle_a, 11)
    assert reminders_run_day(day=DAY).tasks == 1
    task = Task.objects.get()
    assert task.assignee == advisor_alice and task.kind == "reminder_service" and "粤BD12345" in task.title
    assert task.script and task.source_key.startswith("reminder:")


def test_a_vehicle_without_advisor_goes_round_robin_to_the_store_advisors(plan, vehicle_a, group, store_a, advisor_alice):
    Vehicle.objects.filter(pk=vehicle_a.pk).update(service_cycle=1)
    due_in(vehicle_a, 11)
    reminders_run_day(day=DAY)
    assert Task.objects.get().assignee == advisor_alice


def test_first_service_reaches_both_salesperson_and_after_sales(plan, vehicle_a, group, store_a, advisor_alice):
    seller = make_user("seller", Role.SALESPERSON, group, [store_a])
    Vehicle.objects.filter(pk=vehicle_a.pk).update(salesperson=seller, service_advisor=advisor_alice, service_cycle=0)
    due_in(vehicle_a, 7)
    reminders_run_day(day=DAY)
    assert sorted(Task.objects.values_list("assignee__username", flat=True)) == ["alice", "seller"]


def test_a_booking_ends_the_plan_for_the_cycle(plan, vehicle_a, advisor_alice):
    due_in(vehicle_a, 11)
    reminders_run_day(day=DAY)
    task_record_outcome(user=advisor_alice, task=Task.objects.get(), outcome=Outcome.BOOKED)
    reminders_run_day(day=DAY + dt.timedelta(days=4))  # T−7: first-service dual reach would fire
    assert Task.objects.count() == 1


def test_call_back_later_keeps_the_task_open_for_a_new_time(plan, vehicle_a, advisor_alice):
    due_in(vehicle_a, 11)
    reminders_run_day(day=DAY)
    task = task_record_outcome(user=advisor_alice, task=Task.objects.get(), outcome=Outcome.CALL_BACK, notes="客户在开会")
    assert task.status == "open" and "客户在开会" in task.notes


def test_a_sold_car_gets_no_more_reminders(plan, vehicle_a, advisor_alice):
    due_in(vehicle_a, 11)
    reminders_run_day(day=DAY)
    task_record_outcome(user=advisor_alice, task=Task.objects.get(), outcome=Outcome.CAR_SOLD)
    vehicle_a.refresh_from_db()
    assert not vehicle_a.is_active


def test_calls_falling_on_a_holiday_wait_for_the_next_working_day(plan, vehicle_a):
    Holiday.objects.create(date=DAY, name="测试假日", is_day_off=True)
    Holiday.objects.create(date=DAY + dt.timedelta(days=1), name="测试假日", is_day_off=True)
    due_in(vehicle_a, 11, service_cycle=1)
    reminders_run_day(day=DAY)
    assert Task.objects.get().due_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date() == DAY + dt.timedelta(days=2)


def test_an_adjusted_working_saturday_counts_as_a_working_day(plan, vehicle_a):
    saturday = dt.date(2026, 12, 5)
    Holiday.objects.create(date=saturday, name="调休上班", is_day_off=False)
    Vehicle.objects.filter(pk=vehicle_a.pk).update(service_due_on=saturday + dt.timedelta(days=11), service_cycle=1)
    reminders_run_day(day=saturday)
    assert Task.objects.get().due_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date() == saturday


def test_lunar_and_gregorian_birthdays(plan, advisor_alice):
    lunar = customer_create(
        user=advisor_alice, name="中秋", mobile="13700000001", birthday=dt.date(1985, 8, 15), birthday_is_lunar=True
    )
    solar = customer_create(user=advisor_alice, name="国庆", mobile="13700000002", birthday=dt.date(1985, 9, 25))
    for customer in (lunar, solar):
        consent_record(user=advisor_alice, customer=customer, purpose="marketing_sms", granted=True, source="签字")
    reminders_run_day(day=dt.date(2026, 9, 25))  # 农历八月十五 2026 = 25 September
    assert set(OutboxMessage.objects.filter(template_code="birthday").values_list("customer_id", flat=True)) == {
        lunar.id,
        solar.id,
    }
    reminders_run_day(day=dt.date(2027, 9, 15))  # 八月十五 2027 = 15 September: only the lunar one
    assert OutboxMessage.objects.filter(template_code="birthday").count() == 3


def test_marketing_without_consent_is_recorded_as_suppressed(plan, advisor_alice):
    customer_create(user=advisor_alice, name="无授权", mobile="13700000003", birthday=dt.date(1990, 12, 1))
    reminders_run_day(day=DAY)
    message = OutboxMessage.objects.get()
    assert (message.status, message.suppressed_reason) == ("suppressed", "无营销授权（营销短信）")


def test_a_service_notice_stops_only_at_an_explicit_opt_out(plan, vehicle_a, advisor_alice, customer_a):
    consent_record(user=advisor_alice, customer=customer_a, purpose="service_reminders", granted=False, source="客户要求")
    due_in(vehicle_a, 13)
    reminders_run_day(day=DAY)
    assert OutboxMessage.objects.get().status == "suppressed"


def test_a_recall_reaches_each_listed_vehicle_once(plan, vehicle_a):
    recall = Recall.objects.create(code="R2026-01", title="转向拉杆检查")
    RecallVehicle.objects.create(recall=recall, vin=vehicle_a.vin)
    reminders_run_day(day=DAY)
    reminders_run_day(day=DAY + dt.timedelta(days=1))
    assert Task.objects.filter(kind="reminder_recall").count() == 1
    assert OutboxMessage.objects.filter(template_code="recall").count() == 1


def test_a_store_can_switch_a_step_off(plan, vehicle_a):
    ReminderStep.objects.filter(store=plan, code="service_message").update(enabled=False)
    due_in(vehicle_a, 13)
    assert reminders_run_day(day=DAY).generated == 0


def test_a_crash_half_way_loses_and_duplicates_nothing(plan, vehicle_a, advisor_alice):
    from reminders import services

    other = customer_create(user=advisor_alice, name="王五", mobile="13700000009")
    Vehicle.objects.filter(pk=vehicle_a.pk).update(service_due_on=DAY + dt.timedelta(days=11), service_cycle=1)
    second = Vehicle.objects.create(
        store=plan,
        owner=other,
        vin="LSVAB2BM5KN000777",
        vin_last6="000777",
        model="帕萨特",
        powertrain="petrol",
        purchase_date=dt.date(2024, 1, 1),
    )
    Vehicle.objects.filter(pk=second.pk).update(service_due_on=DAY + dt.timedelta(days=13), service_cycle=1)
    with mock.patch.object(services, "_insert_messages", side_effect=RuntimeError("power cut")), pytest.raises(RuntimeError):
        reminders_run_day(day=DAY)
    assert Task.objects.count() == 0  # the store's dispatch rolled back as a whole
    reminders_run_day(day=DAY)
    reminders_run_day(day=DAY)
    assert (Reminder.objects.count(), Task.objects.count(), OutboxMessage.objects.count()) == (2, 1, 1)
    assert not Reminder.objects.filter(status="pending").exists()


def test_the_batch_is_set_based(plan, vehicle_a, django_assert_max_num_queries):
    due_in(vehicle_a, 13)
    with django_assert_max_num_queries(80):  # a few statements per step and store, not per vehicle
        reminders_run_day(day=DAY)
    assert connection.vendor in ("sqlite", "postgresql")
