from django.contrib.auth import authenticate
from ninja import Router, Schema, Status

from accounts.models import ApiToken

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


@router.post("/token", auth=None, response={200: TokenOut, 401: ErrorOut})
def token_issue(request, payload: TokenIn):
    """Exchange a username and password for a bearer token."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        return Status(401, {"detail": "用户名或密码错误", "errors": {}})
    return Status(200, {"token": ApiToken.issue(user)})


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
