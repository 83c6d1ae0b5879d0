"""The escalation job (DOMAIN §9 automatic escalation; STYLE §7): warn before, escalate after a
deadline, exactly once — also with two workers and after an outage."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint, ContactRequest, Tier
from complaints.services import complaint_open, complaint_pause, complaint_respond, sla_escalate_due
from complaints.tests.conftest import hours_later
from conftest import make_user
from core.jobs import JOBS_BY_NAME
from messaging.models import OutboxMessage
from sla.services import breach_claim
from tasks.models import Task


def test_it_escalates_to_l2_when_24h_pass_and_tells_the_manager_and_the_customer(complaint_a, manager_mia):
    assert sla_escalate_due(now=hours_later(23))["escalated"] == 0
    result = sla_escalate_due(now=hours_later(24.1))
    complaint = Complaint.objects.get(pk=complaint_a.pk)
    assert (result["escalated"], complaint.tier) == (1, Tier.L2)
    assert complaint.respond_breached_at is not None and complaint.tier_breached_at is None  # L2's own clock runs
    assert complaint.tier_due_at - complaint.tier_since == dt.timedelta(hours=48)
    task = Task.objects.get(source_key=f"complaint:{complaint.pk}:escalated:L2")
    assert task.assignee == manager_mia and "首次响应" in task.script
    assert OutboxMessage.objects.filter(idempotency_key=f"complaint:{complaint.pk}:progress:L2").exists()
    assert complaint.events.filter(kind="breached").count() == 2  # response and L1 clocks ran out together


def test_running_it_again_changes_nothing(complaint_a, manager_mia):
    sla_escalate_due(now=hours_later(25))
    assert sla_escalate_due(now=hours_later(25)) == {"warned": 0, "breached": 0, "escalated": 0, "failed": 0}
    assert Complaint.objects.get(pk=complaint_a.pk).tier == Tier.L2
    assert Task.objects.filter(kind="complaint_escalation").count() == 1


def test_a_breach_during_an_outage_escalates_once_when_the_job_next_runs(complaint_a, manager_mia):
    result = sla_escalate_due(now=hours_later(80))  # response, L1 and the 48 h closure all ran out meanwhile
    complaint = Complaint.objects.get(pk=complaint_a.pk)
    assert (result["breached"], result["escalated"], complaint.tier) == (3, 1, Tier.L2)
    assert sla_escalate_due(now=hours_later(80))["escalated"] == 0


def test_l2_has_its_own_48_hours_then_l3(complaint_a, manager_mia, advisor_alice, group):
    boss = make_user("boss", "group_admin", group, [])
    sla_escalate_due(now=hours_later(24.1))
    complaint_respond(user=advisor_alice, complaint=complaint_a, note="已联系")
    sla_escalate_due(now=hours_later(60))  # the 48 h closure passes: the manager is told, the tier stays
    assert Complaint.objects.get(pk=complaint_a.pk).tier == Tier.L2
    assert Task.objects.get(source_key=f"complaint:{complaint_a.pk}:breach:close").assignee == manager_mia
    sla_escalate_due(now=hours_later(72.2))
    assert Complaint.objects.get(pk=complaint_a.pk).tier == Tier.L3
    assert Task.objects.get(source_key=f"complaint:{complaint_a.pk}:escalated:L3").assignee == boss


def test_two_workers_claim_a_breach_once(complaint_a):
    clock = Complaint.SLA_CLOCKS[0]
    first, second = Complaint.objects.get(pk=complaint_a.pk), Complaint.objects.get(pk=complaint_a.pk)
    assert breach_claim(first, clock, now=hours_later(25)) is True
    assert breach_claim(second, clock, now=hours_later(25)) is False


def test_the_owner_is_warned_2h_before_once(complaint_a, advisor_alice):
    assert sla_escalate_due(now=hours_later(21))["warned"] == 0
    assert sla_escalate_due(now=hours_later(22.1))["warned"] == 1
    assert sla_escalate_due(now=hours_later(22.5))["warned"] == 0
    task = Task.objects.get(kind="complaint_warning")
    assert task.assignee == advisor_alice and "首次响应" in task.title
    assert Complaint.objects.get(pk=complaint_a.pk).sla_state == "warning"


def test_a_paused_complaint_does_not_escalate(complaint_a, advisor_alice):
    complaint_pause(user=advisor_alice, complaint=complaint_a, reason="客户出差，下周回电")
    assert sla_escalate_due(now=hours_later(30))["escalated"] == 0
    assert Complaint.objects.get(pk=complaint_a.pk).tier == Tier.L1


def test_one_failing_item_does_not_stop_the_others(complaint_a, advisor_alice, customer_a, monkeypatch):
    other = complaint_open(
        user=advisor_alice, customer=customer_a, title="另一单", description="x", category="other", channel="phone"
    )
    from complaints.services import escalation

    real = escalation.escalate_to

    def broken(complaint, **kwargs):
        if complaint.pk == complaint_a.pk:
            raise RuntimeError("boom")
        return real(complaint, **kwargs)

    monkeypatch.setattr(escalation, "escalate_to", broken)
    result = sla_escalate_due(now=hours_later(25))
    assert (result["failed"], result["escalated"]) == (1, 1)
    assert Complaint.objects.get(pk=complaint_a.pk).tier == Tier.L1  # rolled back, retried next run
    assert Complaint.objects.get(pk=other.pk).tier == Tier.L2


def test_candidates_come_from_one_query_per_kind(complaint_a):
    with CaptureQueriesContext(connection) as queries:
        sla_escalate_due(now=hours_later(1))
    assert len(queries) == 4  # due and warning candidates of complaints and of contact requests
    assert ContactRequest.objects.count() == 0


def test_the_job_is_registered_every_minute():
    job = JOBS_BY_NAME["complaints.escalate"]
    assert (job.target, job.every_seconds) == ("complaints.tasks.escalate_due", 60)
