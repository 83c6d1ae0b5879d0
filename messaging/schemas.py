import datetime as dt

from ninja import Field, Schema

from messaging.models import MessageChannel, OutboxMessage


class InboundIn(Schema):
    channel: MessageChannel
    sender: str = Field(min_length=1, max_length=100, description="mobile (E.164 or national), openid or e-mail")
    body: str = Field(max_length=500)


class InboundOut(Schema):
    id: int
    action: str


class OutboxItem(Schema):
    """An outbox row without its variables: staff see what happened, not the message text."""

    id: int
    store_id: int
    customer_id: int
    channel: str
    purpose: str
    template_code: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str
    suppressed_reason: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    delivered_at: dt.datetime | None


class OutboxPage(Schema):
    items: list[OutboxItem]
    count: int | None
    limit: int
    offset: int


class OutboxQuery(Schema):
    customer_id: int | None = None
    status: OutboxMessage.Status | None = None
    limit: int | None = None
    offset: int | None = None
