"""Idempotency-Key for POST /api/appointments: the same key and body replay the stored response, so a
client retrying after a lost answer never books twice.

The key row is inserted first, in the booking's transaction. A concurrent request with the same key
waits on the unique index (PostgreSQL) or on the write lock (SQLite IMMEDIATE) and, once the first
commits, finds the stored response and replays it. A failed booking rolls its key row back, so a
retry runs again."""

import hashlib
from collections.abc import Callable

from django.db import IntegrityError, transaction

from appointments.models import IdempotentRequest
from core.errors import InvalidInput

KEY_MAX_LENGTH = 120


def idempotent(*, user, key: str, body: bytes, run: Callable[[], tuple[int, dict]]) -> tuple[int, dict]:
    if not key or len(key) > KEY_MAX_LENGTH:
        raise InvalidInput({"Idempotency-Key": f"幂等键须为 1–{KEY_MAX_LENGTH} 个字符"})
    body_hash = hashlib.sha256(body).hexdigest()
    stored = _stored(user, key, body_hash)
    if stored is not None:
        return stored
    try:
        with transaction.atomic():
            record = IdempotentRequest.objects.create(user=user, key=key, body_hash=body_hash, status_code=0, response={})
            status, data = run()
            record.status_code, record.response = status, data
            record.save(update_fields=["status_code", "response"])
    except IntegrityError:
        stored = _stored(user, key, body_hash)
        if stored is None:
            raise
        return stored
    return status, data


def _stored(user, key: str, body_hash: str) -> tuple[int, dict] | None:
    record = IdempotentRequest.objects.filter(user=user, key=key).first()
    if record is None:
        return None
    if record.body_hash != body_hash:
        raise InvalidInput({"Idempotency-Key": "该幂等键已用于另一个请求，请使用新的键"}, detail="幂等键与请求内容不符")
    return record.status_code, record.response
