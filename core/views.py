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
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": "ok"})
