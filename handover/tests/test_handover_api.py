"""The handover through /api/handover and the pages: open by hand, submit, confirm, correct;
bad input is a 4xx with field messages and nothing changed; other stores' handovers are 404."""

import json

import pytest
from django.utils import timezone

from conftest import api_client_for
from handover.models import Handover
from handover.tests.conftest import open_handover

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_whole_form_through_the_api(sales_sam, advisor_alice, delivered_vehicle):
    sales, service = api_client_for(sales_sam), api_client_for(advisor_alice)
    response = _post(sales, "/api/handover", {"vehicle_id": delivered_vehicle.pk})
    assert response.status_code == 201, response.content
    handover_id = response.json()["id"]
    assert (
        _post(
            sales, f"/api/handover/{handover_id}/promises", {"kind": "gift", "description": "行车记录仪", "value": "399"}
        ).status_code
        == 201
    )
    submitted = _post(sales, f"/api/handover/{handover_id}/submit", {"worries": "担心油耗", "preferred_channel": "phone"})
    assert submitted.status_code == 200 and submitted.json()["fields_checked"] == 8
    assert _post(service, f"/api/handover/{handover_id}/confirm", {}).json()["status"] == "confirmed"
    correction = _post(service, f"/api/handover/{handover_id}/corrections", {"field": "preferred_channel", "new_value": "wechat"})
    assert correction.status_code == 201
    assert sales.get(f"/api/handover/{handover_id}").json()["accuracy_percent"] == 87.5
    promises = service.get(f"/api/handover/vehicles/{delivered_vehicle.pk}/promises").json()
    assert [p["description"] for p in promises] == ["行车记录仪"]
    today = timezone.localdate().isoformat()
    assert service.get("/api/handover/accuracy", {"since": today, "until": today}).json()["accuracy_percent"] == 87.5
    assert [h["id"] for h in service.get("/api/handover", {"view": "confirmed"}).json()["items"]] == [handover_id]


def test_opening_for_a_car_not_delivered_is_a_422_and_nothing_changes(sales_sam, vehicle_a):
    response = _post(api_client_for(sales_sam), "/api/handover", {"vehicle_id": vehicle_a.pk})
    assert response.status_code == 422
    assert response.json()["errors"] == {"vehicle_id": "车辆尚未交车，不能建立交接表"}
    assert Handover.objects.count() == 0


def test_bad_submit_input_is_a_422_with_field_messages(sales_sam, delivered_vehicle):
    handover = open_handover(user=sales_sam, vehicle=delivered_vehicle, salesperson=sales_sam)
    response = _post(api_client_for(sales_sam), f"/api/handover/{handover.pk}/submit", {"preferred_channel": "pigeon"})
    assert response.status_code == 422 and "preferred_channel" in response.json()["errors"]
    handover.refresh_from_db()
    assert handover.status == "open" and handover.submitted_at is None


def test_another_stores_handover_is_404(sales_sam, delivered_vehicle, advisor_bob):
    handover = open_handover(user=sales_sam, vehicle=delivered_vehicle, salesperson=sales_sam)
    bob = api_client_for(advisor_bob)
    assert bob.get(f"/api/handover/{handover.pk}").status_code == 404
    assert _post(bob, f"/api/handover/{handover.pk}/confirm", {}).status_code == 404
    assert bob.get(f"/api/handover/vehicles/{delivered_vehicle.pk}/promises").status_code == 404
    assert bob.get("/api/handover", {"view": "all"}).json()["items"] == []


def test_the_pages_render_and_the_form_submits(client, sales_sam, advisor_alice, delivered_vehicle, advisor_bob):
    handover = open_handover(user=sales_sam, vehicle=delivered_vehicle, salesperson=sales_sam)
    client.force_login(sales_sam)
    assert "交接表" in client.get("/handover/?view=late").content.decode()
    page = client.get(f"/handover/{handover.pk}/").content.decode()
    assert "全车脚垫" in page and "提交交接表" in page
    bad = client.post(f"/handover/{handover.pk}/submit/", {"preferred_channel": "pigeon"})
    assert bad.status_code == 422
    fields = {"worries": "担心油耗", "preferred_channel": "wechat", "key_options": "全景天窗"}
    assert client.post(f"/handover/{handover.pk}/submit/", fields).status_code == 302
    client.force_login(advisor_alice)
    assert client.post(f"/handover/{handover.pk}/confirm/").status_code == 302
    assert (
        client.post(f"/handover/{handover.pk}/corrections/", {"field": "worries", "new_value": "担心保养费用"}).status_code == 302
    )
    card = client.get(f"/handover/customer/{delivered_vehicle.owner_id}/card/").content.decode()
    assert "全车脚垫" in card
    assert "两次免费保养" in client.get(f"/handover/vehicle/{delivered_vehicle.pk}/promises/").content.decode()
    client.force_login(advisor_bob)
    assert client.get(f"/handover/{handover.pk}/").status_code == 404
    assert client.get(f"/handover/customer/{delivered_vehicle.owner_id}/card/").status_code == 404


def test_the_360_card_offers_to_open_a_handover_for_a_delivered_car(client, advisor_alice, delivered_vehicle):
    client.force_login(advisor_alice)
    card = client.get(f"/handover/customer/{delivered_vehicle.owner_id}/card/").content.decode()
    assert "建立交接表" in card
    response = client.post(f"/handover/open/{delivered_vehicle.pk}/")
    handover = Handover.objects.get()
    assert response.url == f"/handover/{handover.pk}/"
