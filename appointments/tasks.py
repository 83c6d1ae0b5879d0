"""Jobs of the appointments module (registered in core/jobs.py); each is an idempotent service call."""

import datetime as dt

from appointments.services import appointment_no_shows_mark, appointment_reminders_send


def no_shows_mark() -> dict:
    """Every 5 minutes: appointments past start + grace without arrival → no-show + reschedule task."""
    return {"marked": appointment_no_shows_mark()}


def day_before_reminders(day: dt.date) -> dict:
    """Daily at 10:00: the reminder for tomorrow's appointments (DOMAIN §5)."""
    return {"sent": appointment_reminders_send(day=day)}
