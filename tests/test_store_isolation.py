"""DOMAIN §14: a user of store A gets 404 for store B's objects on every route that takes an id.

The routes are enumerated from the URL conf and the OpenAPI schema, so a new route that takes an
id is covered automatically; a route this suite cannot fill in fails loudly instead of passing.
"""

import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from pitstop.api import api


@pytest.fixture
def store_b_objects(advisor_bob, customer_b):
    from django.utils import timezone

    from complaints.models import RedAlert
    from complaints.services import complaint_open, contact_receive
    from customers.services import interaction_create
    from privacy.services import data_request_create
    from tasks.models import Task
    from vehicles.services import vehicle_create

    vehicle, _ = vehicle_create(
        user=advisor_bob,
        owner=customer_b,
        vin="1M8GDM9AXKP042788",
        plate="粤B12345",
        brand="大众",
        model="帕萨特",
        powertrain="petrol",
        purchase_date=__import__("datetime").date(2024, 1, 1),
    )
    interaction = interaction_create(user=advisor_bob, customer=customer_b, channel="wechat", direction="in", summary="hi")
    data_request = data_request_create(user=advisor_bob, customer=customer_b, kind="export")
    task = Task.objects.create(
        store_id=customer_b.store_id, customer=customer_b, kind="call", title="回访", due_at=timezone.now(), source_key="test:1"
    )
    complaint = complaint_open(
        user=advisor_bob, customer=customer_b, title="异响", description="x", category="repair", channel="phone"
    )
    contact = contact_receive(user=advisor_bob, channel="wechat", summary="咨询", customer=customer_b)
    from followups.services import visit_follow_ups_plan

    follow_up = visit_follow_ups_plan(vehicle=vehicle, visited_on=__import__("datetime").date(2025, 1, 1))[0]
    from followups.models import Survey

    survey = Survey.objects.create(store_id=customer_b.store_id, name="满意度")
    alert = RedAlert.objects.create(
        store_id=customer_b.store_id, customer=customer_b, source="test:1", keywords=["起火"], excerpt="起火"
    )
    # appointments: create store B objects below this line and add their ids to `ids`
    # workshop: create store B objects below this line and add their ids to `ids`
    # showroom: create store B objects below this line and add their ids to `ids`
    # handover: create store B objects below this line and add their ids to `ids`
    # leads: create store B objects below this line and add their ids to `ids`
    # loyalty: create store B objects below this line and add their ids to `ids`
    # kpis: create store B objects below this line and add their ids to `ids`
    # dataio: create store B objects below this line and add their ids to `ids`
    ids = {
        "task_id": task.id,
        "customer_id": customer_b.id,
        "vehicle_id": vehicle.id,
        "interaction_id": interaction.id,
        "request_id": data_request.id,
        "complaint_id": complaint.id,
        "contact_id": contact.id,
        "alert_id": alert.id,
        "follow_up_id": follow_up.id,
        "survey_id": survey.id,
        # appointments: ids below this line
        # workshop: ids below this line
        # showroom: ids below this line
        # handover: ids below this line
        # leads: ids below this line
        # loyalty: ids below this line
        # kpis: ids below this line
        # dataio: ids below this line
    }
    return {**ids, "field": "mobile"}


