"""Input rules shared by the complaint and contact services."""

import datetime as dt

from accounts.models import User
from core.errors import InvalidInput


def clean_text(value: str, field: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput({field: f"请填写{label}"})
    if len(value) > max_length:
        raise InvalidInput({field: f"{label}不能超过 {max_length} 个字"})
    return value


def check_choice(value: str, choices, field: str, message: str) -> None:
    if value not in choices.values:
        raise InvalidInput({field: message})


def not_in_future(value: dt.datetime | None, now: dt.datetime, field: str, label: str) -> dt.datetime:
    """A time the customer contacted us, entered by staff: now when left out, never in the future."""
    if value is None:
        return now
    if value > now + dt.timedelta(minutes=5):
        raise InvalidInput({field: f"{label}不能晚于现在"})
    return value


def staff_of_store(store_id: int, user_id: int | None, field: str) -> User:
    """An active colleague who works in the store (or the group's senior management)."""
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None or store_id not in user.accessible_store_ids():
        raise InvalidInput({field: "该员工不存在或不在本店"})
    return user
