from unittest import mock

from django.test import Client
from django.utils import timezone

from appointments.models import Appointment, AppointmentPart, WalkIn
from appointments.services import appointment_book
from appointments.tests.conftest import at


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_day_view_shows_free_and_taken_cells_and_the_list(advisor_alice, customer_a, workshop_a, day):
    appointment_book(user=advisor_alice, customer=customer_a, service_type=workshop_a["service_type"], starts_at=at(day, 10))
    page = logged_in(advisor_alice).get(f"/appointments/?date={day}").content.decode()
    assert "appt-taken" in page and "appt-free" in page and customer_a.name in page and "1号工位" in page


def test_booking_form_books_from_the_customer_page(advisor_alice, customer_a, vehicle_a, workshop_a, day):
    client = logged_in(advisor_alice)
    assert "预约" in client.get(f"/appointments/customer/{customer_a.pk}/card/").content.decode()
    form = client.get(f"/appointments/new/?customer={customer_a.pk}")
    assert form.status_code == 200 and "电话预约话术" in form.content.decode()
    slots = client.get(f"/appointments/slots/?date={day}&service_type={workshop_a['service_type'].pk}").content.decode()
    assert at(day, 10).isoformat() in slots
    body = {
        "customer": customer_a.pk,
        "service_type": workshop_a["service_type"].pk,
        "vehicle": vehicle_a.pk,
        "date": day,
        "starts_at": at(day, 10).isoformat(),
        "channel": "phone",
        "part_name": "刹车片",
        "part_quantity": 1,
        "part_unit_price": "300",
        "part_lead_days": 1,
    }
    response = client.post("/appointments/new/", body)
    appointment = Appointment.objects.get()
    assert response.status_code == 302 and appointment.channel == "phone"
    assert AppointmentPart.objects.get().status == "ordered"
    again = client.post("/appointments/new/", body)
    assert again.status_code == 409 and "已被预约" in again.content.decode()
    bad = client.post("/appointments/new/", {**body, "starts_at": "nonsense"})
    assert bad.status_code == 422 and "请选择一个空闲时段" in bad.content.decode()
    detail = client.get(f"/appointments/{appointment.pk}/").content.decode()
    assert "登记到货" in detail and "改约" in detail


def test_actions_from_the_detail_page(advisor_alice, customer_a, workshop_a, day):
    appointment = appointment_book(
        user=advisor_alice, customer=customer_a, service_type=workshop_a["service_type"], starts_at=at(day, 10)
    )
    client = logged_in(advisor_alice)
    client.post(f"/appointments/{appointment.pk}/reschedule/", {"date": day, "starts_at": at(day, 14).isoformat()})
    appointment.refresh_from_db()
    assert appointment.starts_at == at(day, 14)
    client.post(f"/appointments/{appointment.pk}/check-in/")
    appointment.refresh_from_db()
    assert appointment.status == "arrived"
    response = client.post(f"/appointments/{appointment.pk}/no-show/", follow=True)
    assert "不能改为" in response.content.decode()


def test_walk_in_page_registers_with_an_estimate(advisor_alice, workshop_a):
    with mock.patch("django.utils.timezone.now", return_value=at(timezone.localdate(), 9)):  # the store is open
        client = logged_in(advisor_alice)
        form = {"name": "陈先生", "plate": "", "service_type": workshop_a["service_type"].pk}
        assert client.post("/appointments/walk-ins/", form).status_code == 302
        walk_in = WalkIn.objects.get()
        assert "预计 09:00 开始服务" in client.get("/appointments/walk-ins/").content.decode()
        client.post(f"/appointments/walk-ins/{walk_in.pk}/close/", {"status": "served"})
    assert WalkIn.objects.get().status == "served"


def test_welcome_board_refreshes_and_shows_no_pii(advisor_alice, customer_a, vehicle_a, workshop_a):
    today = timezone.localdate()
    Appointment.objects.create(
        store=customer_a.store, customer=customer_a, vehicle=vehicle_a, service_type=workshop_a["service_type"],
        bay=workshop_a["bay"], technician=workshop_a["technician"], starts_at=at(today, 23), ends_at=at(today, 23, 45),
    )  # fmt: skip
    client = logged_in(advisor_alice)
    page = client.get("/appointments/board/").content.decode()
    assert 'hx-trigger="every 30s"' in page and "张*" in page
    assert customer_a.name not in page and vehicle_a.plate not in page and "12345" not in page
    assert "张*" in client.get("/appointments/board/rows/").content.decode()


def test_other_stores_pages_are_404(advisor_bob, customer_a, workshop_a, day, advisor_alice):
    appointment = appointment_book(
        user=advisor_alice, customer=customer_a, service_type=workshop_a["service_type"], starts_at=at(day, 10)
    )
    client = logged_in(advisor_bob)
    assert client.get(f"/appointments/{appointment.pk}/").status_code == 404
    assert client.get(f"/appointments/customer/{customer_a.pk}/card/").status_code == 404
    assert client.post(f"/appointments/{appointment.pk}/cancel/").status_code == 404
