"""Replies (DOMAIN §14: opt-out honoured everywhere, at once) and the messaging API."""

import json

import pytest

from customers.models import Consent, ConsentEvent
from customers.services import customer_create
from messaging.models import InboundMessage
from messaging.services import channel_address_set, inbound_receive
from messaging.tests.conftest import grant, queue

pytestmark = pytest.mark.urls("messaging.tests.urls")
SECRET = "gateway-shared-secret"


@pytest.fixture
def same_person_in_store_b(advisor_bob):
    return customer_create(user=advisor_bob, name="张三", mobile="13812341234")


@pytest.mark.parametrize("body", ["T", " td ", "退订", "Ｔ", "t\n"])
def test_a_t_reply_opts_every_customer_with_that_mobile_out_at_once(
    body, customer_a, same_person_in_store_b, advisor_alice, advisor_bob
):
    grant(advisor_alice, customer_a, "marketing_sms")
    grant(advisor_bob, same_person_in_store_b, "marketing_sms")
    reply = inbound_receive(channel="sms", sender="+86 138-1234-1234", body=body)
    assert reply.action == "已退订营销短信（2 位客户）"
    for customer in (customer_a, same_person_in_store_b):
        assert Consent.objects.get(customer=customer, purpose="marketing_sms").granted is False
        event = ConsentEvent.objects.filter(customer=customer).latest("recorded_at")
        assert (event.granted, event.source, event.recorded_by) == (False, "短信回复退订", None)


def test_other_replies_are_kept_without_changing_consent(customer_a, advisor_alice):
    grant(advisor_alice, customer_a, "marketing_sms")
    reply = inbound_receive(channel="sms", sender="13812341234", body="好的，谢谢")
    assert (reply.action, reply.body) == ("无需处理", "好的，谢谢")
    assert Consent.objects.get(customer=customer_a, purpose="marketing_sms").granted is True


def test_an_opt_out_from_an_unknown_number_is_recorded(db):
    assert inbound_receive(channel="sms", sender="13900001111", body="T").action == "退订：未找到对应客户"
    assert inbound_receive(channel="sms", sender="not a number", body="T").action == "退订：未找到对应客户"


def test_a_wechat_t_withdraws_the_wechat_consent(customer_a, advisor_alice):
    grant(advisor_alice, customer_a, "wechat")
    channel_address_set(user=advisor_alice, customer=customer_a, channel="wechat", address="oX1a2b3c4d")
    assert inbound_receive(channel="wechat", sender="oX1a2b3c4d", body="退订").action == "已退订微信（1 位客户）"
    assert Consent.objects.get(customer=customer_a, purpose="wechat").granted is False


def post_inbound(client, payload: dict, secret: str | None = SECRET):
    headers = {"HTTP_X_INBOUND_SECRET": secret} if secret is not None else {}
    return client.post("/api/messaging/inbound", json.dumps(payload), content_type="application/json", **headers)


def test_the_webhook_takes_a_reply_with_the_shared_secret(client, settings, customer_a):
    settings.MESSAGING_INBOUND_SECRET = SECRET
    response = post_inbound(client, {"channel": "sms", "sender": "13812341234", "body": "T"})
    assert response.status_code == 200
    assert response.json() == {"id": InboundMessage.objects.get().id, "action": "已退订营销短信（1 位客户）"}


@pytest.mark.parametrize(("configured", "sent"), [(SECRET, "wrong"), (SECRET, None), ("", ""), ("", None)])
def test_the_webhook_refuses_a_wrong_or_missing_secret(client, settings, db, configured, sent):
    settings.MESSAGING_INBOUND_SECRET = configured
    response = post_inbound(client, {"channel": "sms", "sender": "13812341234", "body": "T"}, secret=sent)
    assert response.status_code == 401
    assert response.json() == {"detail": "未登录或令牌无效", "errors": {}}
    assert not InboundMessage.objects.exists()


def test_the_webhook_refuses_an_unknown_channel(client, settings, db):
    settings.MESSAGING_INBOUND_SECRET = SECRET
    response = post_inbound(client, {"channel": "fax", "sender": "1", "body": "T"})
    assert response.status_code == 422 and "channel" in response.json()["errors"]


def test_the_outbox_list_shows_only_the_callers_stores(api_alice, api_bob, templates, customer_a):
    message = queue(customer_a, "reminder:1")
    queue(customer_a, "m:1", purpose="marketing")
    page = api_alice.get(f"/api/messaging/outbox?customer_id={customer_a.id}&status=queued").json()
    assert [item["id"] for item in page["items"]] == [message.id] and page["count"] == 1
    assert page["items"][0]["template_code"] == "service_due" and "variables" not in page["items"][0]
    assert api_alice.get("/api/messaging/outbox").json()["count"] == 2
    assert api_bob.get(f"/api/messaging/outbox?customer_id={customer_a.id}").json()["count"] == 0


def test_the_outbox_list_needs_a_token_and_a_known_status(client, api_alice, db):
    assert client.get("/api/messaging/outbox").status_code == 401
    assert api_alice.get("/api/messaging/outbox?status=lost").status_code == 422
