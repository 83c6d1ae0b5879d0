"""Background entry points of the import pipeline (core/jobs.py runs them; Celery too)."""


def imports_run() -> dict:
    """Every 10 s: recover stale imports, then run the queued dry runs and commits (idempotent)."""
    from dataio.services import imports_process

    return imports_process()
