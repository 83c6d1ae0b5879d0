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
    from appointments.models import Appointment, AppointmentPart, ServiceBay, ServiceType, TechnicianProfile
    from appointments.models import WalkIn as ServiceWalkIn
    from conftest import make_user as _appt_make_user

    appt_tech_b = _appt_make_user("appt_tech_b", "technician", advisor_bob.dealer_group, [customer_b.store])
    TechnicianProfile.objects.create(user=appt_tech_b, store_id=customer_b.store_id, skills=["maintenance"])
    appt_bay_b = ServiceBay.objects.create(store_id=customer_b.store_id, name="B1", kind="general")
    appt_type_b = ServiceType.objects.create(
        store_id=customer_b.store_id, code="m", name="保养", labour_minutes=60, required_skill="maintenance", bay_kind="general"
    )
    appt_now = timezone.now()
    appointment_b = Appointment.objects.create(
        store_id=customer_b.store_id, customer=customer_b, service_type=appt_type_b, bay=appt_bay_b, technician=appt_tech_b,
        starts_at=appt_now, ends_at=appt_now + __import__("datetime").timedelta(hours=1),
    )  # fmt: skip
    appointment_part_b = AppointmentPart.objects.create(appointment=appointment_b, name="机油滤清器", status="ordered")
    service_walk_in_b = ServiceWalkIn.objects.create(
        store_id=customer_b.store_id, name="x", service_type=appt_type_b, arrived_at=appt_now, estimated_start_at=appt_now
    )
    # workshop: create store B objects below this line and add their ids to `ids`
    from workshop.services import repair_order_item_add, repair_order_open

    repair_order = repair_order_open(user=advisor_bob, vehicle=vehicle, odometer_km=1000)
    repair_item = repair_order_item_add(
        user=advisor_bob, order=repair_order, kind="parts", description="机油", quantity=1, unit_price=100
    )
    # showroom: create store B objects below this line and add their ids to `ids`
    from showroom.models import (
        CarModel,
        Delivery,
        DemoCar,
        FinancePlan,
        PdiPhoto,
        Prospect,
        Quote,
        RecommendationRule,
        TestDrive,
        ValuePackage,
        WalkIn,
    )

    b_store, b_now = customer_b.store_id, timezone.now()
    b_model = CarModel.objects.create(store_id=b_store, brand="大众", model="帕萨特", powertrain="petrol", guide_price=1)
    b_car = DemoCar.objects.create(store_id=b_store, car_model=b_model, plate="粤B·SJ001")
    b_prospect = Prospect.objects.create(
        store_id=b_store, name="潜客", mobile="+8613700009999", mobile_last4="9999", source="phone", owner=advisor_bob
    )
    b_walk_in = WalkIn.objects.create(store_id=b_store, arrived_at=b_now, register_due_at=b_now, salesperson=advisor_bob)
    b_drive = TestDrive.objects.create(store_id=b_store, prospect=b_prospect, demo_car=b_car, starts_at=b_now, ends_at=b_now)
    b_quote = Quote.objects.create(
        store_id=b_store,
        prospect=b_prospect,
        version=1,
        car_model=b_model,
        total=1,
        after_sales_policy="x",
        valid_until=b_now.date(),
    )
    b_delivery = Delivery.objects.create(store_id=b_store, prospect=b_prospect, quote=b_quote, vin="LGXCE4CB0N0000007")
    b_photo = PdiPhoto.objects.create(delivery=b_delivery, item="paint", content_type="image/png", data=b"x")
    b_rule = RecommendationRule.objects.create(
        store_id=b_store, budget_band="over_300k", usage="family", powertrain_preference="any", car_model=b_model
    )
    b_plan = FinancePlan.objects.create(store_id=b_store, name="x", annual_rate_percent=1, term_months=12)
    b_package = ValuePackage.objects.create(store_id=b_store, name="x", price=1)
    # handover: create store B objects below this line and add their ids to `ids`
    from conftest import make_user as _make_user
    from handover.services import handover_open

    handover_sales_b = _make_user("handover_sales_b", "salesperson", advisor_bob.dealer_group, [customer_b.store])
    gift = {"kind": "gift", "description": "脚垫", "value": None, "valid_until": None}
    handover = handover_open(
        user=advisor_bob, customer=customer_b, vehicle=vehicle, salesperson=handover_sales_b,
        delivered_at=timezone.now(), promises=[gift], source_key="test:handover",
    )  # fmt: skip
    # leads: create store B objects below this line and add their ids to `ids`
    from leads.services import lead_record

    lead = lead_record(user=advisor_bob, customer=customer_b, kind="trade_in", grade="A", description="想换车", source="call")
    # loyalty: create store B objects below this line and add their ids to `ids`
    from loyalty.models import ClubEvent, EventSignup
    from loyalty.services import referral_create

    referral = referral_create(user=advisor_bob, referrer_id=customer_b.id, prospect_name="王五", prospect_mobile="13900001111")
    club_event = ClubEvent.objects.create(
        store_id=customer_b.store_id, title="春季自驾游", theme="spring_road_trip", starts_at=timezone.now(), capacity=10
    )
    signup = EventSignup.objects.create(
        store_id=customer_b.store_id, event=club_event, customer=customer_b, signed_up_at=timezone.now()
    )
    # kpis: create store B objects below this line and add their ids to `ids`
    from kpis.models import ImprovementAction

    now = timezone.now()
    improvement = ImprovementAction.objects.create(
        store_id=customer_b.store_id, kpi="follow_up_rate", weeks="W1、W2", value=80, target=100, opened_at=now,
        meeting_due_at=now, plan_due_at=now, verify_month=now.date().replace(day=1),
    )  # fmt: skip
    # dataio: create store B objects below this line and add their ids to `ids`
    from dataio.models import ImportBatch

    import_batch = ImportBatch.objects.create(
        store_id=customer_b.store_id, kind="customers", file_name="b.csv", file_format="csv"
    )
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
        "appointment_id": appointment_b.id,
        "appointment_part_id": appointment_part_b.id,
        "service_walk_in_id": service_walk_in_b.id,
        # workshop: ids below this line
        "order_id": repair_order.id,
        "item_id": repair_item.id,
        # showroom: ids below this line
        "prospect_id": b_prospect.id,
        "sales_walk_in_id": b_walk_in.id,
        "test_drive_id": b_drive.id,
        "sales_quote_id": b_quote.id,
        "sales_delivery_id": b_delivery.id,
        "pdi_photo_id": b_photo.id,
        "car_model_id": b_model.id,
        "demo_car_id": b_car.id,
        "matrix_rule_id": b_rule.id,
        "finance_plan_id": b_plan.id,
        "value_package_id": b_package.id,
        # handover: ids below this line
        "handover_id": handover.id,
        # leads: ids below this line
        "lead_id": lead.id,
        # loyalty: ids below this line
        "referral_id": referral.id,
        "event_id": club_event.id,
        "signup_id": signup.id,
        # kpis: ids below this line
        "action_id": improvement.id,
        # dataio: ids below this line
        "batch_id": import_batch.id,
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
    ("POST", "/api/appointments/{appointment_id}/cancel"): {"reason": "x"},
    ("POST", "/api/appointments/{appointment_id}/reschedule"): {"starts_at": "2030-01-01T10:00:00+08:00"},
    ("POST", "/api/appointments/walk-ins/{service_walk_in_id}/close"): {"status": "served"},
    # workshop: bodies below this line
    ("POST", "/api/repair-orders/{order_id}/record"): {"complaint": "x", "system": "brakes", "walk_around": "x"},
    ("POST", "/api/repair-orders/{order_id}/plan"): {"diagnosis": "x", "promised_at": "2030-01-01T10:00:00+08:00"},
    ("POST", "/api/repair-orders/{order_id}/items"): {"kind": "parts", "description": "x", "quantity": "1", "unit_price": "1"},
    ("POST", "/api/repair-orders/{order_id}/approve"): {"method": "signature"},
    ("PATCH", "/api/repair-orders/{order_id}/items/{item_id}"): {"unit_price": "1"},
    ("POST", "/api/repair-orders/{order_id}/qc"): {"level": 1, "passed": True},
    ("POST", "/api/repair-orders/{order_id}/deliver"): {"old_parts_shown": True},
    ("POST", "/api/repair-orders/{order_id}/cancel"): {"reason": "x"},
    # showroom: bodies below this line
    ("POST", "/api/showroom/prospects/{prospect_id}/advance"): {"status": "contacted"},
    ("POST", "/api/showroom/prospects/{prospect_id}/lose"): {"reason": "price"},
    ("POST", "/api/showroom/prospects/{prospect_id}/win"): {},
    ("POST", "/api/showroom/prospects/{prospect_id}/reassign"): {"owner_id": 1},
    ("POST", "/api/showroom/prospects/{prospect_id}/interview"): {"usage_scenarios": ["family"], "top_concerns": ["space"]},
    ("POST", "/api/showroom/prospects/{prospect_id}/test-drives"): {
        "demo_car_id": 1,
        "starts_at": "2030-01-01T10:00:00+08:00",
        "licence_checked": True,
    },
    ("POST", "/api/showroom/prospects/{prospect_id}/quotes"): {"car_model_id": 1},
    ("POST", "/api/showroom/prospects/{prospect_id}/delivery"): {"vin": "LGXCE4CB0N0000007"},
    ("POST", "/api/showroom/walk-ins/{sales_walk_in_id}/register"): {"name": "x", "mobile": "13700001001", "main_need": "x"},
    ("POST", "/api/showroom/test-drives/{test_drive_id}/feedback"): {"rating": 5},
    ("POST", "/api/showroom/deliveries/{sales_delivery_id}/pdi"): {"results": {}},
    ("POST", "/api/showroom/deliveries/{sales_delivery_id}/checklist"): {
        "explained_features": True,
        "explained_after_sales": True,
        "explained_membership": True,
    },
    ("PATCH", "/api/showroom/catalogue/{car_model_id}"): {"is_active": False},
    ("PATCH", "/api/showroom/packages/{value_package_id}"): {"is_active": False},
    ("PATCH", "/api/showroom/finance-plans/{finance_plan_id}"): {"is_active": False},
    ("PATCH", "/api/showroom/demo-cars/{demo_car_id}"): {"is_active": False},
    # handover: bodies below this line
    ("POST", "/api/handover/{handover_id}/submit"): {"worries": "x"},
    ("POST", "/api/handover/{handover_id}/promises"): {"kind": "gift", "description": "x"},
    ("POST", "/api/handover/{handover_id}/corrections"): {"field": "worries", "new_value": "x"},
    ("POST", "/api/handover/{handover_id}/joint-delivery"): {"checklist": {}},
    ("POST", "/api/handover/{handover_id}/first-use"): {"feedback": "x"},
    # leads: bodies below this line
    ("POST", "/api/leads/{lead_id}/follow-ups"): {"note": "x"},
    ("POST", "/api/leads/{lead_id}/assign"): {"salesperson_id": 1},
    # loyalty: bodies below this line
    ("POST", "/api/loyalty/customers/{customer_id}/points/redeem"): {"points": 1, "service": "洗车"},
    ("POST", "/api/loyalty/customers/{customer_id}/points/adjust"): {"points": 1, "reason": "x"},
    ("POST", "/api/loyalty/referrals/{referral_id}/reward"): {"buyer_id": 1},
    ("POST", "/api/loyalty/events/{event_id}/invitations"): {"channel": "sms"},
    ("POST", "/api/loyalty/events/{event_id}/signups"): {"customer_id": 1},
    ("POST", "/api/loyalty/signups/{signup_id}/feedback"): {"score": 5},
    # kpis: bodies below this line
    ("POST", "/api/kpis/actions/{action_id}/meeting"): {"notes": "x"},
    ("POST", "/api/kpis/actions/{action_id}/plan"): {"plan": "x"},
    ("POST", "/api/kpis/actions/{action_id}/verify"): {"result": "improved", "outcome": "x"},
    # dataio: bodies below this line
    ("POST", "/api/imports/{batch_id}/check"): {"mapping": {"name": "客户姓名"}},
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
