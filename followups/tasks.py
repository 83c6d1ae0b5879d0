"""Job entry points of the follow-ups module (run by `runjobs` or by Celery beat)."""

import datetime as dt

from followups.interviews import interview_tasks_plan
from followups.retention import retention_run_day


def retention_nightly(day: dt.date) -> dict:
    return retention_run_day(day=day)


def interview_tasks_daily(day: dt.date) -> dict:
    return interview_tasks_plan(day=day)
