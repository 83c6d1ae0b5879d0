"""scripts/backup.sh and scripts/restore.sh (issue 11): a dump restored into a fresh database has
the same row counts. PostgreSQL when the tests run on it, else the SQLite variant."""

import os
import shutil
import sqlite3
import subprocess  # nosec B404 - runs the project's own scripts
from pathlib import Path

import pytest
from django.db import connection

from customers.models import Customer, CustomerMobile
from customers.services import customer_create
from vehicles.models import Vehicle

ROOT = Path(__file__).resolve().parents[2]
TABLES = [Customer._meta.db_table, CustomerMobile._meta.db_table, Vehicle._meta.db_table, "accounts_store", "accounts_user"]


def script(name: str, *args: str, database_url: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(
        [str(ROOT / "scripts" / name), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )  # noqa: S603
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _counts(cursor) -> dict[str, int]:
    counts = {}
    for table in TABLES:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # nosec B608 - fixed table names
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def archive(advisor_alice, vehicle_a):
    for i in range(3):
        customer_create(user=advisor_alice, name=f"备份客户{i}", mobile=f"1360000000{i}")


@pytest.mark.django_db(transaction=True)
def test_postgres_dump_restores_with_the_same_row_counts(archive, tmp_path):
    if connection.vendor != "postgresql" or not shutil.which("pg_dump"):
        pytest.skip("PostgreSQL variant: runs when DATABASE_URL is PostgreSQL")
    s = connection.settings_dict
    base = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    dump = script("backup.sh", str(tmp_path), database_url=f"{base}/{s['NAME']}")
    assert Path(dump).stat().st_size > 0
    fresh = f"{s['NAME']}_restore_{os.getpid()}"
    with connection.cursor() as cursor:
        expected = _counts(cursor)
    try:
        script("restore.sh", dump, database_url=f"{base}/{fresh}")
        import psycopg

        with psycopg.connect(f"{base}/{fresh}") as restored, restored.cursor() as cursor:
            assert _counts(cursor) == expected
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
    assert expected[Customer._meta.db_table] == 4


@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restores_with_the_same_row_counts(archive, tmp_path):
    if connection.vendor != "sqlite" or not shutil.which("sqlite3"):
        pytest.skip("SQLite variant: runs when DATABASE_URL is SQLite")
    live = tmp_path / "live.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(live) as target:  # the test database is in memory: give the scripts a file
        connection.connection.backup(target)
    backup = script("backup.sh", str(tmp_path / "backups"), database_url=f"sqlite:///{live}")
    restored = tmp_path / "restored.sqlite3"
    script("restore.sh", backup, database_url=f"sqlite:///{restored}")
    with sqlite3.connect(live) as a, sqlite3.connect(restored) as b:
        expected = _counts(a.cursor())
        assert _counts(b.cursor()) == expected and expected[Customer._meta.db_table] == 4
