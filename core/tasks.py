"""The one Celery task: run a registered job by name (idempotent, so retries are safe)."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from core.jobs import JOBS_BY_NAME, daily_job_claim, daily_job_run


@shared_task(name="pitstop.run_job", acks_late=True)
def run_job(name: str, day: str | None = None):
    job = JOBS_BY_NAME[name]
    if job.at is None:
        return job.call()
    run_day = dt.date.fromisoformat(day) if day else timezone.localdate()
    if day is None and not daily_job_claim(job, run_day):
        return {"skipped": "already ran today"}
    return daily_job_run(job, run_day) if day is None else job.call(run_day)
