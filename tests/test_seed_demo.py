import threading

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import Role, User
from customers.models import Customer, CustomerMobile
from vehicles.models import OdometerReading, Vehicle
from vehicles.validators import is_valid_plate, validate_vin


def test_it_creates_the_demo_accounts_and_customers(db, capsys):
    call_command("seed_demo", customers=60, seed=1)
    output = capsys.readouterr().out
    for username in ("admin", "advisor_a", "advisor_b"):
        assert username in output
        assert User.objects.get(username=username).check_password("pitstop-demo")
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.get(username="admin").accessible_store_ids() == set(
        User.objects.get(username="advisor_a").accessible_store_ids()
    ) | set(User.objects.get(username="advisor_b").accessible_store_ids())
    assert Customer.objects.count() == CustomerMobile.objects.count() == 60
    assert Vehicle.objects.count() >= 60 and OdometerReading.objects.count() >= 60
    for vehicle in Vehicle.objects.all():
        assert is_valid_plate(vehicle.plate), vehicle.plate
        assert validate_vin(vehicle.vin) == (vehicle.vin, [])


def test_running_it_again_adds_customers_without_clashes_and_if_empty_skips(db):
    call_command("seed_demo", customers=30)
    call_command("seed_demo", customers=30, seed=2)
    assert Customer.objects.count() == 60
    call_command("seed_demo", customers=30, if_empty=True)
    assert Customer.objects.count() == 60
    assert User.objects.filter(username="advisor_a").count() == 1


def test_seeded_customers_are_found_by_search(db):
    from customers.selectors import customer_search

    call_command("seed_demo", customers=20)
    admin = User.objects.get(username="admin")
    customer = Customer.objects.order_by("id").first()
    vehicle = customer.vehicles.first()
    for q in (customer.mobile, customer.name_pinyin, vehicle.plate.lower(), vehicle.vin[-6:]):
        assert customer.id in [c.id for c in customer_search(user=admin, q=q)], q


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the background writer is PostgreSQL's (its own connection)")
def test_a_big_seed_writes_its_chunks_from_a_second_thread_in_order(transactional_db, monkeypatch):
    from core import seed

    stores = seed.ensure_organisation()
    users = seed.ensure_demo_accounts(stores)
    writers = []
    real_flush = seed._flush

    def flush(chunk):
        writers.append(threading.current_thread().name)
        real_flush(chunk)

    monkeypatch.setattr(seed, "_flush", flush)
    assert seed.seed_customers(stores, 120, staff=users, background=True) == 120
    assert writers == ["seed-writer"] and Customer.objects.count() == CustomerMobile.objects.count() == 120

    def broken(chunk):
        raise RuntimeError("disk full")

    monkeypatch.setattr(seed, "_flush", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        seed.seed_customers(stores, 10, staff=users, background=True)
    assert Customer.objects.count() == 120  # the failed chunk wrote nothing


def test_inside_a_callers_transaction_the_seed_writes_inline(db, monkeypatch):
    """The writer thread's own connection could not see the caller's uncommitted stores and users."""
    from core import seed

    stores = seed.ensure_organisation()
    users = seed.ensure_demo_accounts(stores)
    writers = []
    real_flush = seed._flush
    monkeypatch.setattr(seed, "_flush", lambda chunk: writers.append(threading.current_thread().name) or real_flush(chunk))
    assert seed.seed_customers(stores, 10, staff=users, background=True) == 10
    assert writers == [threading.current_thread().name] and Customer.objects.count() == 10
