"""The REST API as a client sees it: open, work and close a complaint; the contact queue; red alerts;
bad input and conflicts in the one error shape (409 / 422 with a message)."""

import json

import pytest

from complaints.models import Complaint
from complaints.services import red_alert_scan
from conftest import api_client_for


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def opened(api_alice, customer_a):
    response = post(
        api_alice,
        "/api/complaints",
        {
            "customer_id": customer_a.id,
            "title": "保养后异响",
            "description": "底盘异响",
            "category": "repair",
            "channel": "phone",
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_complaint_opens_with_its_clocks(opened):
    assert (opened["tier"], opened["status"], opened["source"]) == ("L1", "open", "api")
    assert [c["name"] for c in opened["clocks"]] == ["respond", "tier", "close"]
    assert all(c["state"] == "running" and c["seconds_left"] > 0 for c in opened["clocks"])


def test_the_whole_flow_and_its_errors(api_alice, opened):
    url = f"/api/complaints/{opened['id']}"
    early = post(api_alice, f"{url}/close", {"root_cause": "x", "cause": "other", "confirmation": "confirmed", "solution": "y"})
    assert early.status_code == 409 and "请先响应" in early.json()["detail"]
    assert post(api_alice, f"{url}/respond", {"note": "已联系客户"}).json()["status"] == "responded"
    above = post(api_alice, f"{url}/compensations", {"kind": "full_refund", "amount": "5000"})
    assert above.status_code == 409 and "L3" in above.json()["detail"]
    assert (
        post(api_alice, f"{url}/compensations", {"kind": "goodwill", "amount": "50"}).json()["compensations"][0]["tier"] == "L1"
    )
    incomplete = post(api_alice, f"{url}/close", {"root_cause": "", "cause": "other", "confirmation": "", "solution": "重新紧固"})
    assert incomplete.status_code == 422
    assert set(incomplete.json()["errors"]) == {"root_cause", "confirmation"} and incomplete.json()["detail"]
    closing = {"root_cause": "护板螺栓松动", "cause": "workmanship", "confirmation": "confirmed", "solution": "重新紧固"}
    assert post(api_alice, f"{url}/close", closing).json()["status"] == "closed"
    edit = api_alice.patch(url, json.dumps({"title": "新标题"}), content_type="application/json")
    assert edit.status_code == 409 and edit.json()["detail"] == "投诉已结案，不能再修改"
    kinds = [e["kind"] for e in api_alice.get(f"{url}/events").json()]
    assert kinds[0] == "opened" and "closed" in kinds and "compensation" in kinds


def test_bad_bodies_are_422(api_alice, opened, customer_a):
    assert post(api_alice, "/api/complaints", {"customer_id": customer_a.id, "title": "x"}).status_code == 422
    bad_amount = post(api_alice, f"/api/complaints/{opened['id']}/compensations", {"kind": "goodwill", "amount": "-5"})
    assert bad_amount.status_code == 422 and "amount" in bad_amount.json()["errors"]


def test_the_list_finds_what_is_about_to_breach(api_alice, opened):
    assert api_alice.get("/api/complaints", {"due_within_minutes": 60}).json()["count"] == 0
    assert [c["id"] for c in api_alice.get("/api/complaints", {"due_within_minutes": 24 * 60 + 1}).json()["items"]] == [
        opened["id"]
    ]


def test_another_store_sees_nothing(api_bob, opened):
    assert api_bob.get(f"/api/complaints/{opened['id']}").status_code == 404
    assert api_bob.get("/api/complaints").json()["count"] == 0


def test_the_contact_queue_api(api_alice, advisor_alice, group, store_a):
    from conftest import make_user

    created = post(api_alice, "/api/contacts", {"channel": "wechat", "summary": "咨询保养", "sender": "微信用户"})
    assert created.status_code == 201
    contact_id = created.json()["id"]
    colleague = api_client_for(make_user("dave", "call_centre_agent", group, [store_a]))
    assert post(api_alice, f"/api/contacts/{contact_id}/take").status_code == 200
    taken = post(colleague, f"/api/contacts/{contact_id}/take")
    assert taken.status_code == 409 and "首问负责" in taken.json()["detail"]
    assert post(api_alice, f"/api/contacts/{contact_id}/respond", {"note": "您好"}).json()["status"] == "responded"
    assert [e["kind"] for e in api_alice.get(f"/api/contacts/{contact_id}/events").json()] == ["received", "taken", "responded"]
    rates = api_alice.get("/api/contacts/response-rates").json()
    assert rates == [{"channel": "wechat", "received": 1, "on_time": 1, "decided": 1, "rate": 100.0}]


def test_red_alerts_are_listed_and_acknowledged_once(api_alice, store_a, customer_a, group):
    from conftest import make_user

    manager = api_client_for(make_user("boss", "store_manager", group, [store_a]))
    alert = red_alert_scan(store_id=store_a.id, text="发动机异响很大", source="interaction:1", customer=customer_a)
    assert [a["id"] for a in manager.get("/api/red-alerts").json()["items"]] == [alert.id]
    assert post(api_alice, f"/api/red-alerts/{alert.id}/acknowledge").status_code == 403
    assert post(manager, f"/api/red-alerts/{alert.id}/acknowledge").json()["acknowledged_at"]
    assert post(manager, f"/api/red-alerts/{alert.id}/acknowledge").status_code == 409
    assert manager.get("/api/red-alerts").json()["count"] == 0


def test_analysis_endpoints(api_alice, opened):
    Complaint.objects.filter(pk=opened["id"]).update(cause="workmanship")
    assert api_alice.get("/api/complaints/analysis", {"by": "category"}).json() == [
        {"key": "repair", "label": "维修质量", "count": 1}
    ]
    assert api_alice.get("/api/complaints/analysis", {"by": "nonsense"}).status_code == 422
    assert api_alice.get("/api/complaints/on-time").json()["opened"] == 1
    assert api_alice.get("/api/complaints/recurring-causes", {"min_count": 1}).json()[0]["cause"] == "workmanship"
    assert api_alice.get("/api/complaints/on-time", {"since": "2026-12-01", "until": "2026-11-01"}).status_code == 422
