import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from appointments.links import self_booking_token
from appointments.models import Appointment, BookingCode
from appointments.selfbooking import TooManyRequests, booking_code_send, booking_code_verify
from appointments.tests.conftest import at
from core.errors import InvalidInput
from messaging.models import OutboxMessage


def sent_code(customer) -> str:
    message = OutboxMessage.objects.filter(customer=customer, template_code="appointment_code").latest("id")
    return message.variables["topic"]


def test_a_code_is_texted_to_a_known_customer_and_stored_only_as_a_digest(customer_a, store_a, templates):
    booking_code_send(store=store_a, mobile="138 1234 1234")
    code = sent_code(customer_a)
    assert re.fullmatch(r"\d{6}", code)
    assert code not in BookingCode.objects.get().code_hash
    assert booking_code_verify(store=store_a, mobile="13812341234", code=code) == customer_a
    with pytest.raises(InvalidInput):
        booking_code_verify(store=store_a, mobile="13812341234", code=code)  # used once only


def test_an_unknown_mobile_gets_the_same_answer_and_no_message(store_a, templates):
    booking_code_send(store=store_a, mobile="13700000000")
    assert not OutboxMessage.objects.exists()
    with pytest.raises(InvalidInput):
        booking_code_verify(store=store_a, mobile="13700000000", code="000000")


def test_codes_are_rate_limited_expire_and_cap_attempts(customer_a, store_a, templates):
    booking_code_send(store=store_a, mobile="13812341234")
    with pytest.raises(TooManyRequests):
        booking_code_send(store=store_a, mobile="13812341234")  # within 60 s
    code = sent_code(customer_a)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(InvalidInput):
            booking_code_verify(store=store_a, mobile="13812341234", code=wrong)
    with pytest.raises(InvalidInput) as caught:
        booking_code_verify(store=store_a, mobile="13812341234", code=code)
    assert "次数过多" in caught.value.errors["code"]
    BookingCode.objects.update(
        created_at=timezone.now() - dt.timedelta(minutes=20), expires_at=timezone.now() - dt.timedelta(minutes=10)
    )
    booking_code_send(store=store_a, mobile="13812341234")
    BookingCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(InvalidInput) as caught:
        booking_code_verify(store=store_a, mobile="13812341234", code=sent_code(customer_a))
    assert "失效" in caught.value.errors["code"]


def test_the_h5_page_books_a_real_free_slot_after_the_code(customer_a, vehicle_a, workshop_a, store_a, day):
    browser = Client()
    assert "获取验证码" in browser.get(f"/book/{store_a.code}/").content.decode()
    assert browser.post(f"/book/{store_a.code}/code/", {"mobile": "13812341234"}).status_code == 200
    response = browser.post(f"/book/{store_a.code}/verify/", {"mobile": "13812341234", "code": sent_code(customer_a)})
    assert response.status_code == 302
    slots = browser.get(f"/book/{store_a.code}/slots/?date={day}&service_type={workshop_a['service_type'].pk}").content.decode()
    assert at(day, 10).isoformat() in slots
    body = {
        "vehicle": vehicle_a.pk,
        "service_type": workshop_a["service_type"].pk,
        "date": day,
        "starts_at": at(day, 10).isoformat(),
    }
    assert browser.post(f"/book/{store_a.code}/", body).status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.channel == "self_service" and appointment.vehicle == vehicle_a and appointment.created_by is None
    taken = browser.post(f"/book/{store_a.code}/", body)
    assert taken.status_code == 409 and "已被预约" in taken.content.decode()
    assert (
        at(day, 10).isoformat()
        not in browser.get(f"/book/{store_a.code}/slots/?date={day}&service_type=maintenance").content.decode()
    )


def test_a_signed_link_signs_the_customer_in_and_a_forged_one_does_not(customer_a, workshop_a, store_a):
    browser = Client()
    assert browser.get(f"/book/s/{self_booking_token(customer_a)}x/").status_code == 410
    response = browser.get(f"/book/s/{self_booking_token(customer_a)}/")
    assert response.status_code == 302 and response["Location"] == f"/book/{store_a.code}/"
    assert "提交预约" in browser.get(response["Location"]).content.decode()


def test_slots_need_a_signed_in_customer(store_a, workshop_a, day):
    assert Client().get(f"/book/{store_a.code}/slots/?date={day}&service_type=maintenance").status_code == 404
