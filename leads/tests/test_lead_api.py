"""Leads through /api/leads and the pages: record, the salesperson's list, follow-up, reassign;
bad input is a 4xx with field messages and nothing changed; other stores' leads are 404."""

import json

import pytest
from django.utils import timezone

from conftest import api_client_for
from leads.models import Lead

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_record_follow_up_and_close_through_the_api(advisor_alice, sams_customer, sales_sam, vehicle_a):
    body = {
        "customer_id": sams_customer.pk,
        "vehicle_id": vehicle_a.pk,
        "kind": "referral",
        "grade": "A",
        "description": "朋友想买车",
    }
    response = _post(api_client_for(advisor_alice), "/api/leads", body)
    assert response.status_code == 201, response.content
    lead = response.json()
    assert (lead["salesperson_id"], lead["status"]) == (sales_sam.pk, "pushed")
    sales = api_client_for(sales_sam)
    assert [item["id"] for item in sales.get("/api/leads", {"view": "mine"}).json()["items"]] == [lead["id"]]
    closed = _post(sales, f"/api/leads/{lead['id']}/follow-ups", {"note": "已成交", "outcome": "won", "sale_amount": "159900"})
    assert closed.json()["status"] == "won"
    today = timezone.localdate().isoformat()
    assert sales.get("/api/leads/measures", {"since": today, "until": today}).json()["conversion_percent"] == 100.0
    assert sales.get("/api/leads/bonus", {"month": today}).json()[0]["converted"] == 1
    assert len(sales.get(f"/api/leads/{lead['id']}/follow-ups").json()) == 1


def test_bad_input_is_a_422_and_nothing_changes(advisor_alice, sams_customer):
    body = {"customer_id": sams_customer.pk, "kind": "trade_in", "grade": "Z", "description": "x"}
    response = _post(api_client_for(advisor_alice), "/api/leads", body)
    assert response.status_code == 422 and response.json()["errors"] == {"grade": "请选择线索等级（A 或 B）"}
    assert Lead.objects.count() == 0


def test_the_manager_reassigns(advisor_alice, sams_customer, sales_sue, manager_mia):
    body = {"customer_id": sams_customer.pk, "kind": "trade_in", "grade": "A", "description": "想换车"}
    lead_id = _post(api_client_for(advisor_alice), "/api/leads", body).json()["id"]
    manager = api_client_for(manager_mia)
    assert _post(manager, f"/api/leads/{lead_id}/assign", {"salesperson_id": advisor_alice.pk}).status_code == 422
    assert (
        _post(manager, f"/api/leads/{lead_id}/assign", {"salesperson_id": sales_sue.pk}).json()["salesperson_id"] == sales_sue.pk
    )
    assert _post(api_client_for(sales_sue), f"/api/leads/{lead_id}/assign", {"salesperson_id": sales_sue.pk}).status_code == 403


def test_another_stores_lead_and_customer_are_404(advisor_alice, sams_customer, advisor_bob, client):
    body = {"customer_id": sams_customer.pk, "kind": "trade_in", "grade": "A", "description": "想换车"}
    lead_id = _post(api_client_for(advisor_alice), "/api/leads", body).json()["id"]
    bob = api_client_for(advisor_bob)
    assert bob.get(f"/api/leads/{lead_id}").status_code == 404
    assert _post(bob, "/api/leads", body).status_code == 404
    client.force_login(advisor_bob)
    assert client.get(f"/leads/{lead_id}/").status_code == 404
    assert client.get(f"/leads/customer/{sams_customer.pk}/card/").status_code == 404
    assert client.post(f"/leads/customer/{sams_customer.pk}/record/", {}).status_code == 404


def test_the_pages(client, advisor_alice, sams_customer, sales_sam, manager_mia):
    client.force_login(advisor_alice)
    card = client.get(f"/leads/customer/{sams_customer.pk}/card/?source=repair_order&vehicle=1&ref=9").content.decode()
    assert "记录线索" in card
    form = {"kind": "trade_in", "grade": "A", "description": "想换SUV", "source": "repair_order", "source_ref": "9"}
    saved = client.post(f"/leads/customer/{sams_customer.pk}/record/", form, HTTP_HX_REQUEST="true")
    assert "已推送给销售顾问" in saved.content.decode()
    bad = client.post(f"/leads/customer/{sams_customer.pk}/record/", {**form, "grade": "C"})
    assert bad.status_code == 422 and Lead.objects.count() == 1
    lead = Lead.objects.get()
    assert lead.source_ref == "9"
    for url in ("/leads/?view=recorded", "/leads/suggestions/", "/leads/report/?month=2026-11", f"/leads/{lead.pk}/"):
        assert client.get(url).status_code == 200, url
    client.force_login(sales_sam)
    assert "想换SUV" in client.get("/leads/").content.decode()
    assert client.post(f"/leads/{lead.pk}/follow-up/", {"note": ""}).status_code == 422
    assert client.post(f"/leads/{lead.pk}/follow-up/", {"note": "已联系", "outcome": "lost"}).status_code == 302
    assert Lead.objects.get().status == "lost"
