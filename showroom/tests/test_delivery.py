"""DOMAIN §15 → §3: PDI (shared by signed link), the three explanations, then delivered: customer and
vehicle in the archive, the handover with every promise of the quote, first-service plan, follow-ups."""

from decimal import Decimal

import pytest
from django.core import signing

from core.errors import Conflict, InvalidInput
from customers.models import Customer
from customers.services import customer_create
from showroom.delivery import (
    PdiLinkInvalid,
    delivery_checklist,
    delivery_complete,
    delivery_for_pdi_token,
    delivery_start,
    pdi_photo_add,
    pdi_record,
    pdi_token,
)
from showroom.models import PdiItem
from showroom.services import prospect_interview, prospect_win
from vehicles.models import Vehicle

VIN = "LGXCE4CB0N0000007"
ALL_OK = {item.value: {"ok": True, "note": ""} for item in PdiItem}
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.fixture
def won(sales_sam, prospect, quote):
    prospect_interview(
        user=sales_sam, prospect=prospect, usage_scenarios=["family"], top_concerns=["energy_cost"], hidden_needs=["ev_interest"]
    )
    return prospect_win(user=sales_sam, prospect=prospect)


@pytest.fixture
def delivery(sales_sam, won):
    started, _ = delivery_start(user=sales_sam, prospect=won, vin=VIN, colour="雪域白")
    return started


def ready(user, delivery):
    pdi_record(user=user, delivery=delivery, results=ALL_OK)
    return delivery_checklist(
        user=user, delivery=delivery, explained_features=True, explained_after_sales=True, explained_membership=True
    )


def test_delivery_needs_a_won_prospect(sales_sam, prospect, quote):
    with pytest.raises(InvalidInput):
        delivery_start(user=sales_sam, prospect=prospect, vin=VIN)


def test_delivery_without_a_finished_pdi_is_refused_and_changes_nothing(sales_sam, delivery):
    delivery_checklist(
        user=sales_sam, delivery=delivery, explained_features=True, explained_after_sales=True, explained_membership=True
    )
    with pytest.raises(InvalidInput) as exc:
        delivery_complete(user=sales_sam, delivery=delivery)
    assert "PDI" in exc.value.errors["pdi"] and exc.value.status == 422
    delivery.refresh_from_db()
    assert delivery.delivered_at is None and not Vehicle.objects.exists() and not Customer.objects.exists()


def test_a_pdi_with_a_problem_is_not_finished(sales_sam, delivery):
    results = {**ALL_OK, "paint": {"ok": False, "note": ""}}
    with pytest.raises(InvalidInput):
        pdi_record(user=sales_sam, delivery=delivery, results=results)
    pdi_record(user=sales_sam, delivery=delivery, results={**ALL_OK, "paint": {"ok": False, "note": "左后门划痕，待修复"}})
    delivery.refresh_from_db()
    assert not delivery.pdi_finished
    with pytest.raises(InvalidInput) as exc:
        pdi_record(user=sales_sam, delivery=delivery, results={"paint": {"ok": True}})
    assert "results" in exc.value.errors


def test_the_three_explanations_are_required(sales_sam, delivery):
    pdi_record(user=sales_sam, delivery=delivery, results=ALL_OK)
    with pytest.raises(InvalidInput) as exc:
        delivery_complete(user=sales_sam, delivery=delivery)
    assert "explanations" in exc.value.errors


