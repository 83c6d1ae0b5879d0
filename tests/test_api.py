"""The REST API as a client sees it: auth, the acceptance contract, error shape, paging."""

import json

import pytest

from conftest import BAD_CHECK_DIGIT_VIN
from customers.models import Customer


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_it_issues_a_token_for_good_credentials_only(client, advisor_alice):
    response = post(client, "/api/auth/token", {"username": "alice", "password": "pw-secret-1"})
    assert response.status_code == 200 and response.json()["token"]
    bad = post(client, "/api/auth/token", {"username": "alice", "password": "nope"})
    assert bad.status_code == 401 and bad.json()["detail"]


def test_calls_without_a_valid_token_are_401(client, db):
    assert client.get("/api/customers").status_code == 401
    assert client.get("/api/customers", HTTP_AUTHORIZATION="Bearer junk").status_code == 401


def test_the_acceptance_flow(api_alice, store_a):
    created = post(
        api_alice,
        "/api/customers",
        {"name": "赵六", "mobile": "13600001111", "birthday": "1985-08-15", "birthday_is_lunar": True},
    )
    assert created.status_code == 201, created.content
    customer_id = created.json()["id"]
    vehicle = post(
        api_alice,
        "/api/vehicles",
        {
            "customer_id": customer_id,
            "vin": BAD_CHECK_DIGIT_VIN,
            "plate": "粤A·12345",
            "model": "帕萨特",
            "powertrain": "petrol",
            "purchase_date": "2024-01-01",
        },
    )
    assert vehicle.status_code == 201, vehicle.content
    assert vehicle.json()["warnings"] and vehicle.json()["plate"] == "粤A12345"
    reading = post(api_alice, f"/api/vehicles/{vehicle.json()['id']}/odometer", {"km": 1200, "read_on": "2024-06-01"})
    assert reading.status_code == 201
    found = api_alice.get("/api/customers", {"q": "粤a12345"}).json()
    assert [(item["id"], item["name"], item["mobile"]) for item in found["items"]] == [(customer_id, "赵六", "136****1111")]
    assert Customer.objects.get(pk=customer_id).store_id == store_a.id


def test_invalid_fields_give_422_with_field_messages_and_change_nothing(api_alice, customer_a):
    for body, field in [
        ({"name": "王五", "mobile": "12345"}, "mobile"),
        ({"name": "王五", "mobile": "13600001111", "birthday": "1985-13-01"}, "birthday"),
        ({"mobile": "13600001111"}, "name"),
        ({"name": "王五", "mobile": 13600001111, "manual_tags": "x"}, "manual_tags"),
    ]:
        response = post(api_alice, "/api/customers", body)
        assert response.status_code == 422, body
        assert set(response.json()) == {"detail", "errors"} and field in response.json()["errors"]
    assert Customer.objects.count() == 1


def test_a_duplicate_mobile_is_409_naming_the_existing_customer(api_alice, customer_a):
    response = post(api_alice, "/api/customers", {"name": "张三", "mobile": "138 1234 1234"})
    assert response.status_code == 409
    assert response.json()["existing_customer_id"] == customer_a.id and "mobile" in response.json()["errors"]


def test_bad_vehicle_and_odometer_input_is_422(api_alice, customer_a, vehicle_a):
    base = {
        "customer_id": customer_a.id,
        "vin": "LSVAB2BM5KN000009",
        "plate": "粤A12345",
        "model": "X",
        "powertrain": "petrol",
        "purchase_date": "2024-01-01",
    }
    for change, field in [
        ({"vin": "IOQ"}, "vin"),
        ({"plate": "12345"}, "plate"),
        ({"purchase_date": "yesterday"}, "purchase_date"),
        ({"powertrain": "coal"}, "powertrain"),
    ]:
        response = post(api_alice, "/api/vehicles", {**base, **change})
        assert response.status_code == 422 and field in response.json()["errors"], (change, response.content)
    post(api_alice, f"/api/vehicles/{vehicle_a.id}/odometer", {"km": 5000, "read_on": "2025-01-01"})
    lower = post(api_alice, f"/api/vehicles/{vehicle_a.id}/odometer", {"km": 4000, "read_on": "2025-02-01"})
    assert lower.status_code == 422 and "km" in lower.json()["errors"]


def test_page_size_is_capped_not_refused(api_alice, customer_a):
    page = api_alice.get("/api/customers", {"limit": 100000, "offset": -5}).json()
    assert (page["limit"], page["offset"], page["count"]) == (100, 0, 1)


def test_patch_changes_only_what_is_sent(api_alice, customer_a):
    response = api_alice.patch(
        f"/api/customers/{customer_a.id}", json.dumps({"company": "顺达物流"}), content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["company"] == "顺达物流" and response.json()["name"] == "张三"


def test_interactions_are_listed_per_customer(api_alice, customer_a):
    created = post(
        api_alice,
        "/api/interactions",
        {"customer_id": customer_a.id, "channel": "wechat", "direction": "in", "summary": "咨询保养"},
    )
    assert created.status_code == 201
    listed = api_alice.get("/api/interactions", {"customer_id": customer_a.id}).json()
    assert [i["summary"] for i in listed["items"]] == ["咨询保养"]


def test_malformed_and_oversized_bodies_are_4xx_and_store_nothing(api_alice):
    assert api_alice.post("/api/customers", "{{{", content_type="application/json").status_code == 400
    big = json.dumps({"name": "x" * 2_000_000, "mobile": "13600001111"})
    response = api_alice.post("/api/customers", big, content_type="application/json")
    assert response.status_code == 413 and response.json()["detail"]
    injection = post(
        api_alice, "/api/customers", {"name": "'); DROP TABLE customers_customer; --", "mobile": "13600001111' OR '1'='1"}
    )
    assert injection.status_code == 422
    assert not Customer.objects.exists()


def test_absurd_ids_and_offsets_are_4xx(api_alice):
    assert api_alice.get("/api/customers/" + "9" * 30).status_code in (404, 422)
    assert api_alice.get("/api/customers", {"offset": 10**30}).status_code == 200


@pytest.mark.parametrize("limit", ["abc", "-1", "0", "1e9"])
def test_junk_paging_never_errors_with_500(api_alice, limit):
    assert api_alice.get("/api/customers", {"limit": limit}).status_code in (200, 422)


def test_text_with_a_nul_character_is_refused_before_any_service_runs(api_alice, customer_a):
    """PostgreSQL cannot store U+0000; the API says so on both databases instead of failing halfway."""
    from customers.models import Interaction

    body = {"customer_id": customer_a.id, "channel": "wechat", "direction": "in", "summary": "咨询\u0000保养"}
    response = post(api_alice, "/api/interactions", body)
    assert response.status_code == 400 and "空字符" in response.json()["detail"]
    assert not Interaction.objects.exists()
    assert post(api_alice, "/api/interactions", {**body, "summary": "咨询保养"}).status_code == 201
