"""Queueing (DOMAIN §4): one row per cause ever, committed or rolled back with the change that
caused it; blocked messages are kept as suppressed with the reason (DOMAIN §14)."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from core.errors import InvalidInput
from messaging.models import OutboxMessage
from messaging.services import message_queue
from messaging.tests.conftest import grant, queue
from privacy.services import customer_erase


def test_the_same_idempotency_key_twice_gives_one_row(templates, customer_a):
    first = queue(customer_a, "reminder:1")
    again = queue(customer_a, "reminder:1")
    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 1


def test_the_row_rolls_back_with_the_surrounding_transaction(templates, customer_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue(customer_a, "reminder:2")
        raise RuntimeError("the appointment could not be saved")
    assert not OutboxMessage.objects.exists()


def test_it_stores_the_variables_but_not_the_customers_name(templates, customer_a):
    message = queue(customer_a, "reminder:3")
    assert message.status == "queued"
    assert message.variables == {"plate": "粤BD12345", "due_date": "2026-12-01"}


def test_marketing_without_consent_is_stored_as_suppressed_with_the_reason(templates, customer_a):
    message = queue(customer_a, "m:1", purpose="marketing")
    assert (message.status, message.suppressed_reason) == ("suppressed", "无营销授权（营销短信）")


def test_marketing_with_consent_for_the_channel_is_queued(templates, customer_a, advisor_alice):
    grant(advisor_alice, customer_a, "marketing_sms")
    assert queue(customer_a, "m:2", purpose="marketing").status == "queued"
    assert queue(customer_a, "m:3", purpose="marketing", channel="email").suppressed_reason == "无营销授权（营销邮件）"


def test_a_service_notice_goes_unless_the_customer_said_no(templates, customer_a, advisor_alice):
    assert queue(customer_a, "s:1").status == "queued"
    grant(advisor_alice, customer_a, "service_reminders", granted=False)
    assert queue(customer_a, "s:2").suppressed_reason == "客户已退订服务提醒"


def test_an_erased_customer_gets_nothing(templates, customer_a):
    customer_erase(customer=customer_a, reason="客户要求删除")
    customer_a.refresh_from_db()
    assert queue(customer_a, "s:3").suppressed_reason == "客户信息已匿名化"


def test_wechat_without_an_openid_is_suppressed(templates, customer_a):
    assert queue(customer_a, "w:1", channel="wechat").suppressed_reason == "无微信 openid"


def test_a_message_asked_for_during_quiet_hours_waits_until_they_end(templates, customer_a):
    evening = timezone.make_aware(dt.datetime(2026, 12, 1, 22, 30))
    message = queue(customer_a, "s:4", send_after=evening)
    assert message.status == "queued"
    assert timezone.localtime(message.next_attempt_at) == timezone.make_aware(dt.datetime(2026, 12, 2, 8, 0))


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"template_code": "nope"}, "未找到消息模板"),
        ({"variables": {"plate": "粤BD12345"}}, "缺少模板变量 due_date"),
        ({"purpose": "marketing"}, "模板用途为“服务通知”，与消息用途不符"),
    ],
)
def test_a_template_problem_is_stored_as_failed_without_undoing_the_callers_change(
    templates, customer_a, advisor_alice, change, error
):
    grant(advisor_alice, customer_a, "marketing_sms")
    arguments = {
        "store_id": customer_a.store_id,
        "customer": customer_a,
        "channel": "sms",
        "purpose": "service",
        "template_code": "service_due",
        "variables": {"plate": "粤BD12345", "due_date": "2026-12-01"},
        "idempotency_key": "t",
        **change,
    }
    message = message_queue(**arguments)
    assert (message.status, message.last_error) == ("failed", error)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"variables": {"nickname": "x"}}, "variables.nickname"),
        ({"variables": {"name": "别人"}}, "variables.name"),
        ({"store_id": 0}, "store_id"),
    ],
)
def test_mistakes_of_the_calling_code_are_refused(templates, customer_a, change, field):
    arguments = {
        "store_id": customer_a.store_id,
        "customer": customer_a,
        "channel": "sms",
        "purpose": "service",
        "template_code": "service_due",
        "variables": {"plate": "粤BD12345", "due_date": "2026-12-01"},
        "idempotency_key": "bad",
        **change,
    }
    with pytest.raises(InvalidInput) as error:
        message_queue(**arguments)
    assert field in error.value.errors
