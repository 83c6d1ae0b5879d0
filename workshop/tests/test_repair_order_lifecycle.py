"""DOMAIN §6: the seven steps from reception to follow-up, every transition stamped and audited."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import Forbidden
from followups.models import FollowUp
from messaging.models import OutboxMessage
from reminders.models import ServiceAdvice
from workshop import services
from workshop.models import RepairOrder, RepairOrderEvent
from workshop.selectors import current_step, repair_order_steps
from workshop.tests.conftest import approved_order, plan_order, ready_order

State = RepairOrder.State


def test_it_opens_a_walk_in_order_and_records_the_odometer(advisor_alice, vehicle_a, order_a):
    vehicle_a.refresh_from_db()
    assert order_a.state == State.DRAFT
    assert order_a.customer_id == vehicle_a.owner_id and order_a.advisor == advisor_alice
    assert vehicle_a.odometer_km == 12_000
    assert order_a.reception_due_at == order_a.arrived_at + dt.timedelta(minutes=5)
    assert order_a.events.filter(kind=RepairOrderEvent.Kind.OPENED).count() == 1
    assert current_step(order_a) == 2


def test_it_prices_the_estimate_in_decimal(advisor_alice, order_a):
    order = plan_order(advisor_alice, order_a)
    assert order.estimate_total == Decimal("780.50")  # 1.5 h × 200 + 480.50
    assert [i.amount for i in order.items.all()] == [Decimal("300.00"), Decimal("480.50")]


def test_it_runs_the_whole_order_and_stamps_each_state(advisor_alice, vehicle_a, technician_tom, leader_lee):
    order = ready_order(advisor_alice, vehicle_a, technician_tom, leader_lee)
    assert order.state == State.READY
    for column in ("approved_at", "work_started_at", "qc_started_at", "ready_at"):
        assert getattr(order, column) is not None, column
    services.repair_order_deliver(
        user=advisor_alice, order=order, old_parts_shown=True, next_visit_advice="后刹车片剩 3 mm，下次更换"
    )
    services.repair_order_close(user=advisor_alice, order=order)
    order.refresh_from_db()
    assert order.state == State.CLOSED and order.delivered_at and order.closed_at and order.old_parts_shown
    transitions = list(order.events.filter(kind=RepairOrderEvent.Kind.TRANSITION).values_list("from_state", "to_state"))
    assert transitions == [
        ("draft", "confirmed"),
        ("confirmed", "in_progress"),
        ("in_progress", "qc"),
        ("qc", "ready"),
        ("ready", "delivered"),
        ("delivered", "closed"),
    ]
    assert all(step.done_at for step in repair_order_steps(order))


def test_delivery_feeds_reminders_follow_ups_and_loyalty(advisor_alice, vehicle_a, technician_tom, leader_lee):
    from loyalty.models import SpendRecord

    order = ready_order(advisor_alice, vehicle_a, technician_tom, leader_lee)
    cycle = vehicle_a.service_cycle
    services.repair_order_deliver(user=advisor_alice, order=order, old_parts_shown=False, next_visit_advice="更换空调滤芯")
    vehicle_a.refresh_from_db()
    assert vehicle_a.service_cycle == cycle + 1 and vehicle_a.last_service_km == 12_000
    advice = ServiceAdvice.objects.get(vehicle=vehicle_a)
    assert advice.text == "更换空调滤芯" and advice.remind_on == timezone.localdate() + dt.timedelta(days=90)
    assert FollowUp.objects.filter(vehicle=vehicle_a, visited_on=timezone.localdate()).exists()
    spend = SpendRecord.objects.get(source_key=f"repair_order:{order.pk}")
    assert spend.amount == Decimal("780.50")


def test_every_status_change_queues_a_progress_message(advisor_alice, vehicle_a, technician_tom, leader_lee):
    order = ready_order(advisor_alice, vehicle_a, technician_tom, leader_lee)
    keys = set(OutboxMessage.objects.filter(customer_id=order.customer_id).values_list("idempotency_key", flat=True))
    transitions = order.events.filter(kind=RepairOrderEvent.Kind.TRANSITION)
    assert {f"ro_status:{e.pk}" for e in transitions} <= keys
    message = OutboxMessage.objects.filter(idempotency_key__startswith="ro_status:").last()
    assert message.template_code == "workshop_progress" and "/p/" in message.variables["link"]


def test_cancel_needs_a_reason_and_ends_the_order(advisor_alice, order_a):
    services.repair_order_cancel(user=advisor_alice, order=order_a, reason="客户改期")
    order_a.refresh_from_db()
    assert order_a.state == State.CANCELLED and order_a.cancelled_at


def test_a_technician_cannot_approve_the_estimate(advisor_alice, order_a, technician_tom):
    order = plan_order(advisor_alice, order_a)
    with pytest.raises(Forbidden):
        services.repair_order_approve(user=technician_tom, order=order, method="phone")
    assert RepairOrder.objects.get(pk=order.pk).state == State.DRAFT


def test_an_approved_order_is_confirmed(advisor_alice, vehicle_a, technician_tom):
    order = approved_order(advisor_alice, vehicle_a, technician_tom)
    assert order.state == State.CONFIRMED and not order.needs_approval
    assert order.approvals.get().total == Decimal("780.50")
