"""DOMAIN §11, §12: outcomes won/lost, conversion (target ≥ 30 %), lead-to-sale time, the
after-sales bonus per converted lead; the salesperson's care call; trade-in proposals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import Conflict, InvalidInput
from core.models import StoreSetting
from leads.models import Lead
from leads.selectors import kpi_lead_conversion_daily, lead_bonus_report, lead_measures, trade_in_suggestions
from leads.services import lead_follow_up, lead_record, sales_care_on_service_arrival
from tasks.models import Task

pytestmark = pytest.mark.django_db


def record(user, customer, **extra):
    fields = {"kind": "trade_in", "grade": "B", "description": "抱怨油耗高", "source": "call"}
    return lead_record(user=user, customer=customer, **{**fields, **extra})


def test_conversion_time_to_sale_and_bonus(advisor_alice, sams_customer, sales_sam, store_a):
    StoreSetting.objects.create(store=store_a, key="leads.bonus_per_won_yuan", value="150")
    won = [record(advisor_alice, sams_customer, description=f"线索{i}") for i in range(2)]
    lost = record(advisor_alice, sams_customer, description="线索3")
    for lead in won:
        lead_follow_up(user=sales_sam, lead=lead, note="已签约", outcome="won", sale_amount="189900")
    lead_follow_up(user=sales_sam, lead=lost, note="客户选了别家", outcome="lost")
    today = timezone.localdate()
    measures = lead_measures(user=advisor_alice, since=today, until=today)
    assert (measures["closed"], measures["won"], measures["conversion_percent"]) == (3, 2, 66.7)
    assert measures["avg_days_to_sale"] == 0.0
    assert kpi_lead_conversion_daily(day=today) == [
        {"store_id": store_a.pk, "staff_id": advisor_alice.pk, "numerator": 2, "denominator": 3}
    ]
    report = lead_bonus_report(user=advisor_alice, month=today)
    assert report == [
        {"staff_id": advisor_alice.pk, "converted": 2, "bonus": Decimal("300.00"), "staff_name": str(advisor_alice)}
    ]
    assert Lead.objects.get(pk=won[0].pk).sale_amount == Decimal("189900")


def test_a_closed_lead_cannot_be_followed_up_again(advisor_alice, sams_customer, sales_sam):
    lead = lead_follow_up(user=sales_sam, lead=record(advisor_alice, sams_customer), note="成交", outcome="won")
    with pytest.raises(Conflict):
        lead_follow_up(user=sales_sam, lead=lead, note="again")
    with pytest.raises(InvalidInput):
        lead_follow_up(user=sales_sam, lead=record(advisor_alice, sams_customer), note="x", outcome="maybe")


def test_the_salesperson_gets_one_care_call_task_per_arrival(sams_customer, sales_sam, customer_b):
    task = sales_care_on_service_arrival(customer=sams_customer, source_key="repair_order:7")
    again = sales_care_on_service_arrival(customer=sams_customer, source_key="repair_order:7")
    assert task.pk == again.pk and task.assignee == sales_sam and task.kind == "sales_care_call"
    assert sales_care_on_service_arrival(customer=customer_b, source_key="repair_order:8") is None
    assert Task.objects.count() == 1


def test_three_year_anniversaries_and_fuel_complaints_are_proposed(advisor_alice, vehicle_a, customer_a):
    from complaints.services import complaint_open

    today = vehicle_a.purchase_date.replace(year=vehicle_a.purchase_date.year + 3) + dt.timedelta(days=5)
    complaint = complaint_open(
        user=advisor_alice, customer=customer_a, title="油耗太高", description="百公里九个油", category="product", channel="phone"
    )
    found = trade_in_suggestions(user=advisor_alice, today=today)
    assert [v.pk for v in found["anniversaries"]] == [vehicle_a.pk]
    assert [c.pk for c in found["complaints"]] == [complaint.pk]
    assert trade_in_suggestions(user=advisor_alice, today=today + dt.timedelta(days=60))["anniversaries"] == []
    lead_record(
        user=advisor_alice, customer=customer_a, kind="trade_in", grade="B", description="三周年", source="anniversary",
        source_key=f"anniversary:{vehicle_a.pk}",
    )  # fmt: skip
    assert trade_in_suggestions(user=advisor_alice, today=today) == {"anniversaries": [], "complaints": []}
