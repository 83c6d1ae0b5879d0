"""The production profile end to end (issue 11): a real gunicorn (scripts/gunicorn.conf.py) and a
real Celery worker (scripts/run_celery.py) on PostgreSQL and Redis, started as subprocesses. An
import too big for the request is queued, run by the worker, and lands in the database.

Runs in the PostgreSQL pass of `make test` (the subprocesses share pytest's test database, which an
in-memory SQLite database cannot do); skipped when Redis or gunicorn is missing."""

import json
import os
import signal
import socket
import subprocess  # nosec B404 - starts the app's own servers
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from accounts.models import ApiToken
from customers.models import Customer
from dataio.services import INLINE_ROWS
from dataio.tests.conftest import csv_bytes

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS = ("127.0.0.1", 6379)
ROWS = INLINE_ROWS + 1  # more than a request runs inline: the Celery worker must do it


def _reachable(address) -> bool:
    try:
        socket.create_connection(address, timeout=1).close()
    except OSError:
        return False
    return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


pytestmark = [
    pytest.mark.skipif(not _reachable(REDIS), reason="Redis is not running on 127.0.0.1:6379 (make redis)"),
    pytest.mark.skipif(not (BIN / "gunicorn").exists(), reason="gunicorn is not installed"),
]


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Http:
    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: bytes | None = None, content_type: str = "application/json"):
        request = urllib.request.Request(self.base + path, data=body, method=method)  # noqa: S310 - loopback only
        request.add_header("Authorization", f"Bearer {self.token}")
        if body is not None:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=20) as response:  # nosec B310 - loopback only
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def upload(self, data: bytes):
        boundary = "pitstop-e2e-boundary"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ncustomers\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="dms.csv"\r\n'
                "Content-Type: text/csv\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.call("POST", "/api/imports", body, f"multipart/form-data; boundary={boundary}")

    def wait_for(self, batch_id: int, statuses: set[str], seconds: float = 60) -> dict:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            batch = json.loads(self.call("GET", f"/api/imports/{batch_id}")[1])
            if batch["status"] in statuses:
                return batch
            time.sleep(0.2)
        raise AssertionError(f"batch {batch_id} stuck in {batch['status']}")


@pytest.fixture
def profile(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the production profile runs on PostgreSQL: see the PostgreSQL pass (make test-postgres)")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14",  # a database of its own: no other worker takes our jobs
        "DEBUG": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": str(ROOT),
    }
    logs = {name: open(tmp_path / f"{name}.log", "wb") for name in ("gunicorn", "celery")}  # noqa: SIM115
    processes = [
        subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "scripts/gunicorn.conf.py", "pitstop.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=logs["gunicorn"],
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),  # fmt: skip
        subprocess.Popen(
            [
                sys.executable,
                "scripts/run_celery.py",
                "worker",
                "--pool",
                "solo",
                "--without-mingle",
                "--without-gossip",
                "-Q",
                "celery",
            ],
            cwd=ROOT,
            env=env,
            stdout=logs["celery"],
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),  # fmt: skip
    ]
    try:
        yield f"http://127.0.0.1:{port}", tmp_path
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for log in logs.values():
            log.close()


def _wait_healthy(base: str, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # nosec B310 - loopback only
                return json.loads(response.read())
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer /healthz")


@pytest.mark.django_db(transaction=True)
def test_gunicorn_and_celery_on_postgresql_and_redis(profile, store_a):
    from conftest import make_user

    base, logs = profile
    manager = make_user("e2e-manager", "store_manager", store_a.group, [store_a])
    http = Http(base, ApiToken.issue(manager))
    assert _wait_healthy(base) == {"status": "ok", "database": "ok", "broker": "ok"}
    with urllib.request.urlopen(base + "/static/css/app.css", timeout=5) as response:  # nosec B310 - whitenoise
        assert response.status == 200
    rows = [["客户姓名", "联系电话"]] + [[f"客户{i}", f"139{i:08d}"] for i in range(ROWS)]
    status, body = http.upload(csv_bytes(rows))
    assert status == 201, body
    batch = json.loads(body)
    status, body = http.call("POST", f"/api/imports/{batch['id']}/check", json.dumps({"mapping": batch["mapping"]}).encode())
    assert status == 202 and json.loads(body)["status"] in ("check_queued", "checking", "checked")
    checked = http.wait_for(batch["id"], {"checked", "failed"})
    assert checked["status"] == "checked" and checked["error_count"] == 0, checked
    assert http.call("POST", f"/api/imports/{batch['id']}/commit")[0] == 202
    done = http.wait_for(batch["id"], {"done", "failed"})
    assert done["status"] == "done" and done["counts"]["customers_new"] == ROWS, done
    assert Customer.objects.filter(store=store_a).count() == ROWS
    entries = [json.loads(line) for line in (logs / "gunicorn.log").read_text().splitlines() if line.startswith("{")]
    assert any(e["logger"] == "gunicorn.access" and e["path"] == "/api/imports" and e["status"] == 201 for e in entries)
    assert "pitstop.run_job" in (logs / "celery.log").read_text()


def _copying() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY %%'")
        return cursor.fetchone() is not None


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_commit_leaves_nothing_and_the_job_finishes_the_batch(store_a, tmp_path):
    """SIGKILL the importing process while it writes; PostgreSQL rolls the transaction back, the
    lease runs out and the job imports the whole file — not a row twice."""
    if connection.vendor != "postgresql":
        pytest.skip("the importing process must share the database: PostgreSQL pass")
    from django.utils import timezone

    from dataio.models import ImportBatch
    from dataio.services import imports_process

    rows = 30_000
    data = tmp_path / "dms.csv"
    data.write_bytes(csv_bytes([["客户姓名", "联系电话"]] + [[f"客户{i}", f"137{i:08d}"] for i in range(rows)]))
    env = {**os.environ, "DATABASE_URL": _database_url(), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "manage.py", "import_customers", str(data), "--store", store_a.code]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    deadline = time.monotonic() + 120
    while not _copying():  # the commit's transaction is writing with COPY
        assert process.poll() is None and time.monotonic() < deadline, "the import finished before it could be killed"
        time.sleep(0.02)
    process.kill()
    process.wait(timeout=30)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.COMMITTING and Customer.objects.count() == 0
    ImportBatch.objects.filter(pk=batch.pk).update(lease_until=timezone.now())  # as if the lease ran out
    assert imports_process() == {"recovered": 1, "processed": 1}
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.attempts == 2
    assert Customer.objects.filter(store=store_a).count() == rows
