"""DOMAIN §9: a complaint from any channel gets its deadlines, an owner, a notice to the customer,
and goes straight to L3 for safety, media, legal threat or a VIP."""

import datetime as dt

import pytest
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent, Tier
from complaints.services import complaint_open
from core.errors import Forbidden, InvalidInput
from customers.models import Customer
from messaging.models import OutboxMessage
from tasks.models import Task


def test_it_opens_with_24h_response_48h_closure_and_the_l1_clock(complaint_a, advisor_alice):
    opened = complaint_a.opened_at
    assert (complaint_a.status, complaint_a.tier, complaint_a.owner) == (Complaint.Status.OPEN, Tier.L1, advisor_alice)
    assert complaint_a.respond_due_at - opened == dt.timedelta(hours=24)
    assert complaint_a.close_due_at - opened == dt.timedelta(hours=48)
    assert complaint_a.tier_due_at - opened == dt.timedelta(hours=24)
    assert complaint_a.earliest_deadline_at == complaint_a.respond_due_at
    assert complaint_a.sla_state == "running"
    assert list(complaint_a.events.order_by("id").values_list("kind", flat=True)) == ["opened", "customer_notified"]


def test_the_customer_is_told_through_the_outbox(complaint_a):
    message = OutboxMessage.objects.get(idempotency_key=f"complaint:{complaint_a.id}:received")
    assert (message.template_code, message.purpose, message.channel) == ("complaint_received", "service", "sms")
    assert message.variables["topic"] == "保养后底盘异响"
    assert complaint_a.events.filter(kind=ComplaintEvent.Kind.CUSTOMER_NOTIFIED).exists()


def test_a_social_media_complaint_needs_a_public_answer_within_2_hours(advisor_alice, customer_a):
    complaint = complaint_open(
        user=advisor_alice,
        customer=customer_a,
        title="微博吐槽",
        description="等了很久没人理",
        category="service",
        channel="social_media",
    )
    assert complaint.respond_due_at - complaint.opened_at == dt.timedelta(hours=2)


@pytest.mark.parametrize(
    ("extra", "text", "reason"),
    [
        ({"is_legal": True}, "要求赔偿", "法律纠纷风险"),
        ({}, "行驶中刹车失灵，非常危险", "涉及安全"),
        ({}, "再不处理我就找媒体", "媒体曝光风险"),
    ],
)
def test_safety_media_and_legal_go_straight_to_l3(advisor_alice, customer_a, group, extra, text, reason):
    from conftest import make_user

    boss = make_user("boss", "group_admin", group, [])
    complaint = complaint_open(
        user=advisor_alice, customer=customer_a, title="投诉", description=text, category="product", channel="phone", **extra
    )
    assert complaint.tier == Tier.L3
    assert complaint.tier_due_at - complaint.opened_at == dt.timedelta(hours=72)
    task = Task.objects.get(source_key=f"complaint:{complaint.id}:escalated:L3")
    assert task.assignee == boss and reason in task.script


def test_a_vip_customer_goes_straight_to_l3(advisor_alice, customer_a):
    Customer.objects.filter(pk=customer_a.pk).update(manual_tags=["VIP"])
    customer_a.refresh_from_db()
    complaint = complaint_open(
        user=advisor_alice, customer=customer_a, title="x", description="y", category="other", channel="phone"
    )
    assert complaint.is_vip and complaint.tier == Tier.L3


def test_another_module_opens_it_once_per_source_without_a_user(customer_a, handler_carol):
    kwargs = {
        "customer": customer_a,
        "title": "满意度 3 分",
        "description": "问卷低分",
        "category": "service",
        "channel": "online",
    }
    first = complaint_open(source=Complaint.Source.SURVEY, source_key="survey:12", **kwargs)
    again = complaint_open(source=Complaint.Source.SURVEY, source_key="survey:12", **kwargs)
    assert first == again and Complaint.objects.count() == 1
    assert first.owner == handler_carol and first.opened_by is None


def test_a_complaint_received_earlier_runs_from_when_the_customer_complained(advisor_alice, customer_a):
    earlier = timezone.now() - dt.timedelta(hours=3)
    complaint = complaint_open(
        user=advisor_alice,
        customer=customer_a,
        title="x",
        description="y",
        category="other",
        channel="letter",
        received_at=earlier,
    )
    assert complaint.respond_due_at == earlier + dt.timedelta(hours=24)


def test_bad_input_opens_nothing(advisor_alice, customer_a):
    base = {"customer": customer_a, "title": "x", "description": "y", "category": "other", "channel": "phone"}
    for change in (
        {"title": " "},
        {"category": "nope"},
        {"channel": "pigeon"},
        {"received_at": timezone.now() + dt.timedelta(days=1)},
    ):
        with pytest.raises(InvalidInput):
            complaint_open(user=advisor_alice, **{**base, **change})
    assert not Complaint.objects.exists()


def test_staff_cannot_open_complaints_for_another_stores_customer(advisor_bob, customer_a):
    with pytest.raises(InvalidInput):
        complaint_open(user=advisor_bob, customer=customer_a, title="x", description="y", category="other", channel="phone")


def test_a_technician_may_open_but_not_handle(group, store_a, customer_a):
    from complaints.services import complaint_respond
    from conftest import make_user

    technician = make_user("tech", "technician", group, [store_a])
    complaint = complaint_open(
        user=technician, customer=customer_a, title="x", description="y", category="other", channel="walk_in"
    )
    with pytest.raises(Forbidden):
        complaint_respond(user=technician, complaint=complaint, note="已联系")