def test_delivered_creates_customer_vehicle_handover_and_plans(sales_sam, delivery, quote):
    from followups.models import FollowUp
    from handover.models import Handover
    from loyalty.models import SpendRecord

    ready(sales_sam, delivery)
    delivery_complete(user=sales_sam, delivery=delivery)
    delivery.refresh_from_db()
    customer, vehicle = delivery.customer, delivery.vehicle
    assert (customer.name, customer.mobile, customer.source) == ("陈晓明", "+8613700001001", "online")
    assert customer.manual_tags == ["家庭用车", "关注用车成本", "新能源意向"]
    assert (vehicle.vin, vehicle.owner, vehicle.model, vehicle.powertrain, vehicle.salesperson) == (
        VIN,
        customer,
        "宋PLUS DM-i",
        "phev",
        sales_sam,
    )
    assert vehicle.delivery_date and vehicle.service_due_on  # the first-service reminder plan
    handover = Handover.objects.get(vehicle=vehicle)
    assert handover.source_key == f"showroom.delivery:{delivery.pk}" and handover.salesperson == sales_sam
    promises = list(handover.promises.order_by("id").values_list("kind", "description", "value"))
    assert promises == [("gift", "全车脚垫与行车记录仪", Decimal("1200.00")), ("free_service", "首两次保养免费", None)]
    assert FollowUp.objects.filter(vehicle=vehicle, kind="delivery").count() == 3
    assert SpendRecord.objects.get(customer=customer).amount == quote.total
    delivery.prospect.refresh_from_db()
    assert delivery.prospect.customer == customer
    with pytest.raises(Conflict):
        delivery_complete(user=sales_sam, delivery=delivery)


def test_an_existing_customer_is_linked_not_duplicated(sales_sam, advisor_alice, song, tech_pack):
    from showroom.quotes import quote_create
    from showroom.services import prospect_create

    customer = customer_create(user=advisor_alice, name="张三", mobile="13812341234", manual_tags=["VIP"])
    prospect = prospect_create(user=sales_sam, name="张三", mobile="13812341234", source="walk_in")
    quote_create(user=sales_sam, prospect=prospect, car_model_id=song.id)
    prospect_win(user=sales_sam, prospect=prospect)
    started, _ = delivery_start(user=sales_sam, prospect=prospect, vin=VIN)
    ready(sales_sam, started)
    delivery_complete(user=sales_sam, delivery=started)
    started.refresh_from_db()
    assert started.customer == customer and Customer.objects.count() == 1
    assert started.vehicle.owner == customer


def test_the_pdi_report_link_is_signed(sales_sam, delivery):
    assert delivery_for_pdi_token(pdi_token(delivery)) == delivery
    with pytest.raises(PdiLinkInvalid):
        delivery_for_pdi_token(pdi_token(delivery) + "x")
    with pytest.raises(PdiLinkInvalid):
        delivery_for_pdi_token(signing.TimestampSigner(salt="other").sign(str(delivery.pk)))


def test_photos_are_png_or_jpeg_and_small(sales_sam, delivery):
    assert pdi_photo_add(user=sales_sam, delivery=delivery, item="paint", data=PNG).content_type == "image/png"
    with pytest.raises(InvalidInput):
        pdi_photo_add(user=sales_sam, delivery=delivery, item="paint", data=b"GIF89a")
    with pytest.raises(InvalidInput):
        pdi_photo_add(user=sales_sam, delivery=delivery, item="paint", data=PNG + b"0" * (2 * 1024 * 1024))


def test_a_referred_buyer_rewards_both_sides_on_delivery(sales_sam, advisor_alice, song):
    from loyalty.models import Referral
    from loyalty.services import referral_create
    from showroom.quotes import quote_create
    from showroom.services import prospect_create

    referrer = customer_create(user=advisor_alice, name="老王", mobile="13900000001")
    referral_create(user=advisor_alice, referrer_id=referrer.id, prospect_name="小李", prospect_mobile="13700005001")
    prospect = prospect_create(user=sales_sam, name="小李", mobile="13700005001", source="referral", referrer_id=referrer.id)
    quote_create(user=sales_sam, prospect=prospect, car_model_id=song.id)
    prospect_win(user=sales_sam, prospect=prospect)
    started, _ = delivery_start(user=sales_sam, prospect=prospect, vin=VIN)
    ready(sales_sam, started)
    delivery_complete(user=sales_sam, delivery=started)
    started.refresh_from_db()
    assert started.customer.referred_by == referrer
    assert Referral.objects.get().status == "rewarded"
