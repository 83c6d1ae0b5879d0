"""DOMAIN §11: a lead is pushed to the customer's salesperson (or the sales team in turn) within
1 h; the salesperson follows up within 24 h, else the sales manager is told once."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import Forbidden, InvalidInput
from leads.models import Lead
from leads.selectors import kpi_lead_follow_up_on_time_daily
from leads.services import lead_clocks_run, lead_follow_up, lead_record
from tasks.models import Task
from tasks.services import task_record_outcome

pytestmark = pytest.mark.django_db


def record(user, customer, **extra):
    fields = {"kind": "additional_purchase", "grade": "A", "description": "家里添了二胎，想买七座车", "source": "repair_order"}
    return lead_record(user=user, customer=customer, **{**fields, **extra})


def test_it_is_pushed_at_once_to_the_customers_salesperson(advisor_alice, sams_customer, sales_sam, sales_sue):
    lead = record(advisor_alice, sams_customer)
    assert (lead.status, lead.salesperson) == (Lead.Status.PUSHED, sales_sam)
    assert lead.pushed_at - lead.recorded_at < dt.timedelta(minutes=1) <= lead.push_due_at - lead.recorded_at
    assert lead.follow_up_due_at == lead.pushed_at + dt.timedelta(hours=24)
    task = Task.objects.get(assignee=sales_sam, kind="lead_follow_up")
    assert task.due_at == lead.follow_up_due_at


def test_without_a_salesperson_the_sales_team_takes_turns(advisor_alice, customer_a, sales_sam, sales_sue):
    first, second, third = (record(advisor_alice, customer_a, description=f"线索{i}") for i in range(3))
    assert [first.salesperson, second.salesperson, third.salesperson] == [sales_sam, sales_sue, sales_sam]


def test_without_a_sales_team_the_1h_clock_escalates_and_the_job_pushes_later(
    advisor_alice, customer_a, manager_mia, group, store_a
):
    lead = record(advisor_alice, customer_a)
    assert (lead.status, lead.earliest_deadline_at) == (Lead.Status.NEW, lead.push_due_at)
    late = lead.push_due_at + dt.timedelta(minutes=1)
    assert lead_clocks_run(now=late) == {"pushed": 0, "escalated": 1, "failed": 0}
    assert lead_clocks_run(now=late) == {"pushed": 0, "escalated": 0, "failed": 0}
    assert Task.objects.get(kind="lead_escalated").assignee == manager_mia
    from conftest import make_user

    newcomer = make_user("neo", "salesperson", group, [store_a])
    assert lead_clocks_run(now=late)["pushed"] == 1
    lead.refresh_from_db()
    assert (lead.salesperson, lead.status) == (newcomer, Lead.Status.PUSHED)


def test_the_sales_manager_is_told_once_when_24h_pass_without_follow_up(advisor_alice, sams_customer, manager_mia):
    lead = record(advisor_alice, sams_customer)
    assert lead_clocks_run(now=lead.follow_up_due_at - dt.timedelta(minutes=1))["escalated"] == 0
    late = lead.follow_up_due_at + dt.timedelta(seconds=1)
    assert lead_clocks_run(now=late)["escalated"] == 1
    assert lead_clocks_run(now=late + dt.timedelta(hours=1))["escalated"] == 0
    lead.refresh_from_db()
    assert (lead.escalated_to, lead.follow_up_breached_at, lead.sla_state) == (manager_mia, late, "overdue")
    escalation = Task.objects.get(kind="lead_escalated")
    assert escalation.assignee == manager_mia and "跟进" in escalation.title


def test_a_follow_up_in_time_stops_the_clock_and_counts_for_the_kpi(advisor_alice, sams_customer, sales_sam):
    lead = record(advisor_alice, sams_customer)
    lead = lead_follow_up(user=sales_sam, lead=lead, note="已电话联系，周六到店看车")
    assert (lead.status, lead.earliest_deadline_at, lead.sla_state) == (Lead.Status.FOLLOWING, None, "stopped")
    assert Task.objects.get(kind="lead_follow_up").status == Task.Status.DONE
    assert lead_clocks_run(now=lead.follow_up_due_at + dt.timedelta(hours=1))["escalated"] == 0
    day = timezone.localtime(lead.follow_up_due_at).date()
    assert kpi_lead_follow_up_on_time_daily(day=day) == [
        {"store_id": lead.store_id, "staff_id": sales_sam.pk, "numerator": 1, "denominator": 1}
    ]


def test_a_late_follow_up_counts_against_the_kpi(advisor_alice, sams_customer, sales_sam):
    lead = record(advisor_alice, sams_customer)
    Lead.objects.filter(pk=lead.pk).update(followed_up_at=lead.follow_up_due_at + dt.timedelta(hours=2))
    day = timezone.localtime(lead.follow_up_due_at).date()
    assert kpi_lead_follow_up_on_time_daily(day=day)[0]["numerator"] == 0


def test_closing_the_task_in_my_tasks_counts_as_the_follow_up(advisor_alice, sams_customer, sales_sam):
    lead = record(advisor_alice, sams_customer)
    task = Task.objects.get(kind="lead_follow_up")
    task_record_outcome(user=sales_sam, task=task, outcome="done", notes="客户暂无时间，下周再约")
    lead.refresh_from_db()
    assert lead.followed_up_at is not None and lead.status == Lead.Status.FOLLOWING
    assert lead.follow_ups.get().note.endswith("客户暂无时间，下周再约")


def test_only_the_assigned_salesperson_follows_up(advisor_alice, sams_customer, sales_sue):
    lead = record(advisor_alice, sams_customer)
    with pytest.raises(Forbidden):
        lead_follow_up(user=sales_sue, lead=lead, note="x")


def test_bad_input_is_rejected_and_nothing_changes(advisor_alice, sams_customer, sales_sam, customer_b):
    with pytest.raises(InvalidInput) as error:
        record(advisor_alice, sams_customer, grade="C", kind="lottery", description=" ")
    assert set(error.value.errors) == {"grade", "kind", "description"}
    with pytest.raises(Forbidden):
        record(sales_sam, sams_customer)
    assert (Lead.objects.count(), Task.objects.count()) == (0, 0)
