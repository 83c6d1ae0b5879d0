"""Job entry points of the reminders module (run by `runjobs` or by Celery beat)."""

import datetime as dt

from reminders.services import reminders_run_day


def reminders_daily(day: dt.date) -> dict:
    result = reminders_run_day(day=day)
    return {"generated": result.generated, "tasks": result.tasks, "messages": result.messages}
