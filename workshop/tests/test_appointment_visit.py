"""A booked customer arrives: the order is opened from the appointment (checked in), work starts it
(in service) and delivery completes it — through the appointments services."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from appointments.models import Appointment, ServiceBay, ServiceType
from workshop import services
from workshop.models import RepairOrder
from workshop.tests.conftest import open_order, plan_order


@pytest.fixture
def appointment(store_a, customer_a, vehicle_a, technician_tom, advisor_alice):
    service_type = ServiceType.objects.create(
        store=store_a, code="repair", name="维修", labour_minutes=60, required_skill="mechanical", bay_kind="lift"
    )
    bay = ServiceBay.objects.create(store=store_a, name="1号工位", kind="lift")
    start = timezone.now().replace(second=0, microsecond=0)
    return Appointment.objects.create(
        store=store_a,
        customer=customer_a,
        vehicle=vehicle_a,
        service_type=service_type,
        bay=bay,
        technician=technician_tom,
        advisor=advisor_alice,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )


def test_the_appointment_follows_the_order(advisor_alice, vehicle_a, technician_tom, leader_lee, appointment):
    order = open_order(advisor_alice, vehicle_a, appointment=appointment)
    appointment.refresh_from_db()
    assert appointment.status == "arrived"
    assert order.technician == technician_tom and order.bay_id == appointment.bay_id
    assert order.service_type_id == appointment.service_type_id
    plan_order(advisor_alice, order)
    services.repair_order_approve(user=advisor_alice, order=order, method="signature")
    services.repair_order_start(user=technician_tom, order=order)
    appointment.refresh_from_db()
    assert appointment.status == "in_service"
    services.repair_order_submit_qc(user=technician_tom, order=order)
    for user, level in ((technician_tom, 1), (leader_lee, 2), (advisor_alice, 3)):
        services.repair_order_qc_record(user=user, order=order, level=level, passed=True)
    services.repair_order_deliver(user=advisor_alice, order=order, old_parts_shown=True)
    appointment.refresh_from_db()
    assert appointment.status == "completed"


def test_a_cancelled_order_frees_the_appointment_for_a_new_one(advisor_alice, vehicle_a, appointment):
    order = open_order(advisor_alice, vehicle_a, appointment=appointment)
    services.repair_order_cancel(user=advisor_alice, order=order, reason="开错")
    again = open_order(advisor_alice, vehicle_a, appointment=appointment, km=12_001)
    assert again.appointment_id == appointment.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        RepairOrder.objects.filter(pk=order.pk).update(state="draft")  # the database allows one live order per appointment
