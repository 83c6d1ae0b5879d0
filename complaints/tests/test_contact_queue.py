"""DOMAIN §1 response standards and first-contact ownership: the inbound queue with its clocks."""

import datetime as dt

import pytest
from django.utils import timezone

from complaints.models import Complaint, ContactRequest
from complaints.selectors import contact_queue
from complaints.services import (
    contact_close,
    contact_receive,
    contact_respond,
    contact_take,
    contact_to_complaint,
    contact_transfer,
    sla_escalate_due,
)
from conftest import make_user
from core.errors import Conflict, InvalidInput
from tasks.models import Task


@pytest.mark.parametrize(
    ("channel", "standard"),
    [
        ("online", dt.timedelta(minutes=15)),
        ("app", dt.timedelta(minutes=15)),
        ("wechat", dt.timedelta(minutes=15)),
        ("phone", dt.timedelta(seconds=30)),
        ("walk_in", dt.timedelta(minutes=3)),
        ("social_media", dt.timedelta(hours=2)),
    ],
)
def test_each_channel_has_its_response_standard(advisor_alice, channel, standard):
    contact = contact_receive(user=advisor_alice, channel=channel, summary="想了解保养套餐", sender="王先生")
    assert contact.respond_due_at - contact.received_at == standard
    assert contact.earliest_deadline_at == contact.respond_due_at


def test_a_phone_answer_is_recorded_from_the_call_log(advisor_alice, customer_a):
    on_time = contact_receive(user=advisor_alice, channel="phone", summary="咨询", customer=customer_a, response_seconds=12)
    late = contact_receive(user=advisor_alice, channel="phone", summary="咨询", customer=customer_a, response_seconds=45)
    assert (on_time.status, on_time.response_seconds, on_time.owner) == ("responded", 12, advisor_alice)
    assert on_time.responded_at <= on_time.respond_due_at < late.responded_at
    with pytest.raises(InvalidInput):
        contact_receive(user=advisor_alice, channel="wechat", summary="咨询", customer=customer_a, response_seconds=5)


def test_the_first_to_take_a_request_owns_it_until_it_is_transferred(advisor_alice, group, store_a):
    colleague = make_user("dave", "call_centre_agent", group, [store_a])
    contact = contact_receive(user=advisor_alice, channel="wechat", summary="预约保养", sender="微信用户小李")
    contact_take(user=colleague, contact=contact)
    with pytest.raises(Conflict, match="首问负责"):
        contact_take(user=advisor_alice, contact=contact)
    with pytest.raises(Conflict, match="首问负责"):
        contact_respond(user=advisor_alice, contact=contact, note="您好")
    contact_transfer(user=colleague, contact=contact, owner_id=advisor_alice.id, reason="属于售后问题")
    answered = contact_respond(user=advisor_alice, contact=contact, note="已为您预约周六上午")
    assert answered.owner == advisor_alice and answered.responded_at is not None
    assert list(answered.events.values_list("kind", flat=True).order_by("id")) == [
        "received",
        "taken",
        "transferred",
        "responded",
    ]


def test_a_walk_in_registration_ends_by_linking_the_customer(advisor_alice, customer_a):
    contact = contact_receive(user=advisor_alice, channel="walk_in", summary="进店看车", sender="到店客户")
    answered = contact_respond(user=advisor_alice, contact=contact, note="已登记", customer=customer_a)
    assert answered.customer == customer_a


def test_closing_needs_a_response_and_an_outcome(advisor_alice):
    contact = contact_receive(user=advisor_alice, channel="online", summary="价格咨询", sender="访客")
    with pytest.raises(Conflict):
        contact_close(user=advisor_alice, contact=contact, outcome="已解答")
    contact_respond(user=advisor_alice, contact=contact, note="已回复报价")
    closed = contact_close(user=advisor_alice, contact=contact, outcome="已解答")
    assert (closed.status, closed.sla_state) == ("closed", "stopped")
    with pytest.raises(Conflict, match="已关闭"):
        contact_respond(user=advisor_alice, contact=closed, note="再次回复")


def test_an_unanswered_request_turns_amber_then_escalates_once(advisor_alice, customer_a, manager_mia):
    contact = contact_receive(user=advisor_alice, channel="online", summary="为什么没人回复", customer=customer_a)
    assert sla_escalate_due(now=timezone.now() + dt.timedelta(minutes=8))["warned"] == 1
    assert ContactRequest.objects.get(pk=contact.pk).sla_state == "warning"
    assert sla_escalate_due(now=timezone.now() + dt.timedelta(minutes=16))["escalated"] == 1
    assert sla_escalate_due(now=timezone.now() + dt.timedelta(minutes=17))["escalated"] == 0
    escalated = ContactRequest.objects.get(pk=contact.pk)
    assert escalated.escalated_at is not None and escalated.sla_state == "overdue"
    assert Task.objects.get(source_key=f"contact:{contact.pk}:escalated").assignee == manager_mia


def test_the_queue_lists_unanswered_requests_by_deadline(advisor_alice, advisor_bob):
    later = contact_receive(user=advisor_alice, channel="social_media", summary="微博投诉", sender="网友")
    sooner = contact_receive(user=advisor_alice, channel="wechat", summary="咨询", sender="小王")
    contact_receive(user=advisor_bob, channel="wechat", summary="别的店", sender="小李")
    assert list(contact_queue(user=advisor_alice)) == [sooner, later]
    assert list(contact_queue(user=advisor_alice, due_within=dt.timedelta(minutes=20))) == [sooner]


def test_a_social_media_post_becomes_a_complaint(advisor_alice, customer_a):
    contact = contact_receive(
        user=advisor_alice, channel="social_media", summary="在抖音发视频说保养被多收费", customer=customer_a
    )
    complaint = contact_to_complaint(user=advisor_alice, contact=contact, title="抖音投诉多收费", category="price")
    contact.refresh_from_db()
    assert (contact.status, contact.complaint) == ("closed", complaint)
    assert complaint.source == Complaint.Source.CONTACT and complaint.opened_at == contact.received_at
    assert complaint.respond_due_at - complaint.opened_at == dt.timedelta(hours=2)


def test_an_unknown_sender_needs_at_least_a_name(advisor_alice):
    with pytest.raises(InvalidInput):
        contact_receive(user=advisor_alice, channel="wechat", summary="你好")