# A valid body for every route with an id that takes one, so the request reaches the lookup.
VALID_BODIES = {
    ("PATCH", "/api/customers/{customer_id}"): {"company": "x"},
    ("PUT", "/api/customers/{customer_id}/consents"): {"purpose": "marketing_sms", "granted": True, "source": "x"},
    ("PATCH", "/api/vehicles/{vehicle_id}"): {"colour": "红"},
    ("POST", "/api/vehicles/{vehicle_id}/transfer"): {"new_owner_id": 1, "on": "2025-01-01"},
    ("POST", "/api/vehicles/{vehicle_id}/odometer"): {"km": 10, "read_on": "2025-01-01"},
    ("POST", "/api/customers/{customer_id}/reveal"): {"field": "mobile", "reason": "核实身份"},
    ("POST", "/api/customers/{customer_id}/export"): {"reason": "客户申请"},
    ("POST", "/api/data-requests/{request_id}/decision"): {"approve": True},
    ("POST", "/api/tasks/{task_id}/outcome"): {"outcome": "booked"},
    ("POST", "/api/tasks/{task_id}/reschedule"): {"due_at": "2030-01-01T10:00:00+08:00"},
    ("POST", "/api/tasks/{task_id}/reassign"): {"assignee_id": 1},
    ("PATCH", "/api/complaints/{complaint_id}"): {"title": "x"},
    ("POST", "/api/complaints/{complaint_id}/respond"): {"note": "x"},
    ("POST", "/api/complaints/{complaint_id}/notes"): {"text": "x"},
    ("POST", "/api/complaints/{complaint_id}/pause"): {"reason": "x"},
    ("POST", "/api/complaints/{complaint_id}/escalate"): {"reason": "x"},
    ("POST", "/api/complaints/{complaint_id}/transfer"): {"owner_id": 1, "reason": "x"},
    ("POST", "/api/complaints/{complaint_id}/compensations"): {"kind": "goodwill", "amount": "10.00"},
    ("POST", "/api/complaints/{complaint_id}/team"): {"sales_id": 1, "service_id": 1, "quality_id": 1, "single_window": "sales"},
    ("POST", "/api/complaints/{complaint_id}/findings"): {"side": "sales", "confirmed": False, "finding": "x"},
    ("POST", "/api/complaints/{complaint_id}/solution"): {"solution": "x"},
    ("POST", "/api/complaints/{complaint_id}/close"): {"root_cause": "x", "cause": "other", "confirmation": "confirmed"},
    ("POST", "/api/contacts/{contact_id}/respond"): {"note": "x"},
    ("POST", "/api/contacts/{contact_id}/transfer"): {"owner_id": 1, "reason": "x"},
    ("POST", "/api/contacts/{contact_id}/close"): {"outcome": "x"},
    ("POST", "/api/contacts/{contact_id}/complaint"): {"title": "x", "category": "other"},
    ("POST", "/api/follow-ups/{follow_up_id}/outcome"): {"outcome": "satisfied"},
    ("POST", "/api/follow-ups/{follow_up_id}/resolve"): {"resolution": "x"},
    ("POST", "/api/surveys/{survey_id}/invitations"): {"customer_id": 1},
    # appointments: bodies below this line
    # workshop: bodies below this line
    # showroom: bodies below this line
    # handover: bodies below this line
    # leads: bodies below this line
    # loyalty: bodies below this line
    # kpis: bodies below this line
    # dataio: bodies below this line
}


def _api_operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        if "{" in path:
            for method, operation in methods.items():
                key = (method.upper(), path)
                if "requestBody" in operation:
                    assert key in VALID_BODIES, f"add a valid body for {key} to VALID_BODIES"
                yield *key, VALID_BODIES.get(key, {})


def _page_routes(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith(("api/", "admin/")):
                continue
            yield from _page_routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and "<id:" in str(entry.pattern):
            yield prefix + str(entry.pattern)


def _fill(template: str, ids: dict) -> str:
    def value(match):
        name = match.group(1).split(":")[-1]
        assert name in ids, f"isolation suite does not know how to fill {{{name}}} in {template}: add it to store_b_objects"
        return str(ids[name])

    return re.sub(r"[{<]([^}>]+)[}>]", value, template)


def test_every_api_route_with_an_id_hides_other_stores(api_alice, store_b_objects):
    operations = list(_api_operations())
    assert len(operations) >= 8
    for method, path, body in operations:
        url = _fill(path, store_b_objects)
        response = api_alice.generic(method, url, json.dumps(body), content_type="application/json")
        assert response.status_code == 404, f"{method} {url} → {response.status_code}"
        assert set(response.json()) == {"detail", "errors"}


def test_every_page_with_an_id_hides_other_stores(client, advisor_alice, store_b_objects):
    client.force_login(advisor_alice)
    routes = list(_page_routes())
    assert len(routes) >= 5
    for route in routes:
        url = "/" + _fill(route, store_b_objects)
        assert client.get(url).status_code in (404, 405), url  # 405: POST-only, no data either way
        assert client.post(url, {}).status_code == 404, url


def test_related_ids_in_a_body_are_checked_too(api_alice, store_b_objects):
    body = {"customer_id": store_b_objects["customer_id"], "channel": "wechat", "direction": "in", "summary": "x"}
    assert api_alice.post("/api/interactions", json.dumps(body), content_type="application/json").status_code == 404
    vehicle = {
        "customer_id": store_b_objects["customer_id"],
        "vin": "LSVAB2BM5KN000009",
        "plate": "粤A12345",
        "model": "X",
        "powertrain": "petrol",
        "purchase_date": "2024-01-01",
    }
    assert api_alice.post("/api/vehicles", json.dumps(vehicle), content_type="application/json").status_code == 404
    assert api_alice.get("/api/interactions", {"customer_id": store_b_objects["customer_id"]}).json()["items"] == []


def test_a_group_admin_sees_both_stores(group_admin, store_b_objects, customer_a):
    from conftest import api_client_for

    client = api_client_for(group_admin)
    assert client.get(f"/api/customers/{store_b_objects['customer_id']}").status_code == 200
    assert client.get(f"/api/customers/{customer_a.id}").status_code == 200
