"""Job entry point of the complaints module (run by `runjobs` every minute or by Celery beat)."""

from complaints.services import sla_escalate_due


def escalate_due() -> dict:
    return sla_escalate_due()
