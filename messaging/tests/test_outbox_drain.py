"""The sender (DOMAIN §4, §14): consent and opt-out checked again at send time, quiet hours delay,
the marketing frequency cap, one claim per row even with several workers."""

import datetime as dt
import json
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

from customers.services import customer_create
from messaging.models import MessageTemplate, OutboxMessage
from messaging.services import inbound_receive, outbox_drain
from messaging.tasks import outbox_drain_job
from messaging.tests.conftest import grant, queue


@pytest.fixture
def outbox_file(settings, tmp_path):
    settings.MESSAGING_SMS_BACKEND = settings.MESSAGING_EMAIL_BACKEND = "file"
    settings.MESSAGING_FILE_PATH = str(tmp_path / "outbox.jsonl")
    return tmp_path / "outbox.jsonl"


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def at(day: dt.datetime, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(day), dt.time(hour, minute)))


def test_it_sends_a_due_message_and_marks_it_sent(templates, customer_a, outbox_file, noon):
    message = queue(customer_a, "reminder:1")
    assert outbox_drain_job(now=noon) == 1
    message.refresh_from_db()
    assert (message.status, message.sent_at, message.attempts) == ("sent", noon, 0)
    [line] = lines(outbox_file)
    assert line["to"] == "+8613812341234" and line["text"].startswith("【华南汽车】尊敬的张三")
    assert message.provider_message_id == line["id"]


def test_a_message_not_yet_due_waits(templates, customer_a, outbox_file, noon):
    queue(customer_a, "reminder:2", send_after=noon + dt.timedelta(hours=2))
    assert outbox_drain(now=noon) == 0
    assert outbox_drain(now=noon + dt.timedelta(hours=2)) == 1


def test_an_opt_out_after_queueing_suppresses_at_send_time(templates, customer_a, advisor_alice, outbox_file, noon):
    grant(advisor_alice, customer_a, "marketing_sms")
    message = queue(customer_a, "m:1", purpose="marketing")
    assert message.status == "queued"
    inbound_receive(channel="sms", sender="138 1234 1234", body="T")
    outbox_drain(now=noon)
    message.refresh_from_db()
    assert (message.status, message.suppressed_reason) == ("suppressed", "无营销授权（营销短信）")
    assert lines(outbox_file) == []


def test_a_service_opt_out_after_queueing_suppresses_at_send_time(templates, customer_a, advisor_alice, outbox_file, noon):
    message = queue(customer_a, "s:1")
    grant(advisor_alice, customer_a, "service_reminders", granted=False)
    outbox_drain(now=noon)
    message.refresh_from_db()
    assert (message.status, message.suppressed_reason) == ("suppressed", "客户已退订服务提醒")


def test_quiet_hours_delay_a_message_until_they_end_without_suppressing_it(templates, customer_a, outbox_file, noon):
    message = queue(customer_a, "s:2")
    late = at(noon, 23)
    assert outbox_drain(now=late) == 1
    message.refresh_from_db()
    assert (message.status, message.suppressed_reason, message.attempts) == ("queued", "", 0)
    assert message.next_attempt_at == at(noon + dt.timedelta(days=1), 8)
    assert outbox_drain(now=at(noon + dt.timedelta(days=1), 7, 59)) == 0
    outbox_drain(now=message.next_attempt_at)
    message.refresh_from_db()
    assert message.status == "sent" and len(lines(outbox_file)) == 1


def test_the_marketing_cap_stops_the_fifth_message_in_seven_days(templates, customer_a, advisor_alice, outbox_file, noon):
    grant(advisor_alice, customer_a, "marketing_sms")
    for n in range(5):
        queue(customer_a, f"m:{n}", purpose="marketing")
    outbox_drain(now=noon)
    statuses = list(OutboxMessage.objects.order_by("id").values_list("status", "suppressed_reason"))
    assert statuses == [("sent", "")] * 4 + [("suppressed", "营销频次已达上限（7 天内 4 条）")]
    # already at the cap when queued: recorded as suppressed at once
    assert queue(customer_a, "m:5", purpose="marketing").status == "suppressed"
    # a week later there is room again; service notices never count
    assert queue(customer_a, "s:3").status == "queued"
    later = queue(customer_a, "m:6", purpose="marketing", send_after=noon + dt.timedelta(days=7, hours=1))
    outbox_drain(now=noon + dt.timedelta(days=7, hours=1))
    later.refresh_from_db()
    assert later.status == "sent"


def test_the_console_backend_masks_the_recipient(templates, customer_a, noon, capsys):
    queue(customer_a, "s:4")
    outbox_drain(now=noon)
    printed = capsys.readouterr().out
    assert "138****1234" in printed and "13812341234" not in printed


def test_a_message_whose_template_was_removed_fails_with_the_reason(templates, customer_a, outbox_file, noon):
    message = queue(customer_a, "s:5")
    MessageTemplate.objects.filter(code="service_due").delete()
    outbox_drain(now=noon)
    message.refresh_from_db()
    assert (message.status, message.last_error) == ("failed", "未找到消息模板")


def test_rows_inserted_by_set_based_sql_are_checked_and_rendered_at_send_time(templates, customer_a, outbox_file, noon):
    """The reminder batch writes outbox rows with INSERT … SELECT (no message_queue): ISO dates and an
    extra name copy are fine; the name on the message is the archive's."""
    OutboxMessage.objects.create(
        store_id=customer_a.store_id,
        customer=customer_a,
        channel="sms",
        purpose="service",
        template_code="service_due",
        variables={"name": "旧名字", "plate": "粤BD12345", "due_date": "2026-12-01"},
        idempotency_key="reminder:sql",
        next_attempt_at=noon,
    )
    outbox_drain(now=noon)
    [line] = lines(outbox_file)
    assert "尊敬的张三" in line["text"] and "2026年12月1日" in line["text"]


def test_a_misconfigured_backend_stops_the_drain_before_it_claims_anything(templates, customer_a, noon, settings):
    message = queue(customer_a, "s:6")
    settings.MESSAGING_SMS_BACKEND = "pigeon"
    with pytest.raises(ImproperlyConfigured, match="MESSAGING_SMS_BACKEND"):
        outbox_drain(now=noon)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database; SQLite serialises writers")
def test_several_workers_send_each_message_exactly_once(templates, advisor_alice, outbox_file, noon):
    customers = [customer_create(user=advisor_alice, name=f"客户{n}", mobile=f"1390000{n:04d}") for n in range(60)]
    for customer in customers:
        queue(customer, f"s:{customer.id}")

    def worker():
        outbox_drain(now=noon, batch=7)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    keys = [line["idempotency_key"] for line in lines(outbox_file)]
    assert len(keys) == len(set(keys)) == 60
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
