import datetime as dt

import pytest
from django.utils import timezone

from appointments.models import Appointment, ServiceBay, ServiceType, SlotClaim, TechnicianProfile
from appointments.services import appointment_book, appointment_cancel, appointment_reschedule
from appointments.tests.conftest import at
from core.errors import Conflict, InvalidInput
from messaging.models import OutboxMessage


def book(user, customer, service_type, starts_at, **extra):
    return appointment_book(user=user, customer=customer, service_type=service_type, starts_at=starts_at, **extra)


def test_it_books_a_slot_and_claims_bay_and_technician_granules(advisor_alice, customer_a, workshop_a, day):
    appointment = book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 10))
    assert appointment.status == "booked"
    assert appointment.ends_at == at(day, 11)
    assert appointment.bay == workshop_a["bay"] and appointment.technician == workshop_a["technician"]
    assert appointment.advisor == advisor_alice
    assert SlotClaim.objects.filter(appointment=appointment).count() == 8  # 4 granules × (bay + technician)
    message = OutboxMessage.objects.get(idempotency_key=f"appointment:{appointment.pk}:confirmed")
    assert message.template_code == "appointment_confirmed" and message.status == "queued"


def test_it_refuses_a_taken_slot_with_a_clear_conflict(advisor_alice, customer_a, workshop_a, day):
    book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 10))
    with pytest.raises(Conflict) as caught:
        book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 10, 30))
    assert "已被预约" in caught.value.detail
    assert Appointment.objects.count() == 1


def test_adjacent_half_open_slots_both_succeed(advisor_alice, customer_a, workshop_a, day):
    first = book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 10))
    second = book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 11))
    assert first.ends_at == second.starts_at
    assert first.bay_id == second.bay_id and first.technician_id == second.technician_id


@pytest.mark.parametrize(
    ("moment", "field_message"),
    [
        (lambda day: timezone.now() - dt.timedelta(hours=1), "过去"),
        (lambda day: at(day, 7), "营业时间"),
        (lambda day: at(day, 17, 30), "营业时间"),  # 60 minutes would end after 18:00
        (lambda day: at(day, 10, 10), "整刻钟"),
        (lambda day: at(day + dt.timedelta(days=60), 10), "天内"),
    ],
)
def test_it_refuses_bad_times_with_field_messages_and_changes_nothing(
    advisor_alice, customer_a, workshop_a, day, moment, field_message
):
    with pytest.raises(InvalidInput) as caught:
        book(advisor_alice, customer_a, workshop_a["service_type"], moment(day))
    assert field_message in caught.value.errors["starts_at"]
    assert not Appointment.objects.exists() and not SlotClaim.objects.exists()


def test_it_needs_a_suitable_bay_and_a_qualified_technician(advisor_alice, customer_a, workshop_a, day, store_a):
    ev = ServiceType.objects.create(
        store=store_a,
        code="ev_battery",
        name="电池检测",
        labour_minutes=45,
        required_skill="ev_high_voltage",
        bay_kind="ev_high_voltage",
    )
    with pytest.raises(Conflict):
        book(advisor_alice, customer_a, ev, at(day, 10))  # neither an EV bay nor an EV technician
    ServiceBay.objects.create(store=store_a, name="新能源工位", kind="ev_high_voltage")
    with pytest.raises(Conflict):
        book(advisor_alice, customer_a, ev, at(day, 10))  # a bay, but no qualified technician
    TechnicianProfile.objects.filter(user=workshop_a["technician"]).update(skills=["maintenance", "ev_high_voltage"])
    appointment = book(advisor_alice, customer_a, ev, at(day, 10))
    assert appointment.bay.kind == "ev_high_voltage" and appointment.ends_at == at(day, 10, 45)


def test_cancel_frees_the_slot(advisor_alice, customer_a, workshop_a, day):
    first = book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 10))
    appointment_cancel(user=advisor_alice, appointment=first, reason="客户临时有事")
    assert not SlotClaim.objects.filter(appointment=first).exists()
    assert book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 10)).pk != first.pk


def test_reschedule_onto_a_taken_slot_keeps_the_old_booking(advisor_alice, customer_a, workshop_a, day):
    first = book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 10))
    second = book(advisor_alice, customer_a, workshop_a["service_type"], at(day, 12))
    with pytest.raises(Conflict):
        appointment_reschedule(user=advisor_alice, appointment=second, starts_at=at(day, 10, 30))
    second.refresh_from_db()
    assert second.starts_at == at(day, 12) and SlotClaim.objects.filter(appointment=second).count() == 8
    moved = appointment_reschedule(user=advisor_alice, appointment=second, starts_at=at(day, 14))
    assert moved.starts_at == at(day, 14) and moved.reschedule_count == 1
    assert first.pk != moved.pk
    assert OutboxMessage.objects.filter(idempotency_key=f"appointment:{moved.pk}:rescheduled:1").exists()
