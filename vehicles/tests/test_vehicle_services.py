import datetime as dt

import pytest

from conftest import BAD_CHECK_DIGIT_VIN, GOOD_VIN
from core.errors import Conflict, InvalidInput
from customers.services import customer_create
from vehicles.models import Ownership, Vehicle
from vehicles.services import vehicle_create, vehicle_transfer, vehicle_update

BASE = {"brand": "大众", "model": "帕萨特", "powertrain": "petrol", "purchase_date": dt.date(2023, 5, 1)}


def test_it_registers_a_vehicle_with_an_ownership_record(advisor_alice, customer_a):
    vehicle, warnings = vehicle_create(user=advisor_alice, owner=customer_a, vin=GOOD_VIN, plate="粤a 12345", **BASE)
    assert (vehicle.plate, vehicle.vin_last6, warnings) == ("粤A12345", "042788", [])
    assert vehicle.store_id == customer_a.store_id
    assert Ownership.objects.get(vehicle=vehicle).customer == customer_a


def test_a_check_digit_mismatch_is_a_warning_not_a_block(advisor_alice, customer_a):
    vehicle, warnings = vehicle_create(user=advisor_alice, owner=customer_a, vin=BAD_CHECK_DIGIT_VIN, plate="粤A12345", **BASE)
    assert vehicle.pk and warnings


def test_the_same_vin_twice_in_a_store_is_a_conflict(advisor_alice, customer_a, vehicle_a):
    with pytest.raises(Conflict):
        vehicle_create(user=advisor_alice, owner=customer_a, vin=GOOD_VIN, plate="粤A12345", **BASE)
    assert Vehicle.objects.count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"plate": "ABC"}, "plate"),
        ({"vin": "SHORT"}, "vin"),
        ({"powertrain": "steam"}, "powertrain"),
        ({"purchase_date": dt.date(2999, 1, 1)}, "purchase_date"),
        ({"model": " "}, "model"),
    ],
)
def test_bad_vehicle_input_is_rejected_with_the_field(advisor_alice, customer_a, change, field):
    data = {"vin": GOOD_VIN, "plate": "粤A12345", **BASE, **change}
    with pytest.raises(InvalidInput) as err:
        vehicle_create(user=advisor_alice, owner=customer_a, **data)
    assert field in err.value.errors
    assert not Vehicle.objects.exists()


def test_update_renormalises_identifiers(advisor_alice, vehicle_a):
    vehicle, warnings = vehicle_update(user=advisor_alice, vehicle=vehicle_a, plate="粤b-12345d", battery_soh_percent=93)
    assert vehicle.plate == "粤B12345D" and warnings == []


def test_a_transfer_keeps_the_ownership_history(advisor_alice, vehicle_a, customer_a):
    buyer = customer_create(user=advisor_alice, name="王五", mobile="13700000000")
    vehicle_transfer(user=advisor_alice, vehicle=vehicle_a, new_owner=buyer, on=dt.date(2025, 6, 1))
    history = list(Ownership.objects.filter(vehicle=vehicle_a).order_by("started_on").values_list("customer_id", "ended_on"))
    assert history == [(customer_a.id, dt.date(2025, 6, 1)), (buyer.id, None)]
    vehicle_a.refresh_from_db()
    assert vehicle_a.owner == buyer
