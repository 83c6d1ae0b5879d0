"""DOMAIN §1 / §15: a walk-in starts the 3-minute registration clock; reception sees the visitor's
hidden identity (existing customer, referrer, fleet potential, open complaint)."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import Conflict, InvalidInput
from core.models import StoreSetting
from customers.services import customer_create
from showroom.models import Prospect, WalkIn
from showroom.selectors import visitor_identity
from showroom.services import walk_in_arrive, walk_in_register


def test_the_clock_is_three_minutes_by_default(sales_sam):
    walk_in = walk_in_arrive(user=sales_sam, visitor_label="两位")
    assert walk_in.register_due_at - walk_in.arrived_at == dt.timedelta(minutes=3)


def test_the_clock_follows_the_store_policy(sales_sam, store_a):
    StoreSetting.objects.create(store=store_a, key="contacts.walk_in_register_minutes", value="5")
    walk_in = walk_in_arrive(user=sales_sam)
    assert walk_in.register_due_at - walk_in.arrived_at == dt.timedelta(minutes=5)


def test_registration_creates_a_visited_walk_in_prospect(sales_sam):
    walk_in = walk_in_arrive(user=sales_sam)
    walk_in_register(user=sales_sam, walk_in=walk_in, name="刘芳", mobile="13700001002", main_need="通勤代步")
    walk_in.refresh_from_db()
    prospect = walk_in.prospect
    assert walk_in.registered_on_time()
    assert (prospect.source, prospect.status, prospect.main_need) == ("walk_in", "visited", "通勤代步")
    assert prospect.first_visit_at == walk_in.arrived_at


def test_a_visitor_with_an_open_prospect_continues_it(sales_sam, prospect):
    walk_in = walk_in_arrive(user=sales_sam)
    walk_in_register(user=sales_sam, walk_in=walk_in, name="陈晓明", mobile="13700001001", main_need="看车")
    assert Prospect.objects.get().status == "visited" and WalkIn.objects.get().prospect == prospect


def test_a_late_registration_is_recorded_as_late(sales_sam):
    walk_in = walk_in_arrive(user=sales_sam, at=timezone.now() - dt.timedelta(minutes=4))
    walk_in_register(user=sales_sam, walk_in=walk_in, name="刘芳", mobile="13700001002", main_need="通勤")
    walk_in.refresh_from_db()
    assert not walk_in.registered_on_time()


def test_registration_needs_the_main_need_and_happens_once(sales_sam):
    walk_in = walk_in_arrive(user=sales_sam)
    with pytest.raises(InvalidInput) as exc:
        walk_in_register(user=sales_sam, walk_in=walk_in, name="刘芳", mobile="13700001002", main_need=" ")
    assert exc.value.errors == {"main_need": "请填写主要需求"}
    assert not Prospect.objects.exists()
    walk_in_register(user=sales_sam, walk_in=walk_in, name="刘芳", mobile="13700001002", main_need="通勤")
    with pytest.raises(Conflict):
        walk_in_register(user=sales_sam, walk_in=walk_in, name="刘芳", mobile="13700001002", main_need="通勤")


def test_the_hidden_identity_shows_customer_referrer_fleet_and_complaints(sales_sam, advisor_alice, store_a):
    from complaints.services import complaint_open

    referrer = customer_create(user=advisor_alice, name="老王", mobile="13900000001")
    customer = customer_create(
        user=advisor_alice, name="张三", mobile="13812341234", company="顺风物流", referred_by_id=referrer.id
    )
    complaint_open(user=advisor_alice, customer=customer, title="异响", description="x", category="repair", channel="phone")
    identity = visitor_identity(user=sales_sam, store_id=store_a.id, mobile="+8613812341234")
    assert identity["customer"]["name"] == "张三"
    assert identity["referrer"]["name"] == "老王" and identity["referrer"]["mobile"] == "139****0001"
    assert identity["fleet"] is True and identity["open_complaints"] == 1


def test_a_stranger_has_no_hidden_identity(sales_sam, store_a, store_b):
    identity = visitor_identity(user=sales_sam, store_id=store_a.id, mobile="+8613700009999")
    assert identity["customer"] is None and identity["prospect"] is None
    assert visitor_identity(user=sales_sam, store_id=store_b.id, mobile="+8613700009999") == {}


def test_reception_is_one_salesperson_plus_one_service_advisor(sales_sam, sales_sue, advisor_alice, advisor_bob):
    walk_in = walk_in_arrive(user=sales_sam, service_advisor_id=advisor_alice.id)
    assert (walk_in.salesperson, walk_in.service_advisor) == (sales_sam, advisor_alice)
    for other in (sales_sue, advisor_bob):  # not an advisor; not of this store
        with pytest.raises(InvalidInput) as exc:
            walk_in_arrive(user=sales_sam, service_advisor_id=other.id)
        assert "service_advisor_id" in exc.value.errors
