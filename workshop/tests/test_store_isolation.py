"""DOMAIN §14: every workshop route with an id answers 404 to a user of another store (the shared
suite in tests/ covers all apps; this one runs the workshop's routes on their own)."""

import json

from django.urls import get_resolver

from pitstop.api import api
from tests.test_store_isolation import VALID_BODIES, _fill, _page_routes
from workshop.tests.conftest import open_order


def _ids(advisor_alice, vehicle_a, customer_a):
    from workshop.services import repair_order_item_add

    order = open_order(advisor_alice, vehicle_a)
    item = repair_order_item_add(user=advisor_alice, order=order, kind="parts", description="机油", quantity=1, unit_price=100)
    return {"order_id": order.pk, "item_id": item.pk, "customer_id": customer_a.pk}


def test_every_repair_order_api_route_hides_other_stores(api_bob, advisor_alice, vehicle_a, customer_a):
    ids = _ids(advisor_alice, vehicle_a, customer_a)
    paths = [(p, m) for p, m in api.get_openapi_schema()["paths"].items() if p.startswith("/api/repair-orders/{")]
    assert len(paths) >= 10
    for path, methods in paths:
        for method in methods:
            body = VALID_BODIES.get((method.upper(), path), {})
            response = api_bob.generic(method.upper(), _fill(path, ids), json.dumps(body), content_type="application/json")
            assert response.status_code == 404, f"{method} {path} → {response.status_code}"


def test_every_workshop_page_hides_other_stores(client, advisor_bob, advisor_alice, vehicle_a, customer_a):
    ids = _ids(advisor_alice, vehicle_a, customer_a)
    client.force_login(advisor_bob)
    routes = [r for r in _page_routes(get_resolver().url_patterns) if r.startswith("workshop/")]
    assert len(routes) >= 12
    for route in routes:
        url = "/" + _fill(route, ids)
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {}).status_code == 404, url
    assert client.get(f"/workshop/new/?vehicle={vehicle_a.pk}").status_code == 404
