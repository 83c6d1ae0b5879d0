"""Celery for the scaled set-up (CELERY_BROKER_URL set): beat runs the same job registry as
`manage.py runjobs`; workers execute `pitstop.run_job` with the job's name (ids, never objects)."""

import datetime as dt
import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pitstop.settings")

app = Celery("pitstop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["core"])


@app.on_after_finalize.connect
def _schedule_jobs(sender, **kwargs):
    from core.jobs import JOBS

    for job in JOBS:
        when = crontab(hour=job.at.hour, minute=job.at.minute) if job.at else dt.timedelta(seconds=job.every_seconds)
        sender.add_periodic_task(when, sender.signature("pitstop.run_job", args=(job.name,)), name=job.name)
