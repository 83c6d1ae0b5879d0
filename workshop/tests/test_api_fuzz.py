"""Random bodies against a real order (the shared schemathesis run mostly meets 404s): never a 5xx,
always the one error shape."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshop.tests.conftest import plan_order

ANY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["1e999", "-0", "NaN", "0001-01-01T00:00:00", "9999-12-31T23:59:59+14:00", "2030-01-01", "\x00"]),
)
BODIES = {
    "items": ["kind", "description", "quantity", "unit_price"],
    "plan": ["diagnosis", "promised_at", "technician_id"],
    "record": ["complaint", "system", "walk_around"],
    "approve": ["method", "note"],
    "qc": ["level", "passed", "notes"],
    "deliver": ["old_parts_shown", "next_visit_advice", "advice_remind_on"],
    "cancel": ["reason"],
}


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(action=st.sampled_from(sorted(BODIES)), data=st.data())
def test_no_body_breaks_an_action(api_alice, advisor_alice, order_a, action, data):
    if not order_a.items.exists():
        plan_order(advisor_alice, order_a)
    body = {key: data.draw(ANY) for key in BODIES[action] if data.draw(st.booleans())}
    response = api_alice.post(f"/api/repair-orders/{order_a.pk}/{action}", json.dumps(body), content_type="application/json")
    assert response.status_code < 500, (action, body, response.content)
    if response.status_code >= 400:
        assert set(response.json()) == {"detail", "errors"}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=st.fixed_dictionaries({}, optional={"vehicle_id": ANY, "odometer_km": ANY, "arrived_at": ANY, "technician_id": ANY}))
def test_no_body_breaks_opening(api_alice, vehicle_a, body):
    response = api_alice.post("/api/repair-orders", json.dumps(body), content_type="application/json")
    assert response.status_code < 500, (body, response.content)
