"""gunicorn for the production profile (docs/deploy.md): sync workers sized for the cores, JSON logs.

    .venv/bin/gunicorn -c scripts/gunicorn.conf.py pitstop.wsgi

Django keeps its database connections open (CONN_MAX_AGE=600 with health checks, pitstop/settings.py),
so each sync worker reuses one connection. Environment: GUNICORN_BIND (127.0.0.1:8000),
GUNICORN_WORKERS (2 × cores + 1), GUNICORN_TIMEOUT (30 s), LOG_LEVEL (INFO).
"""

import multiprocessing
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = 5_000  # recycle workers now and then (memory), with jitter so they do not restart together
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# One JSON object per request; the query string is left out (it carries mobiles and plates).
access_log_format = (
    '{"remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s}'
)


def _json_logging():
    import jsonlog

    return jsonlog.config()


logconfig_dict = _json_logging()


def post_worker_init(worker):
    """Django configured its own LOGGING when the app loaded; put the JSON handlers back on top."""
    import jsonlog

    jsonlog.configure()
