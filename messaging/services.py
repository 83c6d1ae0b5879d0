"""The transactional outbox (DOMAIN §4): queue a message with the change that causes it, drain the due
ones through the channel backends, honour consent and opt-outs at queue time and at send time
(DOMAIN §14), and take opt-out replies ("T", "TD", "退订") from customers."""

import datetime as dt
import logging
import time
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.permissions import Perm, require
from core.errors import Conflict, Forbidden, InvalidInput, full_clean_or_invalid
from customers.models import Customer, CustomerMobile
from customers.services import consent_write
from customers.validators import normalize_mobile
from messaging.backends import Backend, PermanentError, TransientError, backend_for
from messaging.models import ChannelAddress, InboundMessage, MessageChannel, MessagePurpose, MessageTemplate, OutboxMessage
from messaging.policies import StorePolicies
from messaging.rendering import RenderError, clean_variables, render_message, template_check
from messaging.rules import MARKETING_CONSENT, Audience, quiet_hours_end, suppression_reason
from messaging.selectors import template_resolve

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status
BACKOFF_CAP_MINUTES = 60
OUTCOMES_PER_COMMIT = 100
OUTCOME_FIELDS = ["status", "attempts", "next_attempt_at", "last_error", "suppressed_reason", "provider_message_id", "sent_at"]
OPT_OUT_WORDS = frozenset({"T", "TD", "退订"})
OPT_OUT_SOURCE = {
    MessageChannel.SMS: "短信回复退订",
    MessageChannel.WECHAT: "微信回复退订",
    MessageChannel.EMAIL: "邮件回复退订",
}
# --- queueing -------------------------------------------------------------------------------------


@transaction.atomic
def message_queue(
    *,
    store_id: int,
    customer: Customer,
    channel: str,
    purpose: str,
    template_code: str,
    variables: dict,
    idempotency_key: str,
    send_after: dt.datetime | None = None,
) -> OutboxMessage:
    """Put one message in the outbox. Call it inside the transaction of the change that causes the
    message: the row commits or rolls back with it (DOMAIN §4). The same idempotency key twice gives
    the first row back, also under concurrency (unique key + get_or_create). A message the consent
    rules block is stored anyway, as suppressed with its reason; quiet hours only delay it. Mistakes
    of the calling code raise InvalidInput; a template problem (missing, wrong purpose, a variable it
    needs) is a setting a manager fixes, so it never undoes the caller's change: the row is stored
    as failed with the reason."""
    existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    cleaned = _checked_request(store_id, customer, channel, purpose, variables, idempotency_key)
    now = timezone.now()
    first_attempt = max(send_after or now, now)
    reason = suppression_reason(customer, channel, purpose, first_attempt)
    problem = None if reason else _template_problem(store_id, template_code, channel, purpose, cleaned)
    message, _ = OutboxMessage.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "store_id": store_id,
            "customer": customer,
            "channel": channel,
            "purpose": purpose,
            "template_code": template_code,
            "variables": cleaned,
            "status": Status.SUPPRESSED if reason else Status.FAILED if problem else Status.QUEUED,
            "suppressed_reason": reason or "",
            "last_error": problem or "",
            "next_attempt_at": quiet_hours_end(store_id, first_attempt) or first_attempt,
        },
    )
    return message


def _checked_request(store_id, customer, channel, purpose, variables, idempotency_key) -> dict[str, str]:
    """Mistakes of the calling code are refused at once, not discovered by the sender hours later."""
    errors = {}
    if channel not in MessageChannel.values:
        errors["channel"] = "未知的消息渠道"
    if purpose not in MessagePurpose.values:
        errors["purpose"] = "未知的消息用途"
    if customer.store_id != store_id:
        errors["store_id"] = "客户不属于该门店"
    if not idempotency_key or len(idempotency_key) > 120:
        errors["idempotency_key"] = "幂等键须为 1–120 个字符"
    if errors:
        raise InvalidInput(errors)
    return clean_variables(variables)


