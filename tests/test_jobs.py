"""The schedulers: `runjobs --once --date` (time travel) and one job through a real Celery worker."""

import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command

from core.jobs import DAILY_JOBS, daily_job_claim
from reminders.services import reminder_steps_ensure
from vehicles.models import Vehicle

ROOT = Path(__file__).resolve().parent.parent


def test_runjobs_once_reproduces_a_day(capsys, store_a, vehicle_a):
    reminder_steps_ensure(store_a)
    Vehicle.objects.filter(pk=vehicle_a.pk).update(service_due_on=dt.date(2026, 12, 14))
    call_command("runjobs", once=True, date=dt.date(2026, 12, 1))
    out = capsys.readouterr().out
    assert "reminders.daily 2026-12-01: {'generated': 1" in out
    call_command("runjobs", once=True, date=dt.date(2026, 12, 1))
    assert "reminders.daily 2026-12-01: {'generated': 0" in capsys.readouterr().out


def test_a_daily_job_is_claimed_once_per_day(db):
    job = DAILY_JOBS[0]
    assert daily_job_claim(job, dt.date(2026, 12, 1)) is True
    assert daily_job_claim(job, dt.date(2026, 12, 1)) is False


def _redis_up() -> bool:
    import redis

    try:
        return redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def test_a_job_runs_through_a_real_celery_worker(tmp_path):
    """Beat and worker share the job registry; the worker gets a job name, never an object."""
    if not _redis_up():
        pytest.fail("Redis is not running on 127.0.0.1:6379 (make test starts it)")
    from celery import Celery

    broker = "redis://127.0.0.1:6379/15"
    queue = f"pitstop-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'celery.sqlite3'}",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "pitstop",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        client = Celery(broker=broker, backend=broker)
        result = client.send_task("pitstop.run_job", args=["reminders.daily", "2026-12-01"], queue=queue)
        assert result.get(timeout=60) == {"generated": 0, "tasks": 0, "messages": 0}
    finally:
        worker.terminate()
        worker.wait(timeout=20)
