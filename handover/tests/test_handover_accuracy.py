"""DOMAIN §3: "1+1 confirmation" (both stamped) and the information accuracy — fields corrected by
after-sales ÷ fields handed over, each field counted once (target ≥ 98 %)."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import Conflict, Forbidden, InvalidInput
from handover.models import Correction
from handover.selectors import accuracy, kpi_handover_accuracy_daily
from handover.services import handover_confirm, handover_correct, handover_first_use, handover_submit
from handover.tests.conftest import open_handover
from tasks.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(sales_sam, delivered_vehicle):
    handover = open_handover(user=sales_sam, vehicle=delivered_vehicle, salesperson=sales_sam)
    return handover_submit(user=sales_sam, handover=handover, worries="担心油耗", usage="通勤", preferred_channel="wechat")


def test_both_confirmations_are_stamped(submitted, advisor_alice, sales_sam):
    handover = handover_confirm(user=advisor_alice, handover=submitted)
    assert handover.submitted_at <= handover.confirmed_at
    assert (handover.confirmed_by, handover.status, handover.sla_state) == (advisor_alice, "confirmed", "stopped")
    with pytest.raises(Conflict):
        handover_confirm(user=advisor_alice, handover=handover)


def test_the_salesperson_cannot_confirm_their_own_form(submitted, sales_sam):
    with pytest.raises(Forbidden):
        handover_confirm(user=sales_sam, handover=submitted)


def test_accuracy_counts_each_corrected_field_once(submitted, advisor_alice, sales_sam):
    handover = handover_confirm(user=advisor_alice, handover=submitted)
    assert handover.fields_checked == 7 + 2  # seven form fields and two promises
    handover_correct(user=advisor_alice, handover=handover, field="worries", new_value="担心保养费用", reason="客户电话确认")
    handover_correct(user=advisor_alice, handover=handover, field="worries", new_value="担心保养和保险费用")
    handover_correct(user=advisor_alice, handover=handover, field="event_interest", new_value="是")
    handover.refresh_from_db()
    assert (handover.fields_corrected, handover.worries, handover.event_interest) == (2, "担心保养和保险费用", True)
    assert handover.accuracy_percent == 77.8
    today = timezone.localdate()
    assert accuracy(user=advisor_alice, since=today, until=today) == {
        "handovers": 1, "fields_checked": 9, "fields_corrected": 2, "accuracy_percent": 77.78,
    }  # fmt: skip
    rows = kpi_handover_accuracy_daily(day=today)
    assert rows == [{"store_id": handover.store_id, "staff_id": sales_sam.pk, "numerator": 7, "denominator": 9}]
    assert kpi_handover_accuracy_daily(day=today + dt.timedelta(days=1)) == []


def test_a_correction_to_the_same_value_or_an_unknown_field_is_rejected(submitted, advisor_alice):
    with pytest.raises(InvalidInput) as error:
        handover_correct(user=advisor_alice, handover=submitted, field="worries", new_value="担心油耗")
    assert "new_value" in error.value.errors
    with pytest.raises(InvalidInput) as error:
        handover_correct(user=advisor_alice, handover=submitted, field="salesperson", new_value="x")
    assert "field" in error.value.errors
    assert Correction.objects.count() == 0


def test_first_use_feedback_is_shared_with_the_salesperson(submitted, advisor_alice, sales_sam):
    handover = handover_first_use(user=advisor_alice, handover=submitted, feedback="对车机满意，座椅加热不会用，已讲解")
    assert Task.objects.get(source_key=f"handover:{handover.pk}:first_use").status == Task.Status.DONE
    shared = Task.objects.get(source_key=f"handover:{handover.pk}:first_use_shared")
    assert (shared.assignee, shared.script) == (sales_sam, "对车机满意，座椅加热不会用，已讲解")
    with pytest.raises(Conflict):
        handover_first_use(user=advisor_alice, handover=handover, feedback="again")