def _template_problem(store_id: int, code: str, channel: str, purpose: str, variables: dict[str, str]) -> str | None:
    try:
        template_check(template_resolve(store_id=store_id, code=code, channel=channel), purpose=purpose, variables=variables)
    except RenderError as exc:
        logger.warning("outbox: template %s/%s of store %s: %s", code, channel, store_id, exc)
        return str(exc)
    return None


# --- sending --------------------------------------------------------------------------------------


def outbox_drain(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Send every due message; returns how many were handled (sent, suppressed, deferred, retried or
    failed). Safe with several workers: a row is claimed (queued → sending) by one of them only.
    Consent, opt-out and quiet hours are checked again here, at send time (DOMAIN §4, §14)."""
    now = now or timezone.now()
    backends = {channel: backend_for(channel) for channel in MessageChannel.values}  # bad settings fail before any claim
    _requeue_expired_leases(now)
    handled = 0
    while claimed := _claim(now, batch):
        _send_batch(claimed, now, backends)
        handled += len(claimed)
    return handled


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.MESSAGING_LEASE_SECONDS)


def _claim(now: dt.datetime, batch: int) -> list[int]:
    """Due rows become "sending" with a lease, for this worker alone. PostgreSQL: the rows are locked
    and other workers skip them (SKIP LOCKED). SQLite: transactions are IMMEDIATE, so the select and
    the update run while this worker holds the write lock."""
    with transaction.atomic():
        due = OutboxMessage.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now).order_by("next_attempt_at", "id")
        ids = list(due.select_for_update(skip_locked=True).values_list("id", flat=True)[:batch])
        OutboxMessage.objects.filter(id__in=ids, status=Status.QUEUED).update(
            status=Status.SENDING, next_attempt_at=now + _lease()
        )
    return ids


def _requeue_expired_leases(now: dt.datetime) -> None:
    """A worker that died after the gateway accepted but before marking the row sent leaves it in
    "sending"; once the lease is over it goes again with the same idempotency key, which the gateway
    drops as a repeat. Each expiry counts as an attempt, so a message that kills workers ends failed."""
    expired = OutboxMessage.objects.filter(status=Status.SENDING, next_attempt_at__lte=now)
    note = "发送中断（租约到期），已重新排队"
    expired.filter(attempts__gte=settings.MESSAGING_MAX_ATTEMPTS - 1).update(
        status=Status.FAILED, attempts=F("attempts") + 1, last_error="发送中断次数过多"
    )
    expired.update(status=Status.QUEUED, attempts=F("attempts") + 1, last_error=note)


@dataclass
class _Batch:
    """What one claimed batch shares: the time, consents and addresses, templates, backends, and the
    rows' new states waiting to be written."""

    now: dt.datetime
    audience: Audience
    policies: StorePolicies
    backends: dict[str, Backend]
    templates: dict[tuple, MessageTemplate | None] = field(default_factory=dict)
    outcomes: list[OutboxMessage] = field(default_factory=list)

    def template(self, message: OutboxMessage) -> MessageTemplate | None:
        key = (message.store_id, message.template_code, message.channel)
        if key not in self.templates:
            self.templates[key] = template_resolve(store_id=message.store_id, code=message.template_code, channel=message.channel)
        return self.templates[key]

    def finish(self, message: OutboxMessage, **fields) -> None:
        for name, value in fields.items():
            setattr(message, name, value)
        self.outcomes.append(message)
        if len(self.outcomes) >= OUTCOMES_PER_COMMIT:
            self.write()

    def write(self) -> None:
        """One executemany and one commit for many rows (PostgreSQL syncs its log on every commit;
        psycopg pipelines executemany). A worker that dies before leaves its rows "sending": they go
        again after the lease with the same idempotency key, which the gateway drops as a repeat."""
        fields = [OutboxMessage._meta.get_field(name) for name in OUTCOME_FIELDS]
        rows = [
            [f.get_db_prep_save(getattr(m, f.attname), connection) for f in fields] + [m.id, Status.SENDING]
            for m in self.outcomes
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(_outcome_sql(fields), rows)
        self.outcomes.clear()


def _outcome_sql(fields) -> str:
    """Table and column names come from the model's metadata; every value is bound."""
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    return f"UPDATE {qn(OutboxMessage._meta.db_table)} SET {assignments} WHERE id = %s AND status = %s"  # nosec B608


def _send_batch(ids: list[int], now: dt.datetime, backends: dict[str, Backend]) -> None:
    messages = list(OutboxMessage.objects.filter(id__in=ids).select_related("customer", "store").order_by("id"))
    policies = StorePolicies()
    batch = _Batch(
        now=now, audience=Audience([m.customer for m in messages], now, policies), policies=policies, backends=backends
    )
    deadline = time.monotonic() + _lease().total_seconds() / 2
    for message in messages:
        if time.monotonic() > deadline:
            # A slow gateway: hand the rest back before the lease ends and another worker takes them.
            batch.finish(message, status=Status.QUEUED, next_attempt_at=now)
            continue
        try:
            _deliver(message, batch)
        except Exception:
            # One message's surprise must not stop the others; it is retried like a gateway error.
            logger.exception("outbox message %s: unexpected error", message.id)
            _retry(message, "内部错误", batch)
    batch.write()


def _deliver(message: OutboxMessage, batch: _Batch) -> None:
    reason = suppression_reason(message.customer, message.channel, message.purpose, batch.now, batch.audience)
    if reason:
        batch.finish(message, status=Status.SUPPRESSED, suppressed_reason=reason)
        return
    quiet_until = quiet_hours_end(message.store_id, batch.now, batch.policies)
    if quiet_until:
        batch.finish(message, status=Status.QUEUED, next_attempt_at=quiet_until)
        return
    recipient = batch.audience.recipient(message.customer, message.channel)
    try:
        rendered = render_message(message, template=batch.template(message), recipient=recipient)
        provider_message_id = batch.backends[message.channel].send(rendered)
    except (RenderError, PermanentError) as exc:
        batch.finish(message, status=Status.FAILED, attempts=message.attempts + 1, last_error=str(exc)[:300])
        return
    except TransientError as exc:
        _retry(message, str(exc), batch)
        return
    _mark_sent(message, provider_message_id, batch)
    if message.purpose == MessagePurpose.MARKETING:
        batch.audience.note_marketing_sent(message.customer_id)


def _mark_sent(message: OutboxMessage, provider_message_id: str, batch: _Batch) -> None:
    batch.finish(message, status=Status.SENT, provider_message_id=provider_message_id, sent_at=batch.now, last_error="")


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential back-off after the n-th failed attempt: 1, 2, 4, 8 … minutes, at most an hour."""
    return dt.timedelta(minutes=min(2 ** (attempts - 1), BACKOFF_CAP_MINUTES))


def _retry(message: OutboxMessage, error: str, batch: _Batch) -> None:
    attempts = message.attempts + 1
    if attempts >= settings.MESSAGING_MAX_ATTEMPTS:
        batch.finish(message, status=Status.FAILED, attempts=attempts, last_error=error[:300])
    else:
        next_attempt_at = batch.now + retry_delay(attempts)
        batch.finish(message, status=Status.QUEUED, attempts=attempts, last_error=error[:300], next_attempt_at=next_attempt_at)


# --- replies and opt-out --------------------------------------------------------------------------


@transaction.atomic
def inbound_receive(*, channel: str, sender: str, body: str) -> InboundMessage:
    """A customer's reply. "T", "TD" or "退订" withdraws the channel's marketing consent at once, for
    every customer reached at that number/openid/address in any store (DOMAIN §14: opt-out honoured
    everywhere); the reply is kept with what was done."""
    if channel not in MessageChannel.values:
        raise InvalidInput({"channel": "未知的消息渠道"})
    action = "无需处理"
    if _is_opt_out(body):
        customers = _customers_reached_at(channel, sender)
        purpose = MARKETING_CONSENT[channel]
        for customer in customers:
            _consent_withdraw(customer, purpose, source=OPT_OUT_SOURCE[channel])
        action = f"已退订{purpose.label}（{len(customers)} 位客户）" if customers else "退订：未找到对应客户"
    return InboundMessage.objects.create(channel=channel, sender=sender[:100], body=body[:500], action=action)


def _is_opt_out(body: str) -> bool:
    """Case, spaces and full-width letters do not matter: "t", " TD ", "Ｔ" all opt out."""
    return "".join(unicodedata.normalize("NFKC", body).split()).upper() in OPT_OUT_WORDS


def _customers_reached_at(channel: str, sender: str) -> list[Customer]:
    if channel == MessageChannel.SMS:
        try:
            number = normalize_mobile(sender)
        except InvalidInput:
            return []
        rows = CustomerMobile.objects.filter(number=number)
    else:
        rows = ChannelAddress.objects.filter(channel=channel, address=_address(channel, sender))
    return [row.customer for row in rows.select_related("customer")]


def _consent_withdraw(customer: Customer, purpose: str, *, source: str) -> None:
    """A withdrawal no staff member made (the customer's own reply), through the one consent writer."""
    consent_write(customer=customer, purpose=purpose, granted=False, source=source)


# --- templates and addresses ----------------------------------------------------------------------


@transaction.atomic
def template_save(
    *,
    user,
    store_id: int | None,
    code: str,
    channel: str,
    purpose: str,
    name: str,
    body: str,
    subject: str = "",
    provider_template_id: str = "",
    template: MessageTemplate | None = None,
) -> MessageTemplate:
    """Create or change a message template. A text with an unknown variable, a hand-written SMS
    signature or opt-out line is refused with the list of known variables (DOMAIN §4)."""
    _require_template_editor(user, store_id)
    template = template or MessageTemplate()
    template.store_id, template.code, template.channel, template.purpose = store_id, code.strip(), channel, purpose
    template.name, template.body, template.subject = name.strip(), body, subject
    template.provider_template_id = provider_template_id.strip()
    full_clean_or_invalid(template)
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        raise Conflict("该门店已有相同代码和渠道的模板", {"code": "模板代码已存在"}) from None
    return template


def _require_template_editor(user, store_id: int | None) -> None:
    require(user, Perm.MESSAGE_TEMPLATE_EDIT)  # managers: their store's texts; the group admin: defaults
    if store_id is None and not user.is_group_admin:
        raise Forbidden("集团通用模板只能由集团管理员修改")
    if store_id is not None and store_id not in user.accessible_store_ids():
        raise InvalidInput({"store_id": "无权修改该门店的模板"})


@transaction.atomic
def channel_address_set(*, user, customer: Customer, channel: str, address: str) -> ChannelAddress:
    """Record where a customer is reached on WeChat (openid) or by e-mail; one address per channel."""
    require(user, Perm.CUSTOMER_EDIT)
    if channel not in (MessageChannel.WECHAT, MessageChannel.EMAIL):
        raise InvalidInput({"channel": "只能登记微信 openid 或邮箱"})
    address = _address(channel, address)
    if channel == MessageChannel.EMAIL:
        try:
            validate_email(address)
        except ValidationError:
            raise InvalidInput({"address": "邮箱地址格式不正确"}) from None
    elif not address or len(address) > 64:
        raise InvalidInput({"address": "微信 openid 格式不正确"})
    binding, _ = ChannelAddress.objects.update_or_create(customer=customer, channel=channel, defaults={"address": address})
    return binding


def _address(channel: str, raw: str) -> str:
    address = (raw or "").strip()
    return address.lower() if channel == MessageChannel.EMAIL else address
