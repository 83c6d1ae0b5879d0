"""The job registry: every background job is an idempotent service function, run by the
in-process scheduler (`manage.py runjobs`) or, with CELERY_BROKER_URL set, by Celery beat."""

import datetime as dt
import importlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone


@dataclass(frozen=True)
class Job:
    name: str
    target: str  # "module.function"; daily jobs take the day, frequent ones take nothing
    at: dt.time | None = None  # daily at this local time
    every_seconds: int | None = None

    def call(self, day: dt.date | None = None):
        module_name, function_name = self.target.rsplit(".", 1)
        function = getattr(importlib.import_module(module_name), function_name)
        return function(day) if self.at is not None else function()


JOBS = [
    Job("privacy.retention", "privacy.tasks.retention_nightly", at=dt.time(2, 30)),
    Job("reminders.daily", "reminders.tasks.reminders_daily", at=dt.time(6, 0)),
    Job("messaging.drain", "messaging.tasks.outbox_drain_job", every_seconds=30),
    Job("complaints.escalate", "complaints.tasks.escalate_due", every_seconds=60),
    Job("followups.retention", "followups.tasks.retention_nightly", at=dt.time(3, 0)),
    Job("followups.interviews", "followups.tasks.interview_tasks_daily", at=dt.time(3, 30)),
    # appointments: add this module's jobs below this line
    Job("appointments.no_shows", "appointments.tasks.no_shows_mark", every_seconds=300),
    Job("appointments.day_before", "appointments.tasks.day_before_reminders", at=dt.time(10, 0)),
    # workshop: add this module's jobs below this line
    Job("workshop.progress", "workshop.tasks.progress_job", every_seconds=300),
    # showroom: add this module's jobs below this line
    # handover: add this module's jobs below this line
    Job("handover.escalate", "handover.tasks.escalate_due", every_seconds=60),
    # leads: add this module's jobs below this line
    Job("leads.clocks", "leads.tasks.lead_clocks", every_seconds=60),
    # loyalty: add this module's jobs below this line
    Job("loyalty.nightly", "loyalty.tasks.loyalty_nightly_job", at=dt.time(1, 30)),
    # kpis: add this module's jobs below this line
    Job("kpis.rollup", "kpis.tasks.rollup_nightly", at=dt.time(4, 0)),
    Job("kpis.today", "kpis.tasks.rollup_today", every_seconds=3600),
    Job("kpis.red_check", "kpis.tasks.red_check_daily", at=dt.time(4, 30)),
    # dataio: add this module's jobs below this line
    Job("dataio.imports", "dataio.tasks.imports_run", every_seconds=10),
]
JOBS_BY_NAME = {job.name: job for job in JOBS}
DAILY_JOBS = [job for job in JOBS if job.at is not None]


def daily_job_claim(job: Job, day: dt.date) -> bool:
    """Claim one daily run; several schedulers never start the same day's job twice."""
    from core.models import JobRun

    try:
        with transaction.atomic():
            JobRun.objects.create(job=job.name, day=day)
        return True
    except IntegrityError:
        return False


def daily_job_run(job: Job, day: dt.date):
    """Run a claimed daily job and record how it ended (the job itself is idempotent, so a
    failed run can simply be run again for the same day)."""
    from core.models import JobRun

    try:
        result = job.call(day)
    except Exception as exc:
        JobRun.objects.filter(job=job.name, day=day).update(finished_at=timezone.now(), result={"error": str(exc)[:500]})
        raise
    JobRun.objects.filter(job=job.name, day=day).update(
        finished_at=timezone.now(), result=result if isinstance(result, dict) else {"result": result}
    )
    return result
