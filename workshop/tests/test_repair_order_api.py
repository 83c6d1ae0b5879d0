"""/api/repair-orders: the same services as the pages; errors as {"detail", "errors"} and nothing changed."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from conftest import api_client_for
from workshop.models import RepairOrder
from workshop.tests.conftest import approved_order


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def api_tom(technician_tom):
    return api_client_for(technician_tom)


def test_the_whole_order_through_the_api(api_alice, api_tom, leader_lee, vehicle_a, technician_tom):
    response = _post(
        api_alice, "/api/repair-orders", {"vehicle_id": vehicle_a.pk, "odometer_km": 15000, "technician_id": technician_tom.pk}
    )
    assert response.status_code == 201, response.json()
    order_id = response.json()["id"]
    base = f"/api/repair-orders/{order_id}"
    assert (
        _post(
            api_alice, f"{base}/record", {"complaint": "空调不制冷", "system": "air_conditioning", "walk_around": "完好"}
        ).status_code
        == 200
    )
    promised = (timezone.now() + dt.timedelta(hours=4)).isoformat()
    assert _post(api_alice, f"{base}/plan", {"diagnosis": "冷媒不足", "promised_at": promised}).status_code == 200
    item = _post(api_alice, f"{base}/items", {"kind": "parts", "description": "冷媒", "quantity": "1", "unit_price": "260.00"})
    assert item.status_code == 201 and item.json()["amount"] == "260.00"
    approved = _post(api_alice, f"{base}/approve", {"method": "wechat"})
    assert approved.json()["state"] == "confirmed" and approved.json()["needs_approval"] is False
    assert _post(api_tom, f"{base}/start").json()["state"] == "in_progress"
    assert _post(api_tom, f"{base}/submit-qc").json()["state"] == "qc"
    assert _post(api_tom, f"{base}/qc", {"level": 1, "passed": True}).status_code == 201
    assert _post(api_client_for(leader_lee), f"{base}/qc", {"level": 2, "passed": True}).status_code == 201
    assert _post(api_alice, f"{base}/qc", {"level": 3, "passed": True}).status_code == 201
    delivered = _post(api_alice, f"{base}/deliver", {"old_parts_shown": True, "next_visit_advice": "半年后检查空调"})
    assert delivered.json()["state"] == "delivered" and delivered.json()["current_step"] == 7
    assert _post(api_alice, f"{base}/close").json()["state"] == "closed"
    events = api_alice.get(f"{base}/events").json()
    assert [e["to_state"] for e in events if e["kind"] == "transition"][-1] == "closed"
    assert "/p/" in api_alice.get(f"{base}/progress-link").json()["url"]


def test_bad_input_is_a_field_error_and_changes_nothing(api_alice, order_a):
    base = f"/api/repair-orders/{order_a.pk}"
    response = _post(api_alice, f"{base}/items", {"kind": "parts", "description": "机油", "quantity": "-2", "unit_price": "50"})
    assert response.status_code == 422 and "quantity" in response.json()["errors"]
    response = _post(api_alice, f"{base}/items", {"kind": "parts", "description": "机油", "quantity": "1", "unit_price": "-5"})
    assert response.status_code == 422 and "unit_price" in response.json()["errors"]
    response = _post(api_alice, f"{base}/items", {"kind": "parts", "description": "机油", "quantity": "x", "unit_price": "5"})
    assert response.status_code == 422
    response = _post(api_alice, f"{base}/plan", {"diagnosis": "x", "promised_at": "not a time"})
    assert response.status_code == 422 and "promised_at" in response.json()["errors"]
    assert RepairOrder.objects.get(pk=order_a.pk).estimate_version == 0


def test_an_illegal_transition_is_409(api_alice, order_a):
    response = _post(api_alice, f"/api/repair-orders/{order_a.pk}/deliver", {"old_parts_shown": True})
    assert response.status_code == 409 and set(response.json()) == {"detail", "errors"}
    response = _post(api_alice, f"/api/repair-orders/{order_a.pk}/close")
    assert response.status_code == 409


def test_a_naive_promised_time_is_local(api_alice, advisor_alice, order_a):
    from workshop import services

    services.repair_order_record(user=advisor_alice, order=order_a, complaint="异响", system="brakes", walk_around="完好")
    local = timezone.localtime(timezone.now() + dt.timedelta(hours=2)).replace(tzinfo=None, microsecond=0)
    response = _post(api_alice, f"/api/repair-orders/{order_a.pk}/plan", {"diagnosis": "x", "promised_at": local.isoformat()})
    assert response.status_code == 200
    assert timezone.localtime(RepairOrder.objects.get(pk=order_a.pk).promised_at).replace(tzinfo=None) == local


def test_the_list_filters_and_pages(api_alice, advisor_alice, order_a):
    assert api_alice.get("/api/repair-orders", {"state": "draft"}).json()["count"] == 1
    assert api_alice.get("/api/repair-orders", {"state": "ready"}).json()["count"] == 0
    assert (
        api_alice.get("/api/repair-orders", {"advisor_id": advisor_alice.pk, "limit": 1}).json()["items"][0]["id"] == order_a.pk
    )


def test_my_jobs_lists_the_technicians_orders(api_tom, advisor_alice, vehicle_a, technician_tom):
    order = approved_order(advisor_alice, vehicle_a, technician_tom)
    assert [o["id"] for o in api_tom.get("/api/repair-orders/mine").json()] == [order.pk]


def test_another_stores_order_is_404(api_bob, order_a):
    assert api_bob.get(f"/api/repair-orders/{order_a.pk}").status_code == 404
    assert _post(api_bob, f"/api/repair-orders/{order_a.pk}/cancel", {"reason": "x"}).status_code == 404
    assert api_bob.get("/api/repair-orders").json()["count"] == 0
    assert RepairOrder.objects.get(pk=order_a.pk).state == "draft"


def test_opening_for_another_stores_vehicle_is_404(api_bob, vehicle_a):
    response = _post(api_bob, "/api/repair-orders", {"vehicle_id": vehicle_a.pk, "odometer_km": 1})
    assert response.status_code == 404


def test_a_team_leader_sees_the_cars_waiting_in_qc(advisor_alice, vehicle_a, technician_tom, leader_lee):
    order = approved_order(advisor_alice, vehicle_a, technician_tom)
    from workshop import services

    services.repair_order_start(user=technician_tom, order=order)
    services.repair_order_submit_qc(user=technician_tom, order=order)
    assert [o["id"] for o in api_client_for(leader_lee).get("/api/repair-orders/mine").json()] == [order.pk]


def test_an_item_is_repriced_through_the_api(api_alice, advisor_alice, order_a):
    from workshop.tests.conftest import plan_order

    item = plan_order(advisor_alice, order_a).items.first()
    url = f"/api/repair-orders/{order_a.pk}/items/{item.pk}"
    response = api_alice.patch(url, json.dumps({"unit_price": "210.00"}), content_type="application/json")
    assert response.status_code == 200 and response.json()["amount"] == "315.00"
    bad = api_alice.patch(url, json.dumps({"quantity": "0"}), content_type="application/json")
    assert bad.status_code == 422 and "quantity" in bad.json()["errors"]
