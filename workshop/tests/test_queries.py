"""PERFORMANCE.md: the list pages and the API list cost the same number of queries for 1 or 5 orders."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from vehicles.services import vehicle_create
from workshop.tests.conftest import open_order


def _orders(advisor, customer, technician, count: int, start: int = 0):
    for i in range(start, start + count):
        vehicle, _ = vehicle_create(
            user=advisor,
            owner=customer,
            vin=f"LSVAB2BM5KN00{i:04d}",
            plate=f"粤A5{i:04d}",
            model="朗逸",
            powertrain="petrol",
            purchase_date=dt.date(2023, 1, 1),
        )
        open_order(advisor, vehicle, technician=technician)


def _count(callable_) -> int:
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return len(queries)


def test_lists_do_not_grow_with_the_orders(client, api_alice, advisor_alice, customer_a, technician_tom):
    client.force_login(advisor_alice)
    _orders(advisor_alice, customer_a, technician_tom, 1)
    pages = {
        "list": lambda: client.get("/workshop/"),
        "api": lambda: api_alice.get("/api/repair-orders"),
        "card": lambda: client.get(f"/workshop/customers/{customer_a.pk}/card/"),
    }
    few = {name: _count(call) for name, call in pages.items()}
    _orders(advisor_alice, customer_a, technician_tom, 4, start=1)
    many = {name: _count(call) for name, call in pages.items()}
    assert many == few
