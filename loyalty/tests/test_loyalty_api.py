import datetime as dt
import json

import pytest
from django.utils import timezone

from conftest import api_client_for
from customers.services import customer_create
from loyalty.services import points_earn

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_redeeming_more_than_the_balance_is_a_422_with_a_field_message(api_alice, customer_a):
    points_earn(customer=customer_a, kind="manual", points=50, reason="测试")

    response = post(api_alice, f"/api/loyalty/customers/{customer_a.pk}/points/redeem", {"points": 51, "service": "洗车"})

    assert response.status_code == 422
    assert "积分余额不足" in response.json()["errors"]["points"]
    assert api_alice.get(f"/api/loyalty/customers/{customer_a.pk}").json()["balance"] == 50


def test_redeem_then_read_the_ledger(api_alice, customer_a):
    points_earn(customer=customer_a, kind="manual", points=50, reason="测试")

    assert (
        post(api_alice, f"/api/loyalty/customers/{customer_a.pk}/points/redeem", {"points": 20, "service": "洗车"}).status_code
        == 201
    )

    ledger = api_alice.get(f"/api/loyalty/customers/{customer_a.pk}/points").json()
    assert [e["points"] for e in ledger["items"]] == [-20, 50] and ledger["count"] == 2
    card = api_alice.get(f"/api/loyalty/customers/{customer_a.pk}").json()
    assert card["balance"] == 30 and card["member_tier"] == "none"


def test_referral_flow_and_double_reward_is_a_409(api_alice, manager_mia, customer_a, advisor_alice):
    body = {"referrer_id": customer_a.pk, "prospect_name": "王五", "prospect_mobile": "13900001111"}
    created = post(api_alice, "/api/loyalty/referrals", body)
    assert created.status_code == 201 and created.json()["prospect_mobile"] == "139****1111"
    assert post(api_alice, "/api/loyalty/referrals", body).status_code == 422
    buyer = customer_create(user=advisor_alice, name="王五", mobile="13900001111")
    manager = api_client_for(manager_mia)
    url = f"/api/loyalty/referrals/{created.json()['id']}/reward"

    assert post(manager, url, {"buyer_id": buyer.pk}).status_code == 200
    second = post(manager, url, {"buyer_id": buyer.pk})

    assert second.status_code == 409 and second.json()["detail"] == "该推荐已奖励过，不能重复奖励"
    assert api_alice.get(f"/api/loyalty/customers/{customer_a.pk}").json()["balance"] == 2000
    chain = api_alice.get(f"/api/loyalty/customers/{buyer.pk}").json()
    assert [r["referrer_id"] for r in chain["referred_by"]] == [customer_a.pk]


def test_event_flow_over_the_api(manager_mia, api_alice, customer_a):
    manager = api_client_for(manager_mia)
    starts_at = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    body = {"title": "夏季养护课堂", "theme": "summer_care_class", "starts_at": starts_at, "capacity": 30}
    assert post(api_alice, "/api/loyalty/events", body).status_code == 403
    bad = post(manager, "/api/loyalty/events", {**body, "theme": "party"})
    assert bad.status_code == 422 and "theme" in bad.json()["errors"]
    event = post(manager, "/api/loyalty/events", body).json()
    assert event["attendance_points"] == 200  # the store's default (policy)

    signup = post(api_alice, f"/api/loyalty/events/{event['id']}/signups", {"customer_id": customer_a.pk})
    assert signup.status_code == 201
    assert post(api_alice, f"/api/loyalty/events/{event['id']}/signups", {"customer_id": customer_a.pk}).status_code == 409
    assert post(api_alice, f"/api/loyalty/signups/{signup.json()['id']}/attend", {}).status_code == 200
    assert post(api_alice, f"/api/loyalty/signups/{signup.json()['id']}/feedback", {"score": 9}).status_code == 422

    detail = api_alice.get(f"/api/loyalty/events/{event['id']}").json()
    assert (detail["signed_up"], detail["attended"]) == (1, 1)
    assert api_alice.get(f"/api/loyalty/customers/{customer_a.pk}").json()["balance"] == 200


def test_referral_rate_stats(api_alice):
    today = timezone.localdate().isoformat()
    response = api_alice.get(f"/api/loyalty/referrals/stats?since={today}")
    assert response.status_code == 200 and response.json()["rate"] is None


def test_tier_rules_of_the_users_store(api_alice, store_a, store_b):
    rules = api_alice.get("/api/loyalty/tiers").json()
    assert rules["store_id"] == store_a.pk
    assert [t["tier"] for t in rules["tiers"]] == ["silver", "gold", "platinum"]
    assert rules["tiers"][2]["benefits"]["free_washes_per_year"] == 2
    assert api_alice.get(f"/api/loyalty/tiers?store_id={store_b.pk}").status_code == 422
