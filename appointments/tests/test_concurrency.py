"""The concurrency proof (DOMAIN §5: no double booking even when many people book at once): 20
parallel requests for the same last slot → exactly one 201, the others 409 with a clear message.

On SQLite the threads run against a file copy of the test database, configured like production
(WAL, IMMEDIATE transactions, busy timeout): the in-memory test database is a shared cache whose
table locks do not wait, which production never uses."""

import json
import sqlite3
import threading
from contextlib import contextmanager

import pytest
from django.db import connection, connections

from accounts.models import Role
from appointments.models import ServiceBay, TechnicianProfile
from appointments.tests.conftest import at
from conftest import api_client_for, make_user

PARALLEL = 20
ROUNDS = 5


@contextmanager
def production_like_database(tmp_path):
    """Yield a function counting rows of a table in the database the threads write to."""
    if connection.vendor != "sqlite":
        yield lambda table: _count(connection, table)
        return
    path = str(tmp_path / "race.sqlite3")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings_dict = connections.settings["default"]
    previous = settings_dict["NAME"]
    settings_dict["NAME"] = path
    try:
        yield lambda table: sqlite3.connect(path).execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # nosec B608
    finally:
        settings_dict["NAME"] = previous


def _count(conn, table: str) -> int:
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # nosec B608 — a fixed table name
        return cursor.fetchone()[0]


def _race(clients, body: dict) -> list:
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def attempt(index, client):
        barrier.wait()
        try:
            response = client.post("/api/appointments", data=json.dumps(body), content_type="application/json")
            results[index] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_bookings_of_the_last_slot_give_exactly_one_201(advisor_alice, customer_a, workshop_a, day, tmp_path):
    clients = [api_client_for(advisor_alice) for _ in range(PARALLEL)]
    with production_like_database(tmp_path) as count:
        for round_number in range(ROUNDS):
            body = {
                "customer_id": customer_a.pk,
                "service_type": "maintenance",
                "starts_at": at(day, 9 + round_number).isoformat(),
            }
            results = _race(clients, body)
            statuses = sorted(status for status, _ in results)
            assert statuses == [201] + [409] * (PARALLEL - 1), results
            assert all("已被预约" in data["detail"] for status, data in results if status == 409)
        assert count("appointments_appointment") == ROUNDS
        assert count("appointments_slotclaim") == ROUNDS * 8


@pytest.mark.django_db(transaction=True)
def test_parallel_replays_of_one_idempotency_key_book_once(advisor_alice, customer_a, workshop_a, day, tmp_path):
    clients = [api_client_for(advisor_alice) for _ in range(8)]
    for client in clients:
        client.defaults["HTTP_IDEMPOTENCY_KEY"] = "retry-42"
    body = {"customer_id": customer_a.pk, "service_type": "maintenance", "starts_at": at(day, 10).isoformat()}
    with production_like_database(tmp_path) as count:
        results = _race(clients, body)
        assert {status for status, _ in results} == {201}, results
        assert len({data["id"] for _, data in results}) == 1
        assert count("appointments_appointment") == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_bookers_share_the_free_pairs_without_false_409s(
    advisor_alice, customer_a, workshop_a, day, tmp_path, group, store_a
):
    for n in range(2, PARALLEL + 1):
        ServiceBay.objects.create(store=store_a, name=f"{n}号工位", kind="general")
        TechnicianProfile.objects.create(
            user=make_user(f"tech{n}", Role.TECHNICIAN, group, [store_a]), store=store_a, skills=["maintenance"]
        )
    clients = [api_client_for(advisor_alice) for _ in range(PARALLEL)]
    body = {"customer_id": customer_a.pk, "service_type": "maintenance", "starts_at": at(day, 10).isoformat()}
    with production_like_database(tmp_path) as count:
        results = _race(clients, body)
        assert sorted(status for status, _ in results) == [201] * PARALLEL, results
        assert len({data["bay_id"] for _, data in results}) == len({data["technician_id"] for _, data in results}) == PARALLEL
        assert count("appointments_appointment") == PARALLEL
