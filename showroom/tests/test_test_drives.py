"""DOMAIN §15 test drives: licence checked first, never two bookings of one demo car at a time
(enforced by a unique slot claim in the database), feedback afterwards."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from core.errors import Conflict, InvalidInput
from showroom import testdrives
from showroom.catalogue import demo_car_save
from showroom.models import Prospect, TestDrive, TestDriveSlot
from showroom.services import prospect_create
from showroom.testdrives import slot_starts
from showroom.tests.conftest import soon


def book(user, prospect, car, starts_at, minutes=30, licence_checked=True):
    return testdrives.test_drive_schedule(
        user=user, prospect=prospect, demo_car_id=car.id, starts_at=starts_at, minutes=minutes, licence_checked=licence_checked
    )


def test_it_books_a_demo_car_with_route_and_slots(sales_sam, prospect, demo_car):
    drive = book(sales_sam, prospect, demo_car, soon())
    assert (drive.route, drive.licence_checked, drive.licence_checked_by) == ("city_highway", True, sales_sam)
    assert drive.slots.count() == 2  # 30 minutes on the 15-minute grid


def test_without_a_licence_check_nothing_is_booked(sales_sam, prospect, demo_car):
    with pytest.raises(InvalidInput) as exc:
        book(sales_sam, prospect, demo_car, soon(), licence_checked=False)
    assert exc.value.errors["licence_checked"] == "试驾前必须核验客户驾驶证"
    assert not TestDrive.objects.exists() and not TestDriveSlot.objects.exists()


def test_an_overlapping_booking_of_the_same_car_is_refused(sales_sam, sales_sue, prospect, demo_car):
    other = prospect_create(user=sales_sue, name="刘芳", mobile="13700001002", source="phone")
    book(sales_sam, prospect, demo_car, soon(minute=0), minutes=60)
    with pytest.raises(Conflict) as exc:
        book(sales_sue, other, demo_car, soon(minute=30), minutes=30)
    assert exc.value.errors == {"starts_at": "该时段已被预约"}
    assert TestDrive.objects.count() == 1
    book(sales_sue, other, demo_car, soon(hours=3), minutes=30)  # after the first one: fine


def test_another_demo_car_at_the_same_time_is_fine(sales_sam, manager_mia, prospect, demo_car, song):
    second = demo_car_save(user=manager_mia, car_model_id=song.id, plate="粤A·SJ002")
    book(sales_sam, prospect, demo_car, soon())
    book(sales_sam, prospect, second, soon())
    assert TestDrive.objects.count() == 2


def test_cancelling_frees_the_slot(sales_sam, prospect, demo_car):
    drive = book(sales_sam, prospect, demo_car, soon())
    testdrives.test_drive_cancel(user=sales_sam, test_drive=drive)
    assert book(sales_sam, prospect, demo_car, soon()).status == "scheduled"


def test_the_database_itself_refuses_a_second_claim_of_a_slot(sales_sam, prospect, demo_car):
    drive = book(sales_sam, prospect, demo_car, soon())
    with pytest.raises(IntegrityError), transaction.atomic():
        TestDriveSlot.objects.create(demo_car=demo_car, starts_at=drive.slots.first().starts_at, test_drive=drive)


def test_slots_cover_every_quarter_hour_touched():
    start = dt.datetime(2030, 1, 1, 10, 10, tzinfo=dt.UTC)
    assert [s.minute for s in slot_starts(start, start + dt.timedelta(minutes=30))] == [0, 15, 30]


def test_feedback_records_the_drive_and_moves_the_prospect(sales_sam, prospect, demo_car):
    drive = book(sales_sam, prospect, demo_car, soon())
    with pytest.raises(InvalidInput):
        testdrives.test_drive_feedback(user=sales_sam, test_drive=drive, rating=6)
    testdrives.test_drive_feedback(user=sales_sam, test_drive=drive, rating=4, liked="空间大", concerns="后排噪音")
    drive.refresh_from_db()
    prospect.refresh_from_db()
    assert (drive.status, drive.rating, drive.concerns) == ("done", 4, "后排噪音")
    assert prospect.status == "test_drive" and prospect.first_visit_at and prospect.test_drive_at
    with pytest.raises(Conflict):
        testdrives.test_drive_feedback(user=sales_sam, test_drive=drive, rating=5)


def test_a_demo_car_of_another_store_cannot_be_booked(sales_sam, prospect, manager_max_b, store_b):
    from showroom.catalogue import car_model_save

    model_b = car_model_save(user=manager_max_b, brand="大众", model="帕萨特", powertrain="petrol", guide_price=1)
    car_b = demo_car_save(user=manager_max_b, car_model_id=model_b.id, plate="粤B·SJ001")
    with pytest.raises(InvalidInput) as exc:
        book(sales_sam, prospect, car_b, soon())
    assert "demo_car_id" in exc.value.errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database; SQLite serialises writers")
def test_two_salespeople_booking_the_same_car_at_once_get_one_booking(sales_sam, sales_sue, demo_car):
    prospects = [
        prospect_create(user=user, name=f"客户{n}", mobile=f"1370000200{n}", source="phone")
        for n, user in enumerate([sales_sam, sales_sue, sales_sam, sales_sue])
    ]
    starts_at, barrier, outcomes = soon(), threading.Barrier(len(prospects)), []

    def attempt(user, prospect):
        barrier.wait()
        try:
            book(user, Prospect.objects.get(pk=prospect.pk), demo_car, starts_at)
            outcomes.append("booked")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(p.owner, p)) for p in prospects]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked", "conflict", "conflict", "conflict"]
    assert TestDrive.objects.filter(slots__isnull=False).distinct().count() == 1
    assert TestDriveSlot.objects.count() == 2
