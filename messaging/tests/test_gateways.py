"""SMS gateway and WeChat relay over HTTP, against a local server: retries with back-off, nothing lost
while the gateway is down, no double delivery after a crash, and payloads with nothing but the
address and the message (DOMAIN §14)."""

import datetime as dt

import pytest

from customers.services import customer_update
from messaging import services
from messaging.models import OutboxMessage
from messaging.rendering import delivery_key
from messaging.services import channel_address_set, outbox_drain, retry_delay
from messaging.tests.conftest import grant, queue

MINUTE = dt.timedelta(minutes=1)


class Crash(BaseException):
    """The worker dies (killed, power cut): no handler of the drain sees this."""


def status_of(message) -> tuple:
    message.refresh_from_db()
    return message.status, message.attempts


def test_the_sms_payload_is_the_number_and_the_text_only(templates, customer_a, advisor_alice, gateway, noon):
    customer_update(
        user=advisor_alice,
        customer=customer_a,
        id_number="440106199001011234",
        address="广州市天河区体育西路 100 号",
        company="天河车队",
        birthday=dt.date(1990, 1, 1),
    )
    message = queue(customer_a, "reminder:1")
    outbox_drain(now=noon)
    [request] = gateway.requests
    assert request["json"] == {
        "to": "+8613812341234",
        "text": "【华南汽车】尊敬的张三，您的爱车粤BD12345将于2026年12月1日到保养时间，预约电话020-88886666。",
    }
    assert request["headers"]["Idempotency-Key"] == delivery_key("reminder:1")
    raw = request["raw"].decode() + str(request["headers"])
    for personal in ("440106199001011234", "体育西路", "天河车队", "1990", "reminder:1"):
        assert personal not in raw
    assert status_of(message) == ("sent", 0)
    assert message.provider_message_id == "gw-0"


def test_the_wechat_payload_is_openid_template_and_variables(templates, customer_a, advisor_alice, gateway, noon):
    grant(advisor_alice, customer_a, "wechat")
    channel_address_set(user=advisor_alice, customer=customer_a, channel="wechat", address="oX1a2b3c4d")
    gateway.answer = {"errcode": 0, "msgid": 200228332}
    message = queue(customer_a, "m:1", purpose="marketing", channel="wechat")
    outbox_drain(now=noon)
    assert gateway.requests[0]["json"] == {
        "openid": "oX1a2b3c4d",
        "template_id": "TPL-WINTER",
        "data": {"name": {"value": "张三"}, "store_name": {"value": "A店"}, "remark": {"value": "回T退订"}},
    }
    message.refresh_from_db()
    assert (message.status, message.provider_message_id) == ("sent", "200228332")


@pytest.mark.parametrize(("errcode", "status"), [(-1, "queued"), (43004, "failed")])
def test_wechat_busy_is_retried_and_a_refusal_is_final(templates, customer_a, advisor_alice, gateway, noon, errcode, status):
    channel_address_set(user=advisor_alice, customer=customer_a, channel="wechat", address="oX1a2b3c4d")
    gateway.answer = {"errcode": errcode}
    message = queue(customer_a, "s:1", channel="wechat")
    outbox_drain(now=noon)
    assert status_of(message) == (status, 1)


def test_a_5xx_is_retried_with_exponential_back_off_until_it_fails(templates, customer_a, gateway, noon, settings):
    settings.MESSAGING_MAX_ATTEMPTS = 4
    gateway.fail_with = 503
    message = queue(customer_a, "s:2")
    now = noon
    for attempt, delay in [(1, 1), (2, 2), (3, 4)]:
        outbox_drain(now=now)
        message.refresh_from_db()
        assert (message.status, message.attempts, message.last_error) == ("queued", attempt, "网关返回 HTTP 503")
        assert message.next_attempt_at == now + delay * MINUTE
        assert outbox_drain(now=message.next_attempt_at - dt.timedelta(seconds=1)) == 0
        now = message.next_attempt_at
    outbox_drain(now=now)
    assert status_of(message) == ("failed", 4)


def test_the_back_off_doubles_up_to_an_hour():
    assert [retry_delay(n) // MINUTE for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_a_4xx_fails_at_once(templates, customer_a, gateway, noon):
    gateway.fail_with = 400
    message = queue(customer_a, "s:3")
    outbox_drain(now=noon)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("failed", 1, "网关返回 HTTP 400")


def test_while_the_gateway_is_down_messages_wait_and_each_arrives_once_it_is_back(
    templates, customer_a, customer_b, gateway, noon
):
    customer_b.store.sms_signature, customer_b.store.phone = "华南汽车", "0755-66668888"
    customer_b.store.save()
    messages = [queue(customer_a, "s:4"), queue(customer_a, "s:5"), queue(customer_b, "s:6")]
    gateway.stop()
    assert outbox_drain(now=noon) == 3
    assert [status_of(m) for m in messages] == [("queued", 1)] * 3
    assert messages[0].last_error.startswith("网关不可达")
    gateway.start()
    outbox_drain(now=noon + MINUTE)
    outbox_drain(now=noon + 10 * MINUTE)
    assert [status_of(m) for m in messages] == [("sent", 1)] * 3
    assert len(gateway.requests) == len(gateway.delivered) == 3


def test_a_crash_after_the_gateway_accepted_does_not_text_the_customer_twice(
    templates, customer_a, gateway, noon, monkeypatch, settings
):
    message = queue(customer_a, "s:7")

    def crash(*args):
        raise Crash

    monkeypatch.setattr(services, "_mark_sent", crash)
    with pytest.raises(Crash):
        outbox_drain(now=noon)
    monkeypatch.undo()
    assert status_of(message) == ("sending", 0)
    assert outbox_drain(now=noon + MINUTE) == 0  # the lease still runs
    lease = dt.timedelta(seconds=settings.MESSAGING_LEASE_SECONDS)
    assert outbox_drain(now=noon + lease) == 1
    assert status_of(message) == ("sent", 1)
    first, second = gateway.requests
    assert first["headers"]["Idempotency-Key"] == second["headers"]["Idempotency-Key"]
    assert len(gateway.delivered) == 1


def test_a_message_that_keeps_killing_workers_ends_failed(templates, customer_a, gateway, noon, settings):
    settings.MESSAGING_MAX_ATTEMPTS = 2
    message = queue(customer_a, "s:8")
    OutboxMessage.objects.filter(pk=message.pk).update(status="sending", attempts=1, next_attempt_at=noon)
    outbox_drain(now=noon)
    assert status_of(message) == ("failed", 2)
    assert gateway.requests == []
