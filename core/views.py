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


def healthz(request):
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": "ok"})
