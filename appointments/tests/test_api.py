import datetime as dt
import json

from appointments.models import Appointment, IdempotentRequest, ServiceBay
from appointments.tests.conftest import at


def post(client, url, body, **headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_slots_offer_only_starts_with_a_free_bay_and_technician_for_the_whole_time(api_alice, customer_a, workshop_a, day):
    response = api_alice.get(f"/api/appointments/slots?date={day}&service_type=maintenance")
    assert response.status_code == 200
    starts = [dt.datetime.fromisoformat(s["starts_at"]) for s in response.json()["slots"]]
    assert at(day, 8, 30) in starts and at(day, 16, 30) in starts
    assert at(day, 17) not in starts  # the technician's shift ends at 17:30; the whole hour must fit
    assert (
        post(
            api_alice,
            "/api/appointments",
            {"customer_id": customer_a.pk, "service_type": "maintenance", "starts_at": at(day, 10).isoformat()},
        ).status_code
        == 201
    )
    by_id = api_alice.get(f"/api/appointments/slots?date={day}&service_type={workshop_a['service_type'].pk}").json()
    starts = [dt.datetime.fromisoformat(s["starts_at"]) for s in by_id["slots"]]
    assert at(day, 9) in starts and at(day, 11) in starts
    assert not {at(day, 9, 30), at(day, 10), at(day, 10, 30)} & set(starts)  # each would overlap [10:00, 11:00)


def test_a_second_bay_alone_does_not_make_a_slot_without_a_technician(api_alice, customer_a, workshop_a, day, store_a):
    ServiceBay.objects.create(store=store_a, name="2号工位", kind="general")
    post(
        api_alice,
        "/api/appointments",
        {"customer_id": customer_a.pk, "service_type": "maintenance", "starts_at": at(day, 10).isoformat()},
    )
    slots = api_alice.get(f"/api/appointments/slots?date={day}&service_type=maintenance").json()["slots"]
    assert at(day, 10) not in [dt.datetime.fromisoformat(s["starts_at"]) for s in slots]


def test_booking_returns_201_and_a_taken_slot_409(api_alice, customer_a, workshop_a, day):
    body = {"customer_id": customer_a.pk, "service_type": "maintenance", "starts_at": at(day, 10).isoformat()}
    first = post(api_alice, "/api/appointments", body)
    assert first.status_code == 201
    assert first.json()["bay_id"] == workshop_a["bay"].pk and first.json()["status"] == "booked"
    second = post(api_alice, "/api/appointments", body)
    assert second.status_code == 409
    assert second.json()["errors"]["starts_at"] == "该时段已被预约，请选择其他时段"


def test_bad_input_is_422_with_field_messages(api_alice, customer_a, workshop_a, day):
    base = {"customer_id": customer_a.pk, "service_type": "maintenance", "starts_at": at(day, 10).isoformat()}
    cases = [
        ({"service_type": "nope"}, "service_type"),
        ({"starts_at": "2020-01-01T10:00:00+08:00"}, "starts_at"),
        ({"starts_at": at(day, 20).isoformat()}, "starts_at"),
        ({"channel": "fax"}, "channel"),
        ({"parts": [{"name": "滤芯", "quantity": 0}]}, "parts.0.quantity"),
        ({"parts": [{"name": "滤芯", "unit_price": "-1"}]}, "parts.0.unit_price"),
    ]
    for change, field in cases:
        response = post(api_alice, "/api/appointments", {**base, **change})
        assert response.status_code == 422, (change, response.json())
        assert field in response.json()["errors"], (change, response.json())
    assert not Appointment.objects.exists()


def test_idempotency_key_replays_the_stored_response(api_alice, customer_a, workshop_a, day):
    body = {"customer_id": customer_a.pk, "service_type": "maintenance", "starts_at": at(day, 10).isoformat()}
    first = post(api_alice, "/api/appointments", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(api_alice, "/api/appointments", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Appointment.objects.count() == 1 and IdempotentRequest.objects.count() == 1
    other_body = post(api_alice, "/api/appointments", {**body, "starts_at": at(day, 12).isoformat()}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert other_body.status_code == 422 and "Idempotency-Key" in other_body.json()["errors"]
    assert Appointment.objects.count() == 1


def test_a_failed_booking_does_not_burn_its_idempotency_key(api_alice, customer_a, workshop_a, day):
    body = {"customer_id": customer_a.pk, "service_type": "maintenance", "starts_at": at(day, 20).isoformat()}
    assert post(api_alice, "/api/appointments", body, HTTP_IDEMPOTENCY_KEY="k-2").status_code == 422
    assert not IdempotentRequest.objects.exists()


def test_other_stores_appointments_are_404(api_bob, api_alice, customer_a, workshop_a, day):
    created = post(
        api_alice,
        "/api/appointments",
        {"customer_id": customer_a.pk, "service_type": "maintenance", "starts_at": at(day, 10).isoformat()},
    ).json()
    assert api_bob.get(f"/api/appointments/{created['id']}").status_code == 404
    assert post(api_bob, f"/api/appointments/{created['id']}/cancel", {}).status_code == 404
    assert (
        post(
            api_bob,
            "/api/appointments",
            {"customer_id": customer_a.pk, "service_type": "maintenance", "starts_at": at(day, 11).isoformat()},
        ).status_code
        == 404
    )


def test_lifecycle_through_the_api(api_alice, customer_a, workshop_a, day):
    created = post(
        api_alice,
        "/api/appointments",
        {"customer_id": customer_a.pk, "service_type": "maintenance", "starts_at": at(day, 10).isoformat()},
    ).json()
    url = f"/api/appointments/{created['id']}"
    assert post(api_alice, f"{url}/confirm", {}).json()["status"] == "confirmed"
    moved = post(api_alice, f"{url}/reschedule", {"starts_at": at(day, 14).isoformat()}).json()
    assert moved["status"] == "booked" and moved["reschedule_count"] == 1
    assert post(api_alice, f"{url}/no-show", {}).status_code == 409  # not yet due
    assert post(api_alice, f"{url}/check-in", {}).json()["status"] == "arrived"
    assert post(api_alice, f"{url}/cancel", {"reason": "x"}).json()["status"] == "cancelled"
    assert post(api_alice, f"{url}/check-in", {}).status_code == 409
    listed = api_alice.get(f"/api/appointments?date={day}").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == created["id"]
