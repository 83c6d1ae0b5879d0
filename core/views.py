from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from core.context_processors import NAVIGATION

MODULES = {slug: label for url, label, slug in NAVIGATION if url == "module"}


@login_required
def module_placeholder(request, slug: str):
    """A domain of the brief whose module has not landed yet: say so plainly, in the shell."""
    if slug not in MODULES:
        raise Http404
    return render(request, "core/module.html", {"module_label": MODULES[slug]})


def rate_limited(request, exception):
    """django-ratelimit's answer to a caller over the limit: 429, JSON for the API."""
    from django.http import JsonResponse

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "请求过于频繁，请稍后再试", "errors": {}}, status=429)
    return render(request, "core/rate_limited.html", status=429)


LOCKED_OUT = "登录失败次数过多，账号已暂时锁定，请 15 分钟后再试"


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes' answer to a locked-out login: 429, JSON for the API, a page for people."""
    from django.http import JsonResponse

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKED_OUT, "errors": {}}, status=429)
    return render(request, "registration/locked_out.html", status=429)


def healthz(request):
    """Liveness for the load balancer: the database answers and, when Celery is configured, the
    broker accepts a connection. 503 with the failing part otherwise (docs/deploy.md)."""
    from django.http import JsonResponse

    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(value in ("ok", "not configured") for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def _database_ok() -> str:
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "error"
    return "ok"


def _broker_ok() -> str:
    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        return "not configured"
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2, transport_options={"socket_timeout": 2}) as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # any transport error means "not reachable" to the health check
        return "error"
    return "ok"
