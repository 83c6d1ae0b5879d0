"""DOMAIN §3: the form is due 24 h after delivery; late and unconfirmed handovers are listed and
counted; a late one goes to the store manager once; the on-time KPI reads the deadline column."""

import datetime as dt

import pytest
from django.utils import timezone

from handover.models import Handover
from handover.selectors import handover_counts, handover_list, kpi_handover_on_time_daily
from handover.services import handover_escalate_due, handover_submit
from handover.tests.conftest import open_handover
from tasks.models import Task

pytestmark = pytest.mark.django_db


def test_it_lists_a_handover_not_submitted_24h_after_delivery_as_late(sales_sam, delivered_vehicle):
    handover = open_handover(
        user=sales_sam, vehicle=delivered_vehicle, salesperson=sales_sam, delivered_at=timezone.now() - dt.timedelta(hours=25)
    )
    assert [h.pk for h in handover_list(user=sales_sam, view="late")] == [handover.pk]
    assert handover_counts(user=sales_sam) == {"late": 1, "open": 1, "unconfirmed": 0}


def test_it_is_on_time_23h_after_delivery(sales_sam, delivered_vehicle):
    open_handover(
        user=sales_sam, vehicle=delivered_vehicle, salesperson=sales_sam, delivered_at=timezone.now() - dt.timedelta(hours=23)
    )
    assert list(handover_list(user=sales_sam, view="late")) == []


def test_it_tells_the_store_manager_once_when_the_24h_pass(sales_sam, manager_mia, delivered_vehicle):
    handover = open_handover(user=sales_sam, vehicle=delivered_vehicle, salesperson=sales_sam)
    assert handover_escalate_due(now=timezone.now()) == {"warned": 0, "breached": 0, "failed": 0}
    later = handover.submit_due_at + dt.timedelta(minutes=1)
    assert handover_escalate_due(now=later) == {"warned": 0, "breached": 1, "failed": 0}
    assert handover_escalate_due(now=later + dt.timedelta(minutes=1)) == {"warned": 0, "breached": 0, "failed": 0}
    task = Task.objects.get(source_key=f"handover:{handover.pk}:late_submit")
    assert task.assignee == manager_mia
    handover.refresh_from_db()
    assert handover.submit_breached_at == later and handover.sla_state == "overdue"


def test_submitting_stops_the_clock_and_starts_the_confirmation(sales_sam, delivered_vehicle, advisor_alice):
    handover = open_handover(user=sales_sam, vehicle=delivered_vehicle, salesperson=sales_sam)
    handover = handover_submit(user=sales_sam, handover=handover, worries="担心油耗", preferred_channel="wechat")
    assert handover.status == Handover.Status.SUBMITTED and not handover.is_late(timezone.now())
    assert handover.earliest_deadline_at == handover.confirm_due_at == handover.submitted_at + dt.timedelta(hours=24)
    assert Task.objects.get(source_key=f"handover:{handover.pk}:submit").status == Task.Status.DONE
    assert Task.objects.get(source_key=f"handover:{handover.pk}:confirm").assignee == advisor_alice
    assert [h.pk for h in handover_list(user=sales_sam, view="unconfirmed")] == [handover.pk]


def test_the_on_time_kpi_counts_handovers_of_cars_delivered_that_day(sales_sam, delivered_vehicle, advisor_alice, customer_a):
    from vehicles.services import vehicle_create

    other, _ = vehicle_create(
        user=advisor_alice, owner=customer_a, vin="LSVAB2BM5KN000009", plate="粤B·99999", model="X", powertrain="petrol",
        purchase_date=dt.date(2026, 1, 1),
    )  # fmt: skip
    day = dt.date(2026, 3, 10)
    morning = dt.datetime(2026, 3, 10, 9, 0, tzinfo=timezone.get_current_timezone())
    on_time = open_handover(user=sales_sam, vehicle=delivered_vehicle, salesperson=sales_sam, delivered_at=morning, key="a")
    late = open_handover(user=sales_sam, vehicle=other, salesperson=sales_sam, delivered_at=morning, key="b")
    Handover.objects.filter(pk=on_time.pk).update(submitted_at=morning + dt.timedelta(hours=20))
    Handover.objects.filter(pk=late.pk).update(submitted_at=morning + dt.timedelta(hours=30))
    rows = kpi_handover_on_time_daily(day=day)
    assert rows == [{"store_id": on_time.store_id, "staff_id": sales_sam.pk, "numerator": 1, "denominator": 2}]
    assert kpi_handover_on_time_daily(day=day - dt.timedelta(days=1)) == []


def test_the_salesperson_is_warned_once_two_hours_before_the_form_is_due(sales_sam, delivered_vehicle):
    handover = open_handover(user=sales_sam, vehicle=delivered_vehicle, salesperson=sales_sam)
    assert handover.sla_warn_at == handover.submit_due_at - dt.timedelta(hours=2)
    early = handover.sla_warn_at - dt.timedelta(minutes=1)
    assert handover_escalate_due(now=early)["warned"] == 0
    soon = handover.sla_warn_at + dt.timedelta(minutes=1)
    assert handover_escalate_due(now=soon) == {"warned": 1, "breached": 0, "failed": 0}
    assert handover_escalate_due(now=soon + dt.timedelta(minutes=5))["warned"] == 0  # once per deadline
    warning = Task.objects.get(source_key=f"handover:{handover.pk}:warn_submit")
    assert (warning.assignee, warning.kind, warning.due_at) == (sales_sam, "handover_warning", handover.submit_due_at)
    assert "交接表提交将于" in warning.title
    handover.refresh_from_db()
    assert handover.sla_state == "warning"
    handover_submit(user=sales_sam, handover=handover, worries="担心油耗")
    warning.refresh_from_db()
    assert warning.status == Task.Status.DONE  # the form went in: the warning is settled with it
