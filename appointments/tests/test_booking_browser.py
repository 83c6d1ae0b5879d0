"""Done-when of issue 5 (appointments half): a customer books a real free slot on the H5 page on a
phone in Debian's Chromium, and the welcome board in the lobby shows it, masked."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from appointments.models import Appointment
from appointments.tests.conftest import at
from messaging.models import OutboxMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_books_on_the_phone_and_the_welcome_board_shows_it(
    live_server, browser_page, advisor_alice, customer_a, vehicle_a, workshop_a, store_a
):
    today = timezone.localdate()
    with mock.patch("django.utils.timezone.now", return_value=at(today, 8)):  # before opening: the whole day is free
        page = browser_page
        page.set_viewport_size({"width": 375, "height": 740})
        page.goto(f"{live_server.url}/book/{store_a.code}/")
        page.fill("input[name=mobile]", "13812341234")
        page.click("text=获取验证码")
        page.wait_for_selector("input[name=code]")
        code = OutboxMessage.objects.get(template_code="appointment_code").variables["topic"]
        page.fill("input[name=code]", code)
        page.click("text=验证并预约")
        page.select_option("#id_service_type", str(workshop_a["service_type"].pk))
        slot = f"input[name=starts_at][value='{at(today, 10).isoformat()}']"
        page.wait_for_selector(slot)
        page.check(slot)
        page.click("text=提交预约")
        page.wait_for_selector("[data-testid=my-appointment]")
        appointment = Appointment.objects.get()
        assert appointment.starts_at == at(today, 10) and appointment.channel == "self_service"

        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", advisor_alice.username)
        page.fill("input[name=password]", "pw-secret-1")
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        page.goto(f"{live_server.url}/appointments/board/")
        row = page.locator("table.appt-board-table tbody tr").first
        assert "10:00" in row.inner_text() and "张*" in row.inner_text() and "常规保养" in row.inner_text()
        assert customer_a.name not in page.content() and "12345" not in page.content()
        assert dt.timedelta(0) < appointment.ends_at - appointment.starts_at
