import datetime as dt
import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.jobs import DAILY_JOBS, JOBS, daily_job_claim, daily_job_run

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the background jobs in-process (the default scheduler; no extra server needed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="run every daily job for --date (default today) plus one drain, then exit"
        )
        parser.add_argument(
            "--date", type=dt.date.fromisoformat, help="the day to run, YYYY-MM-DD (time travel for tests and demos)"
        )

    def handle(self, *args, once: bool, date: dt.date | None, **options):
        if once:
            self._run_day(date or timezone.localdate())
            return
        if date:
            raise CommandError("--date only makes sense with --once")
        self._loop()

    def _run_day(self, day: dt.date) -> None:
        """Time travel: every daily job for `day`, even if it already ran (jobs are idempotent)."""
        for job in DAILY_JOBS:
            self.stdout.write(f"{job.name} {day}: {job.call(day)}")
        for job in JOBS:
            if job.every_seconds:
                self.stdout.write(f"{job.name}: {job.call()}")

    def _loop(self) -> None:
        last_run: dict[str, float] = {}
        self.stdout.write("runjobs: scheduler started (Ctrl+C to stop)")
        while True:
            now = timezone.localtime()
            today = now.date()
            for job in DAILY_JOBS:
                if now.time() >= job.at and daily_job_claim(job, today):
                    self._guarded(lambda job=job, today=today: daily_job_run(job, today), job.name)
            for job in JOBS:
                if job.every_seconds and time.monotonic() - last_run.get(job.name, 0) >= job.every_seconds:
                    last_run[job.name] = time.monotonic()
                    self._guarded(job.call, job.name)
            time.sleep(5)

    def _guarded(self, call, name: str) -> None:
        """One failing job must not stop the scheduler; it is logged and retried on its next turn."""
        try:
            result = call()
            self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M:%S} {name}: {result}")
        except Exception:
            logger.exception("job %s failed", name)
