"""Job entry point of the leads module (run by `runjobs` every minute or by Celery beat)."""

from leads.services import lead_clocks_run


def lead_clocks() -> dict:
    return lead_clocks_run()
