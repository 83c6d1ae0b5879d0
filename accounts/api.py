from django.contrib.auth import authenticate
from django_ratelimit.decorators import ratelimit
from ninja import Router, Schema, Status

from accounts.models import ApiToken
from core.api import client_ip

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    store_ids: list[int]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] = {}


@router.post("/token", auth=None, response={200: TokenOut, 401: ErrorOut, 429: ErrorOut})
@ratelimit(key=lambda group, request: client_ip(request) or "unknown", rate="20/m", block=True)
def token_issue(request, payload: TokenIn):
    """Exchange a username and password for a bearer token (expires; revoke with DELETE).
    Repeated failures lock the username from that address (django-axes); 20 calls/min per IP."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        return Status(401, {"detail": "用户名或密码错误", "errors": {}})
    return Status(200, {"token": ApiToken.issue(user)})


@router.delete("/token", response={204: None})
def token_revoke(request):
    """Revoke the bearer token used for this call."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        ApiToken.revoke(header[7:].strip())
    return Status(204, None)


@router.get("/me", response=MeOut)
def me(request):
    user = request.auth
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "store_ids": sorted(user.accessible_store_ids()),
    }
