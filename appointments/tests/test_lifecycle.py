import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from accounts.models import Role
from appointments.models import Appointment, AppointmentPart, SlotClaim
from appointments.selectors import kpi_appointment_fulfilment_daily, mask_name, mask_plate, welcome_board
from appointments.services import (
    PartRequest,
    appointment_book,
    appointment_cancel,
    appointment_check_in,
    appointment_complete,
    appointment_no_shows_mark,
    appointment_part_arrive,
    appointment_reminders_send,
    appointment_start_service,
    walk_in_register,
)
from appointments.tests.conftest import at
from conftest import make_user
from core.errors import Conflict, Forbidden, InvalidInput
from messaging.models import OutboxMessage
from tasks.models import Task


def book(user, customer, service_type, starts_at, **extra):
    return appointment_book(user=user, customer=customer, service_type=service_type, starts_at=starts_at, **extra)


def later(moment: dt.datetime):
    """Pretend the clock shows `moment` in the services."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_check_in_and_complete_are_what_the_workshop_calls(advisor_alice, customer_a, workshop_a, day):
    appointment = book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 10))
    arrived = appointment_check_in(user=advisor_alice, appointment=appointment)
    assert arrived.status == "arrived" and arrived.arrived_at is not None
    assert appointment_check_in(user=advisor_alice, appointment=appointment).status == "arrived"  # harmless twice
    assert appointment_start_service(appointment=appointment).status == "in_service"
    done = appointment_complete(appointment=appointment)
    assert done.status == "completed" and done.completed_at is not None
    assert appointment_complete(appointment=appointment).status == "completed"


def test_a_technician_may_not_book_or_check_in(advisor_alice, customer_a, workshop_a, day):
    with pytest.raises(Forbidden):
        book(workshop_a["technician"], customer_a, workshop_a["service_type"], at(day, 10))
    appointment = book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 10))
    with pytest.raises(Forbidden):
        appointment_check_in(user=workshop_a["technician"], appointment=appointment)


def test_no_show_job_frees_the_slot_and_leaves_a_reschedule_task_once(advisor_alice, customer_a, workshop_a, day):
    appointment = book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 10))
    with later(at(day, 10, 20)):
        assert appointment_no_shows_mark() == 0  # inside the 30-minute grace time
    with later(at(day, 10, 31)):
        assert appointment_no_shows_mark() == 1
        assert appointment_no_shows_mark() == 0  # a rerun finds nothing new
    appointment.refresh_from_db()
    assert appointment.status == "no_show" and not SlotClaim.objects.filter(appointment=appointment).exists()
    task = Task.objects.get(source_key=f"appointment:{appointment.pk}:no_show")
    assert task.kind == "appointment_reschedule" and task.assignee == advisor_alice
    with pytest.raises(Conflict):
        appointment_check_in(user=advisor_alice, appointment=appointment)


def test_parts_not_in_stock_become_pre_orders_with_a_call_before_the_order_deadline(advisor_alice, customer_a, workshop_a):
    day = timezone.localdate() + dt.timedelta(days=10)
    parts = [
        PartRequest(name="机油", quantity=4, unit_price=Decimal("60.00")),
        PartRequest(name="刹车片", quantity=1, unit_price=Decimal("480.00"), in_stock=False, lead_days=5, part_number="BP-01"),
    ]
    appointment = book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 10), parts=parts)
    assert appointment.estimated_parts_amount == Decimal("720.00")
    pre_order = AppointmentPart.objects.get(appointment=appointment, status="ordered")
    assert pre_order.order_by == day - dt.timedelta(days=5)
    assert pre_order.expected_on == timezone.localdate() + dt.timedelta(days=5)
    task = Task.objects.get(source_key=f"appointment:{appointment.pk}:parts_call")
    assert timezone.localtime(task.due_at).date() == day - dt.timedelta(days=6)
    arrived = appointment_part_arrive(user=advisor_alice, part=pre_order)
    assert arrived.status == "arrived" and arrived.arrived_at is not None
    with pytest.raises(Conflict):
        appointment_part_arrive(user=advisor_alice, part=pre_order)


def test_a_part_arriving_after_the_appointment_is_refused(advisor_alice, customer_a, workshop_a, day):
    with pytest.raises(InvalidInput) as caught:
        book(
            advisor_alice,
            customer_a,
            workshop_a["service_type"],
            at(day, 10),
            parts=[PartRequest(name="电池", in_stock=False, lead_days=7)],
        )
    assert "晚于预约日期" in caught.value.errors["parts.0.lead_days"]
    assert not Appointment.objects.exists()


def test_cancelling_cancels_pre_orders_and_their_call(advisor_alice, customer_a, workshop_a):
    day = timezone.localdate() + dt.timedelta(days=10)
    appointment = book(
        advisor_alice,
        customer_a,
        workshop_a["service_type"],
        at(day, 10),
        parts=[PartRequest(name="滤芯", in_stock=False, lead_days=2)],
    )
    appointment_cancel(user=advisor_alice, appointment=appointment)
    assert AppointmentPart.objects.get().status == "cancelled"
    assert Task.objects.get(source_key=f"appointment:{appointment.pk}:parts_call").status == "cancelled"


def test_day_before_reminder_goes_once_through_the_outbox(advisor_alice, customer_a, workshop_a, day):
    appointment = book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 10))
    cancelled = book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 14))
    appointment_cancel(user=advisor_alice, appointment=cancelled)
    assert appointment_reminders_send(day=day - dt.timedelta(days=1)) == 1
    assert appointment_reminders_send(day=day - dt.timedelta(days=1)) == 0
    message = OutboxMessage.objects.get(idempotency_key=f"appointment:{appointment.pk}:day_before")
    assert message.template_code == "appointment_reminder" and message.variables["link"].startswith("https://")


def test_walk_ins_wait_for_the_gaps_appointments_leave(advisor_alice, customer_a, workshop_a, day):
    book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 9))
    with later(at(day, 8, 40)):
        first = walk_in_register(user=advisor_alice, name="陈先生", service_type=workshop_a["service_type"], plate="粤a12345")
        second = walk_in_register(user=advisor_alice, name="林女士", service_type=workshop_a["service_type"])
    assert first.estimated_start_at == at(day, 10)  # 08:45 would run into the 09:00 appointment
    assert second.estimated_start_at == at(day, 11)
    assert first.plate == "粤A12345"


def test_welcome_board_masks_names_and_plates(advisor_alice, customer_a, vehicle_a, workshop_a):
    today = timezone.localdate()
    appointment = Appointment.objects.create(
        store=customer_a.store, customer=customer_a, vehicle=vehicle_a, service_type=workshop_a["service_type"],
        bay=workshop_a["bay"], technician=workshop_a["technician"], starts_at=at(today, 9), ends_at=at(today, 10), status="arrived",
    )  # fmt: skip
    rows = welcome_board(store_id=customer_a.store_id, day=today)
    assert [(r.name, r.plate, r.arrived) for r in rows] == [("张**", "粤B·****45", True)]
    assert customer_a.name not in str(rows) and vehicle_a.plate not in str(rows)
    assert mask_name("欧阳娜娜", "F") == "欧女士" and mask_plate("粤B12345") == "粤B·***45"
    assert appointment.pk


def test_fulfilment_kpi_counts_kept_over_booked_per_store_and_advisor(advisor_alice, customer_a, workshop_a, day, group, store_a):
    other = make_user("ann", Role.ADVISOR, group, [store_a])
    kept = book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 9))
    book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 10))  # still booked: not kept
    late_cancel = book(other, customer_a, workshop_a["service_type"], at(day, 11))
    early_cancel = book(other, customer_a, workshop_a["service_type"], at(day, 12))
    appointment_check_in(user=advisor_alice, appointment=kept)
    appointment_cancel(user=other, appointment=early_cancel)  # cancelled before the day: not counted
    with later(at(day, 8)):
        appointment_cancel(user=other, appointment=late_cancel)  # cancelled on the day: counts as not kept
    rows = kpi_appointment_fulfilment_daily(day=day)
    assert rows == [
        {"store_id": store_a.pk, "staff_id": advisor_alice.pk, "numerator": 1, "denominator": 2},
        {"store_id": store_a.pk, "staff_id": other.pk, "numerator": 0, "denominator": 1},
    ]
