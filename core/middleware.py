from auditlog.middleware import AuditlogMiddleware
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject


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
