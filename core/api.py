"""Shared API plumbing: bearer-token auth, one error shape, capped pagination."""

from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import Http404
from django_ratelimit.exceptions import Ratelimited
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth

from accounts.models import ApiToken
from core.errors import DomainError, DuplicateCustomer
from core.views import LOCKED_OUT


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


class TextParser(Parser):
    """JSON bodies whose text holds no NUL character (U+0000): PostgreSQL cannot store one, and a
    database error halfway through a request is the wrong place to find out. Refused here with a
    400 on both databases, before any service runs."""

    def parse_body(self, request) -> dict:
        data = super().parse_body(request)
        if _has_nul(data):
            raise ValueError("text with a NUL character")
        return data


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


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

    @api.exception_handler(AxesBackendPermissionDenied)
    def on_locked_out(request, exc):
        return _error(api, request, 429, LOCKED_OUT)

    @api.exception_handler(Ratelimited)
    def on_rate_limited(request, exc):
        return _error(api, request, 429, "请求过于频繁，请稍后再试")

    @api.exception_handler(OverflowError)
    @api.exception_handler(DataError)
    def on_out_of_range(request, exc):
        # A number no column can hold (e.g. an id of 30 digits) is bad input, not a server fault.
        return _error(api, request, 422, "数值超出范围")

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request, exc):
        return _error(api, request, 413, "请求体过大")

    @api.exception_handler(HttpError)
    def on_http_error(request, exc):
        detail = "请求格式不正确：需要有效的 JSON，文字中不能含空字符" if exc.status_code == 400 else str(exc)
        return _error(api, request, exc.status_code, detail)


MAX_OFFSET = 10**9  # deeper than any archive; keeps absurd offsets from overflowing the database


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def page_window(limit: int | None, offset: int | None) -> tuple[int, int]:
    """Clamp paging: oversized pages are capped to API_MAX_PAGE_SIZE, never refused."""
    limit = settings.API_DEFAULT_PAGE_SIZE if not limit or limit < 1 else min(limit, settings.API_MAX_PAGE_SIZE)
    return limit, min(max(offset or 0, 0), MAX_OFFSET)


def paginate(queryset, limit: int | None, offset: int | None, *, count: bool = True) -> dict:
    limit, offset = page_window(limit, offset)
    items = list(queryset[offset : offset + limit])
    return {"items": items, "count": queryset.count() if count else None, "limit": limit, "offset": offset}


AUTH = [BearerToken(), django_auth]
