"""The showroom API: the same services as the pages; bad input → 422 {"detail", "errors"} in Chinese."""

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import api_client_for
from showroom.models import Prospect, Quote, TestDrive
from showroom.tests.conftest import soon


@pytest.fixture
def api_sam(sales_sam):
    return api_client_for(sales_sam)


@pytest.fixture
def api_mia(manager_mia):
    return api_client_for(manager_mia)


def post(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def test_a_walk_in_to_a_quote_through_the_api(api_sam, song, tech_pack, demo_car, plan_36):
    walk_in = post(api_sam, "/api/showroom/walk-ins", {"visitor_label": "一家三口"}).json()
    registered = post(
        api_sam,
        f"/api/showroom/walk-ins/{walk_in['id']}/register",
        {"name": "刘芳", "mobile": "13700001002", "main_need": "家用SUV"},
    )
    assert registered.status_code == 200 and registered.json()["registered_on_time"] is True
    prospect_id = registered.json()["prospect_id"]
    interview = {"usage_scenarios": ["family"], "top_concerns": ["space", "energy_cost"], "budget_band": "150_200k"}
    assert post(api_sam, f"/api/showroom/prospects/{prospect_id}/interview", interview).status_code == 200
    drive = post(
        api_sam,
        f"/api/showroom/prospects/{prospect_id}/test-drives",
        {"demo_car_id": demo_car.id, "starts_at": soon().isoformat(), "licence_checked": True},
    )
    assert drive.status_code == 201
    assert post(api_sam, f"/api/showroom/test-drives/{drive.json()['id']}/feedback", {"rating": 5}).status_code == 200
    body = {
        "car_model_id": song.id,
        "package_ids": [tech_pack.id],
        "lines": [{"kind": "discount", "description": "店庆优惠", "amount": "2000"}],
        "promises": [{"kind": "gift", "description": "脚垫", "value": "300"}],
        "finance_plan_id": plan_36.id,
        "down_payment": "50000",
    }
    quote = post(api_sam, f"/api/showroom/prospects/{prospect_id}/quotes", body)
    assert quote.status_code == 201, quote.content
    assert quote.json()["total"] == "166600.00" and quote.json()["promises"][0]["description"] == "脚垫"
    detail = api_sam.get(f"/api/showroom/prospects/{prospect_id}").json()
    assert (detail["status"], detail["mobile"]) == ("quote", "137****1002")
    won = post(api_sam, f"/api/showroom/prospects/{prospect_id}/win", {})
    assert won.json()["status"] == "won" and won.json()["won_quote_id"] == quote.json()["id"]


def test_won_without_a_quote_is_a_chinese_422(api_sam, prospect):
    response = post(api_sam, f"/api/showroom/prospects/{prospect.id}/win", {})
    assert response.status_code == 422
    assert response.json()["errors"] == {"quote_id": "尚未出具报价单，不能标记成交"}
    assert Prospect.objects.get().status == "new"


def test_a_negative_quote_amount_is_a_chinese_422(api_sam, prospect, song):
    body = {"car_model_id": song.id, "lines": [{"kind": "option", "description": "座椅", "amount": "-1"}]}
    response = post(api_sam, f"/api/showroom/prospects/{prospect.id}/quotes", body)
    assert response.status_code == 422 and response.json()["errors"] == {"lines.0.amount": "金额不能为负数"}
    assert not Quote.objects.exists()


def test_a_test_drive_without_licence_check_is_a_chinese_422(api_sam, prospect, demo_car):
    body = {"demo_car_id": demo_car.id, "starts_at": soon().isoformat(), "licence_checked": False}
    response = post(api_sam, f"/api/showroom/prospects/{prospect.id}/test-drives", body)
    assert response.status_code == 422 and "驾驶证" in response.json()["errors"]["licence_checked"]
    assert not TestDrive.objects.exists()


def test_a_double_booking_is_a_409(api_sam, prospect, demo_car):
    body = {"demo_car_id": demo_car.id, "starts_at": soon().isoformat(), "licence_checked": True}
    assert post(api_sam, f"/api/showroom/prospects/{prospect.id}/test-drives", body).status_code == 201
    response = post(api_sam, f"/api/showroom/prospects/{prospect.id}/test-drives", body)
    assert response.status_code == 409 and response.json()["errors"] == {"starts_at": "该时段已被预约"}


def test_a_duplicate_mobile_is_a_409(api_sam, prospect):
    response = post(api_sam, "/api/showroom/prospects", {"name": "陈", "mobile": "13700001001", "source": "phone"})
    assert response.status_code == 409 and "mobile" in response.json()["errors"]


def test_the_identity_lookup(api_sam, customer_a):
    response = api_sam.get("/api/showroom/prospects/identity", {"mobile": "13812341234"})
    assert response.json()["customer"]["name"] == "张三"


def test_delivery_without_pdi_is_a_chinese_422(api_sam, sales_sam, prospect, quote):
    from showroom.services import prospect_win

    prospect_win(user=sales_sam, prospect=prospect)
    delivery = post(api_sam, f"/api/showroom/prospects/{prospect.id}/delivery", {"vin": "LGXCE4CB0N0000007"})
    assert delivery.status_code == 201
    response = api_sam.post(f"/api/showroom/deliveries/{delivery.json()['id']}/complete")
    assert response.status_code == 422 and "PDI" in response.json()["errors"]["pdi"]
    link = api_sam.get(f"/api/showroom/deliveries/{delivery.json()['id']}/pdi-link").json()["url"]
    assert "/pdi/" in link


def test_managers_configure_and_salespeople_may_not(api_mia, api_sam, song):
    plan = {"name": "一年免息", "annual_rate_percent": "0", "term_months": 12, "fees": "2000", "min_down_payment_percent": "30"}
    assert post(api_mia, "/api/showroom/finance-plans", plan).status_code == 201
    assert post(api_sam, "/api/showroom/finance-plans", plan).status_code == 403
    bad = {**plan, "annual_rate_percent": "-1"}
    assert post(api_mia, "/api/showroom/finance-plans", bad).status_code == 422
    rule = {"budget_band": "150_200k", "usage": "family", "powertrain_preference": "any", "car_model_id": song.id}
    created = post(api_mia, "/api/showroom/matrix", rule)
    assert created.status_code == 201 and post(api_mia, "/api/showroom/matrix", rule).status_code == 409
    assert api_mia.delete(f"/api/showroom/matrix/{created.json()['id']}").status_code == 204


def test_finance_compare_and_model_comparison(api_sam, plan_36, song, accord):
    result = post(api_sam, "/api/showroom/finance/compare", {"price": "200000", "down_payment": "60000"}).json()
    assert result["loans"][0]["monthly_payment"] == "4102.29" and result["loans"][0]["total_cost"] == "209182.44"
    compared = api_sam.get("/api/showroom/catalogue/compare", {"first": song.id, "second": accord.id}).json()
    # 15 000 km/year: 宋 3.8 L × 150 × 8.00 + 14.5 kWh × 150 × 0.60 = 4 560 + 1 305; 雅阁 6.3 × 150 × 8 = 7 560
    assert [c["running_cost"]["energy"] for c in compared] == ["5865.00", "7560.00"]
    assert compared[0]["running_cost"]["total"] == "6865.00"


def test_recommendations_follow_the_matrix(api_sam, sales_sam, manager_mia, prospect, song, accord):
    from showroom.catalogue import recommendation_rule_add
    from showroom.services import prospect_interview

    recommendation_rule_add(
        user=manager_mia, budget_band="150_200k", usage="family", powertrain_preference="hybrid", car_model_id=song.id
    )
    recommendation_rule_add(
        user=manager_mia, budget_band="150_200k", usage="commute", powertrain_preference="any", car_model_id=accord.id
    )
    recommendation_rule_add(
        user=manager_mia, budget_band="200_300k", usage="family", powertrain_preference="any", car_model_id=accord.id
    )
    prospect_interview(
        user=sales_sam,
        prospect=prospect,
        usage_scenarios=["family"],
        top_concerns=["space"],
        powertrain_preference="hybrid",
        budget_band="150_200k",
    )
    models = api_sam.get(f"/api/showroom/prospects/{prospect.id}/recommendations").json()
    assert [m["model"] for m in models] == ["宋PLUS DM-i"]


def test_the_funnel_and_kpi_range_check(api_sam, prospect):
    today = timezone.localdate().isoformat()
    assert api_sam.get("/api/showroom/funnel", {"since": today, "until": today}).json()["totals"]["leads"] == 1
    assert api_sam.get("/api/showroom/funnel", {"since": today, "until": "2000-01-01"}).status_code == 422


def test_lists(api_sam, prospect, quote):
    assert api_sam.get("/api/showroom/prospects", {"status": "open"}).json()["count"] == 1
    assert api_sam.get(f"/api/showroom/prospects/{prospect.id}/quotes").json()[0]["total"] == str(Decimal("168600.00"))
    assert api_sam.get(f"/api/showroom/quotes/{quote.id}").json()["version"] == 1
