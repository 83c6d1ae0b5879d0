import datetime as dt

import pytest

from core.errors import InvalidInput
from core.models import StoreSetting
from vehicles.models import OdometerReading
from vehicles.services import odometer_record


def record(user, vehicle, km, on, **kwargs):
    return odometer_record(user=user, vehicle=vehicle, km=km, read_on=on, **kwargs)


def test_it_keeps_the_history_and_the_current_reading(advisor_alice, vehicle_a):
    record(advisor_alice, vehicle_a, 1_000, dt.date(2024, 6, 1))
    record(advisor_alice, vehicle_a, 9_000, dt.date(2025, 1, 1))
    vehicle_a.refresh_from_db()
    assert (vehicle_a.odometer_km, vehicle_a.odometer_read_on) == (9_000, dt.date(2025, 1, 1))
    assert list(vehicle_a.odometer_readings.order_by("read_on").values_list("km", flat=True)) == [1_000, 9_000]


def test_a_lower_reading_is_rejected_and_nothing_is_stored(advisor_alice, vehicle_a):
    record(advisor_alice, vehicle_a, 10_000, dt.date(2025, 1, 1))
    with pytest.raises(InvalidInput) as err:
        record(advisor_alice, vehicle_a, 9_000, dt.date(2025, 2, 1))
    assert "km" in err.value.errors
    assert OdometerReading.objects.count() == 1


def test_a_lower_reading_is_accepted_after_a_meter_replacement(advisor_alice, vehicle_a):
    record(advisor_alice, vehicle_a, 10_000, dt.date(2025, 1, 1))
    reading = record(advisor_alice, vehicle_a, 5, dt.date(2025, 2, 1), is_meter_replacement=True)
    assert reading.is_meter_replacement and not reading.is_flagged
    record(advisor_alice, vehicle_a, 800, dt.date(2025, 3, 1))
    vehicle_a.refresh_from_db()
    assert vehicle_a.odometer_km == 800


def test_a_backdated_reading_must_fit_between_its_neighbours(advisor_alice, vehicle_a):
    record(advisor_alice, vehicle_a, 1_000, dt.date(2024, 6, 1))
    record(advisor_alice, vehicle_a, 9_000, dt.date(2025, 1, 1))
    record(advisor_alice, vehicle_a, 5_000, dt.date(2024, 10, 1))
    with pytest.raises(InvalidInput):
        record(advisor_alice, vehicle_a, 9_500, dt.date(2024, 11, 1))
    vehicle_a.refresh_from_db()
    assert vehicle_a.odometer_km == 9_000


def test_an_implausible_jump_is_stored_but_flagged(advisor_alice, vehicle_a):
    record(advisor_alice, vehicle_a, 1_000, dt.date(2025, 1, 1))
    reading = record(advisor_alice, vehicle_a, 9_000, dt.date(2025, 1, 3))
    assert reading.is_flagged and "4000" in reading.flag_reason


def test_the_jump_limit_is_a_store_setting(advisor_alice, vehicle_a, store_a):
    StoreSetting.objects.create(store=store_a, key="odometer.max_km_per_day", value=5000)
    record(advisor_alice, vehicle_a, 1_000, dt.date(2025, 1, 1))
    assert not record(advisor_alice, vehicle_a, 9_000, dt.date(2025, 1, 3)).is_flagged


@pytest.mark.parametrize(
    "km, on, field",
    [(-1, dt.date(2025, 1, 1), "km"), (3_000_000, dt.date(2025, 1, 1), "km"), (10, dt.date(2999, 1, 1), "read_on")],
)
def test_impossible_readings_are_rejected(advisor_alice, vehicle_a, km, on, field):
    with pytest.raises(InvalidInput) as err:
        record(advisor_alice, vehicle_a, km, on)
    assert field in err.value.errors
