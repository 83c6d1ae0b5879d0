"""Job entry point of the handover module (run by `runjobs` every minute or by Celery beat)."""

from handover.services import handover_escalate_due


def escalate_due() -> dict:
    return handover_escalate_due()
