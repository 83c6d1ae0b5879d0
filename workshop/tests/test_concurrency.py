"""Two advisors receiving the same car at once open one order; two clicks on "approve" record one
approval. On SQLite the threads use a file copy of the test database, configured like production
(WAL, IMMEDIATE transactions): the in-memory test database's shared cache does not wait for locks."""

import datetime as dt
import json
import sqlite3
import threading
from contextlib import contextmanager

import pytest
from django.db import connection, connections
from django.utils import timezone

from conftest import api_client_for

PARALLEL = 8


@contextmanager
def production_like_database(tmp_path):
    if connection.vendor != "sqlite":
        yield lambda sql: _scalar(sql)
        return
    path = str(tmp_path / "race.sqlite3")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings_dict = connections.settings["default"]
    previous, settings_dict["NAME"] = settings_dict["NAME"], path
    try:
        yield lambda sql: sqlite3.connect(path).execute(sql).fetchone()[0]
    finally:
        settings_dict["NAME"] = previous


def _scalar(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _race(clients, url: str, body: dict) -> list[int]:
    barrier = threading.Barrier(len(clients))
    statuses = [0] * len(clients)

    def attempt(index, client):
        barrier.wait()
        try:
            statuses[index] = client.post(url, data=json.dumps(body), content_type="application/json").status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


@pytest.mark.django_db(transaction=True)
def test_parallel_receptions_of_one_car_open_one_order(advisor_alice, vehicle_a, tmp_path):
    clients = [api_client_for(advisor_alice) for _ in range(PARALLEL)]
    with production_like_database(tmp_path) as scalar:
        statuses = _race(clients, "/api/repair-orders", {"vehicle_id": vehicle_a.pk, "odometer_km": 5000})
        assert statuses == [201] + [409] * (PARALLEL - 1)
        assert scalar("SELECT COUNT(*) FROM workshop_repairorder") == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_approvals_record_one(advisor_alice, vehicle_a, tmp_path):
    from workshop.progress import workshop_templates_ensure
    from workshop.tests.conftest import open_order, plan_order

    workshop_templates_ensure()
    order = plan_order(advisor_alice, open_order(advisor_alice, vehicle_a))
    clients = [api_client_for(advisor_alice) for _ in range(PARALLEL)]
    with production_like_database(tmp_path) as scalar:
        statuses = _race(clients, f"/api/repair-orders/{order.pk}/approve", {"method": "signature"})
        assert statuses == [200] + [409] * (PARALLEL - 1)
        assert scalar("SELECT COUNT(*) FROM workshop_repairorderapproval") == 1
        assert scalar("SELECT COUNT(*) FROM workshop_repairorderevent WHERE to_state = 'confirmed'") == 1
    assert timezone.now() - order.arrived_at < dt.timedelta(minutes=5)
