"""Reads of the outbox and its templates."""

from django.db.models import F, Q, QuerySet

from core.scoping import scoped
from messaging.models import MessageTemplate, OutboxMessage


def outbox_list(*, user, customer_id: int | None = None, status: str | None = None) -> QuerySet:
    """The outbox of the user's stores, newest first (DOMAIN §14: other stores' rows do not exist)."""
    queryset = scoped(OutboxMessage.objects, user).order_by("-created_at", "-id")
    if customer_id is not None:
        queryset = queryset.filter(customer_id=customer_id)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def template_resolve(*, store_id: int, code: str, channel: str) -> MessageTemplate | None:
    """The store's own template for (code, channel), else the group default (store left empty)."""
    return (
        MessageTemplate.objects.filter(Q(store_id=store_id) | Q(store__isnull=True), code=code, channel=channel)
        .order_by(F("store_id").asc(nulls_last=True))
        .first()
    )
