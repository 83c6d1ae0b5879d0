"""Reminders carry "book online" (DOMAIN §5): {booking_link} in a template becomes the customer's
signed self-booking link when the message is sent, and that link opens their booking page."""

import re

import pytest

from appointments.links import customer_for_token
from core.errors import InvalidInput
from messaging.rendering import clean_variables, render_message, template_text_errors
from messaging.selectors import template_resolve
from messaging.services import message_queue
from reminders.services import reminder_templates_ensure


@pytest.fixture
def service_due_message(store_a, customer_a):
    store_a.phone, store_a.sms_signature = "020-88886666", "华南汽车"
    store_a.save()
    reminder_templates_ensure()
    return message_queue(
        store_id=store_a.pk,
        customer=customer_a,
        channel="sms",
        purpose="service",
        template_code="service_due",
        variables={"plate": "粤BD12345", "due_date": "2026-12-01"},
        idempotency_key="reminder:1",
    )


def test_the_service_due_reminder_links_to_the_customers_own_booking_page(service_due_message, customer_a, client):
    template = template_resolve(store_id=customer_a.store_id, code="service_due", channel="sms")
    text = render_message(service_due_message, template=template, recipient="+8613812341234").text
    found = re.search(r"https://pitstop\.example\.cn/book/s/(\S+)/ ", text)
    assert found, text
    assert customer_for_token(found.group(1)) == customer_a
    response = client.get(f"/book/s/{found.group(1)}/")
    assert response.status_code == 302 and response["Location"] == f"/book/{customer_a.store.code}/"


@pytest.mark.django_db
def test_managers_may_use_the_link_in_templates_but_callers_cannot_pass_it():
    assert template_text_errors("欢迎预约：{booking_link}", channel="sms") == []
    with pytest.raises(InvalidInput) as exc:
        clean_variables({"booking_link": "https://evil.example"})
    assert "自动填写" in exc.value.errors["variables.booking_link"]
