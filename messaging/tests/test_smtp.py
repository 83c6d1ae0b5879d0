"""E-mail through a real SMTP server (aiosmtpd on 127.0.0.1) with Django's SMTP backend."""

from email import message_from_bytes
from email.header import decode_header, make_header

import pytest

from core.errors import InvalidInput
from messaging.rendering import delivery_key
from messaging.services import channel_address_set, outbox_drain
from messaging.tests.conftest import queue


def test_it_sends_the_email_with_a_message_id_derived_from_the_idempotency_key(
    templates, customer_a, advisor_alice, smtp_server, noon
):
    channel_address_set(user=advisor_alice, customer=customer_a, channel="email", address=" ZhangSan@Example.com ")
    message = queue(customer_a, "reminder:1", channel="email")
    outbox_drain(now=noon)
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["zhangsan@example.com"]
    email = message_from_bytes(envelope.content)
    assert str(make_header(decode_header(email["Subject"]))) == "保养提醒"
    assert "尊敬的张三" in email.get_payload(decode=True).decode()
    message.refresh_from_db()
    assert message.status == "sent"
    assert email["Message-ID"].strip() == message.provider_message_id == f"<{delivery_key('reminder:1')}@pitstop>"


def test_a_refused_recipient_fails(templates, customer_a, advisor_alice, smtp_server, noon):
    channel_address_set(user=advisor_alice, customer=customer_a, channel="email", address="nobody@example.com")
    smtp_server.refuse = "550 5.1.1 no such user"
    message = queue(customer_a, "s:1", channel="email")
    outbox_drain(now=noon)
    message.refresh_from_db()
    assert (message.status, message.last_error) == ("failed", "收件人被拒绝（SMTP 550）")


def test_a_busy_smtp_server_is_retried(templates, customer_a, advisor_alice, smtp_server, noon):
    channel_address_set(user=advisor_alice, customer=customer_a, channel="email", address="a@example.com")
    smtp_server.refuse = "451 4.3.0 try later"
    message = queue(customer_a, "s:2", channel="email")
    outbox_drain(now=noon)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("queued", 1, "收件人被拒绝（SMTP 451）")


def test_an_unreachable_smtp_server_is_retried(templates, customer_a, advisor_alice, smtp_server, noon, settings):
    channel_address_set(user=advisor_alice, customer=customer_a, channel="email", address="a@example.com")
    settings.EMAIL_PORT = 1  # nothing listens there
    message = queue(customer_a, "s:3", channel="email")
    outbox_drain(now=noon)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.last_error.startswith("邮件服务器不可达")


@pytest.mark.parametrize(("channel", "address"), [("email", "not-an-address"), ("wechat", ""), ("sms", "13812341234")])
def test_a_malformed_address_is_refused(customer_a, advisor_alice, channel, address):
    with pytest.raises(InvalidInput):
        channel_address_set(user=advisor_alice, customer=customer_a, channel=channel, address=address)
