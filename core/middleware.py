import time
from urllib.parse import urlencode

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import resolve_url
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django_htmx.http import HttpResponseClientRedirect


class NoStoreMiddleware:
    """Pages and API answers for signed-in staff carry personal data: never cache them (DOMAIN §14)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True, max_age=0)
        return response


class AuditActorMiddleware(AuditlogMiddleware):
    """API callers authenticate inside the view (bearer token), after the middleware ran, so the
    audit actor is resolved lazily when the first log entry is written."""

    @staticmethod
    def _get_actor(request):
        return SimpleLazyObject(lambda: AuditlogMiddleware._get_actor(request))


TOUCHED_KEY = "_touched_at"
BACKGROUND_POLL_HEADER = "X-Background-Poll"


class SessionIdleTimeoutMiddleware:
    """DOMAIN §14: a staff session ends after SESSION_COOKIE_AGE without activity. Activity pushes
    the session's expiry forward at most once every SESSION_TOUCH_SECONDS instead of on every
    request: a 360 page loads about ten cards at once, and each used to re-write — and row-lock —
    the same session row (SESSION_SAVE_EVERY_REQUEST)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.headers.get(BACKGROUND_POLL_HEADER):
            return response  # the red-alert banner polls every minute: an open tab is not activity
        if user is not None and user.is_authenticated and request.session.session_key:
            now = int(time.time())
            if now - request.session.get(TOUCHED_KEY, 0) >= settings.SESSION_TOUCH_SECONDS:
                request.session[TOUCHED_KEY] = now  # modified → SessionMiddleware saves it with a new expiry
        return response


def session_touched_at_login(sender, request, user, **kwargs):
    """Signing in is activity: the login saves the session anyway, so the next minute's requests
    need not write it again."""
    if hasattr(request, "session"):
        request.session[TOUCHED_KEY] = int(time.time())


class HtmxSessionExpiredMiddleware:
    """An HTMX request whose session ended (idle timeout, logout in another tab) would swap the login
    page into a card or banner; instead the whole page goes to the login, which returns here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not (getattr(request, "htmx", False) and response.status_code == 302):
            return response
        login = resolve_url(settings.LOGIN_URL)
        if getattr(response, "url", "").startswith(login):
            page = request.htmx.current_url_abs_path or "/"
            return HttpResponseClientRedirect(f"{login}?{urlencode({REDIRECT_FIELD_NAME: page})}")
        return response
