"""Scheduled workshop jobs (registered in core/jobs.py); each is idempotent and safe with several workers."""

from workshop.progress import apology_tasks_create, progress_updates_send


def progress_job() -> dict:
    """DOMAIN §6/§1: progress messages at least every 2 hours, apology tasks 15 min after a missed promise."""
    return {"progress_sent": progress_updates_send(), "apology_tasks": apology_tasks_create()}
