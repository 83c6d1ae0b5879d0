"""The complaint state machine (STYLE §5): respond, wait for the customer, close with the solution,
the root cause and the customer's word (DOMAIN §9); illegal steps and closed complaints are 409."""

import datetime as dt

import pytest
from django.utils import timezone

from complaints.models import Complaint
from complaints.services import (
    complaint_close,
    complaint_note,
    complaint_pause,
    complaint_respond,
    complaint_resume,
    complaint_transfer,
    complaint_update,
)
from core.errors import Conflict, InvalidInput
from messaging.models import OutboxMessage

CLOSING = {
    "solution": "免费重新紧固底盘螺栓",
    "root_cause": "保养时护板螺栓未拧紧",
    "cause": "workmanship",
    "confirmation": "confirmed",
}


@pytest.fixture
def responded(complaint_a, advisor_alice):
    return complaint_respond(user=advisor_alice, complaint=complaint_a, note="已电话联系客户，约明天到店检查")


def test_responding_stamps_the_time_and_stops_the_response_clock(responded):
    assert responded.status == Complaint.Status.RESPONDED and responded.responded_at is not None
    assert responded.earliest_deadline_at == responded.tier_due_at  # the next running clock


def test_it_cannot_be_closed_before_anyone_responded(complaint_a, advisor_alice):
    with pytest.raises(Conflict, match="请先响应客户"):
        complaint_close(user=advisor_alice, complaint=complaint_a, **CLOSING)


@pytest.mark.parametrize(
    ("missing", "field"),
    [
        ({"root_cause": ""}, "root_cause"),
        ({"confirmation": ""}, "confirmation"),
        ({"solution": ""}, "solution"),
        ({"cause": "x"}, "cause"),
    ],
)
def test_closing_needs_solution_root_cause_and_the_customers_confirmation(responded, advisor_alice, missing, field):
    with pytest.raises(InvalidInput) as error:
        complaint_close(user=advisor_alice, complaint=responded, **{**CLOSING, **missing})
    assert field in error.value.errors
    assert Complaint.objects.get(pk=responded.pk).status == Complaint.Status.RESPONDED


def test_a_refusal_to_confirm_is_recorded_with_what_the_customer_said(responded, advisor_alice):
    with pytest.raises(InvalidInput, match="结案条件"):
        complaint_close(user=advisor_alice, complaint=responded, **{**CLOSING, "confirmation": "refused"})
    closed = complaint_close(
        user=advisor_alice,
        complaint=responded,
        **{**CLOSING, "confirmation": "refused", "confirmation_note": "客户认为应全额退款"},
    )
    assert (closed.confirmation, closed.confirmation_note) == ("refused", "客户认为应全额退款")


def test_closing_stops_every_clock_and_tells_the_customer(responded, advisor_alice):
    closed = complaint_close(user=advisor_alice, complaint=responded, **CLOSING)
    assert closed.status == Complaint.Status.CLOSED and closed.closed_at is not None
    assert (closed.earliest_deadline_at, closed.sla_state) == (None, "stopped")
    assert OutboxMessage.objects.filter(idempotency_key=f"complaint:{closed.id}:closed").exists()


def test_a_closed_complaint_cannot_be_changed(responded, advisor_alice):
    closed = complaint_close(user=advisor_alice, complaint=responded, **CLOSING)
    for change in (
        lambda: complaint_note(user=advisor_alice, complaint=closed, text="补充"),
        lambda: complaint_update(user=advisor_alice, complaint=closed, title="改标题"),
        lambda: complaint_close(user=advisor_alice, complaint=closed, **CLOSING),
    ):
        with pytest.raises(Conflict, match="已结案"):
            change()


def test_waiting_for_the_customer_pauses_the_clocks_and_records_why(responded, advisor_alice):
    paused = complaint_pause(user=advisor_alice, complaint=responded, reason="等待客户提供行车记录仪视频")
    assert paused.status == Complaint.Status.WAITING_CUSTOMER
    assert (paused.sla_state, paused.earliest_deadline_at) == ("paused", None)
    Complaint.objects.filter(pk=paused.pk).update(sla_paused_at=timezone.now() - dt.timedelta(hours=5))
    resumed = complaint_resume(user=advisor_alice, complaint=paused)
    assert resumed.status == Complaint.Status.RESPONDED
    assert resumed.tier_due_at - responded.tier_due_at >= dt.timedelta(hours=5)  # the pause is given back
    assert resumed.sla_paused_seconds >= 5 * 3600
    assert list(resumed.events.filter(kind__in=["paused", "resumed"]).values_list("kind", flat=True)) == ["paused", "resumed"]


def test_a_pause_needs_a_reason_and_cannot_be_taken_twice(responded, advisor_alice):
    with pytest.raises(InvalidInput):
        complaint_pause(user=advisor_alice, complaint=responded, reason=" ")
    complaint_pause(user=advisor_alice, complaint=responded, reason="等客户回电")
    with pytest.raises(Conflict):
        complaint_pause(user=advisor_alice, complaint=responded, reason="再次暂停")


def test_ownership_moves_only_by_a_recorded_transfer(complaint_a, advisor_alice, handler_carol, advisor_bob):
    moved = complaint_transfer(user=advisor_alice, complaint=complaint_a, owner_id=handler_carol.id, reason="需质量部跟进")
    assert moved.owner == handler_carol
    assert "alice → carol：需质量部跟进" in moved.events.get(kind="transferred").detail
    with pytest.raises(InvalidInput):
        complaint_transfer(user=advisor_alice, complaint=complaint_a, owner_id=advisor_bob.id, reason="别的店")
