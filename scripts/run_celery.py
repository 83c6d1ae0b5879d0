"""Celery worker / beat of the production profile with JSON logs (docs/deploy.md).

    .venv/bin/python scripts/run_celery.py worker --concurrency 2
    .venv/bin/python scripts/run_celery.py beat

The same as `celery -A pitstop worker|beat`, but Celery's log handlers format as JSON lines.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pitstop.settings")

import jsonlog  # noqa: E402
from celery.signals import setup_logging  # noqa: E402


@setup_logging.connect
def _json(**kwargs):
    """Connected, so Celery leaves logging to us: JSON lines on stderr."""
    jsonlog.configure()


if __name__ == "__main__":
    from pitstop.celery import app

    command = sys.argv[1] if len(sys.argv) > 1 else "worker"
    app.start(["--quiet", "--no-color", command, "-l", os.environ.get("LOG_LEVEL", "INFO"), *sys.argv[2:]])
