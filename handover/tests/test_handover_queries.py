"""PERFORMANCE.md: the handover list and the 360 card cost a fixed number of queries."""

import datetime as dt

import pytest

from handover.tests.conftest import open_handover
from vehicles.services import vehicle_create

pytestmark = pytest.mark.django_db


def test_the_list_costs_the_same_for_one_or_many_handovers(
    client, sales_sam, delivered_vehicle, advisor_alice, django_assert_max_num_queries
):
    client.force_login(sales_sam)
    open_handover(user=sales_sam, vehicle=delivered_vehicle, salesperson=sales_sam)
    with django_assert_max_num_queries(14) as one:
        client.get("/handover/?view=all")
    for n in range(5):
        vehicle, _ = vehicle_create(
            user=advisor_alice, owner=delivered_vehicle.owner, vin=f"LSVAB2BM5KN00010{n}", plate=f"粤B·1000{n}", model="X",
            powertrain="petrol", purchase_date=dt.date(2026, 1, 1),
        )  # fmt: skip
        open_handover(user=sales_sam, vehicle=vehicle, salesperson=sales_sam, key=f"k{n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/handover/?view=all")
    with django_assert_max_num_queries(10):
        assert client.get(f"/handover/customer/{delivered_vehicle.owner_id}/card/").status_code == 200
