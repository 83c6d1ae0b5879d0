"""The customer's own booking page (DOMAIN §5, no staff login): the customer proves the mobile with a
6-digit code sent through the outbox (expiring, attempts capped, rate-limited) or opens a signed
link from a message. Codes are stored only as keyed digests."""

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from accounts.models import Store
from appointments.models import BookingCode
from core.errors import DomainError, InvalidInput
from core.policies import policy_value
from customers.models import Customer, CustomerMobile
from customers.validators import normalize_mobile

RESEND_INTERVAL = dt.timedelta(seconds=60)


class TooManyRequests(DomainError):
    status = 429


def _digest(code_id: int, mobile: str, code: str) -> str:
    message = f"{code_id}:{mobile}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def customer_for_mobile(store: Store, mobile: str) -> Customer | None:
    """The store's customer with this number (primary or another one of theirs)."""
    customer = Customer.objects.filter(store=store, mobile=mobile, erased_at__isnull=True).first()
    if customer is not None:
        return customer
    other = CustomerMobile.objects.filter(store=store, number=mobile).select_related("customer").first()
    return other.customer if other is not None and other.customer.erased_at is None else None


def booking_code_send(*, store: Store, mobile: str) -> None:
    """Text a code to a customer of the store. The answer is the same whether or not the number is
    known (no way to probe who is a customer); every request counts against the hourly cap."""
    from messaging.services import message_queue

    mobile = normalize_mobile(mobile)
    now = timezone.now()
    recent = BookingCode.objects.filter(store=store, mobile=mobile, created_at__gte=now - dt.timedelta(hours=1))
    if recent.filter(created_at__gte=now - RESEND_INTERVAL).exists():
        raise TooManyRequests("验证码已发送，请 60 秒后再试", {"mobile": "请 60 秒后再获取验证码"})
    if recent.count() >= policy_value(store.pk, "appointments.codes_per_hour"):
        raise TooManyRequests("获取验证码过于频繁，请 1 小时后再试", {"mobile": "获取验证码过于频繁，请稍后再试"})
    code = f"{secrets.randbelow(1_000_000):06d}"
    minutes = policy_value(store.pk, "appointments.code_valid_minutes")
    row = BookingCode.objects.create(
        store=store, mobile=mobile, code_hash="", created_at=now, expires_at=now + dt.timedelta(minutes=minutes)
    )
    BookingCode.objects.filter(pk=row.pk).update(code_hash=_digest(row.pk, mobile, code))
    customer = customer_for_mobile(store, mobile)
    if customer is None:
        return
    message_queue(
        store_id=store.pk,
        customer=customer,
        channel="sms",
        purpose="service",
        template_code="appointment_code",
        variables={"topic": code},
        idempotency_key=f"booking_code:{row.pk}",
    )


def booking_code_verify(*, store: Store, mobile: str, code: str) -> Customer:
    """The customer behind a correct, unexpired, unused code. Each try is counted (outside any
    transaction, so a wrong code still counts); after the cap the code is dead."""
    mobile = normalize_mobile(mobile)
    code = (code or "").strip()
    now = timezone.now()
    row = (
        BookingCode.objects.filter(store=store, mobile=mobile, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if row is None:
        raise InvalidInput({"code": "验证码已失效，请重新获取"})
    cap = policy_value(store.pk, "appointments.code_max_attempts")
    if BookingCode.objects.filter(pk=row.pk, attempts__lt=cap).update(attempts=F("attempts") + 1) != 1:
        raise InvalidInput({"code": "尝试次数过多，请重新获取验证码"})
    customer = customer_for_mobile(store, mobile)
    if (
        not (len(code) == 6 and code.isdigit() and hmac.compare_digest(row.code_hash, _digest(row.pk, mobile, code)))
        or customer is None
    ):
        raise InvalidInput({"code": "验证码不正确"})
    if BookingCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now) != 1:
        raise InvalidInput({"code": "验证码已使用，请重新获取"})
    return customer
