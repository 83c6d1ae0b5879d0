"""DOMAIN §14 for the loyalty routes alone (the shared suite covers every app; this one runs in this
app's own test run): store A's staff get 404 for store B's customers, referrals, events, sign-ups."""

import json

import pytest

from pitstop.api import api
from tests.test_store_isolation import VALID_BODIES, _fill, _page_routes, store_b_objects  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_every_loyalty_api_route_with_an_id_hides_other_stores(api_alice, store_b_objects):  # noqa: F811
    paths = api.get_openapi_schema()["paths"]
    operations = [(m.upper(), p) for p, methods in paths.items() if p.startswith("/api/loyalty/") and "{" in p for m in methods]
    assert len(operations) >= 10
    for method, path in operations:
        body = VALID_BODIES.get((method, path), {})
        response = api_alice.generic(method, _fill(path, store_b_objects), json.dumps(body), content_type="application/json")
        assert response.status_code == 404, f"{method} {path} → {response.status_code}"


def test_every_loyalty_page_with_an_id_hides_other_stores(client, advisor_alice, store_b_objects):  # noqa: F811
    client.force_login(advisor_alice)
    routes = [r for r in _page_routes() if r.startswith("loyalty/")]
    assert len(routes) >= 10
    for route in routes:
        url = "/" + _fill(route, store_b_objects)
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {}).status_code == 404, url
