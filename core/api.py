"""Shared API plumbing: bearer-token auth, one error shape, capped pagination."""

from django.conf import settings
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from accounts.models import ApiToken
from core.errors import DomainError, DuplicateCustomer


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user
        return user


def _field_name(loc: list) -> str:
    """('body', 'payload', 'mobile') → 'mobile'; ('query', 'limit') → 'limit'."""
    parts = [str(p) for p in loc[1:] if isinstance(p, str) and p != "payload"]
    return ".".join(parts) or str(loc[0])


def _error(api: NinjaAPI, request, status: int, detail: str, errors: dict | None = None, **extra):
    return api.create_response(request, {"detail": detail, "errors": errors or {}, **extra}, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error leaves as {"detail": "...", "errors": {"field": "message"}}."""

    @api.exception_handler(ValidationError)
    def on_validation(request, exc):
        errors = {}
        for item in exc.errors:
            errors.setdefault(_field_name(list(item.get("loc", ["body"]))), item.get("msg", "invalid"))
        return _error(api, request, 422, "提交的数据有误", errors)

    @api.exception_handler(DomainError)
    def on_domain(request, exc):
        extra = {"existing_customer_id": exc.existing_customer_id} if isinstance(exc, DuplicateCustomer) else {}
        return _error(api, request, exc.status, exc.detail, exc.errors, **extra)

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return _error(api, request, 404, "未找到该记录")

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        return _error(api, request, 401, "未登录或令牌无效")

    @api.exception_handler(HttpError)
    def on_http_error(request, exc):
        return _error(api, request, exc.status_code, str(exc))


def page_window(limit: int | None, offset: int | None) -> tuple[int, int]:
    """Clamp paging: oversized pages are capped to API_MAX_PAGE_SIZE, never refused."""
    limit = settings.API_DEFAULT_PAGE_SIZE if not limit or limit < 1 else min(limit, settings.API_MAX_PAGE_SIZE)
    return limit, max(offset or 0, 0)


def paginate(queryset, limit: int | None, offset: int | None, *, count: bool = True) -> dict:
    limit, offset = page_window(limit, offset)
    items = list(queryset[offset : offset + limit])
    return {"items": items, "count": queryset.count() if count else None, "limit": limit, "offset": offset}


AUTH = [BearerToken(), django_auth]
