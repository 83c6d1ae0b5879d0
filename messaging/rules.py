"""Who may get a message, and when: the same rules at queue time and again at send time, so a
withdrawal that arrives after queueing still stops the message (DOMAIN §14: opt-out honoured
everywhere, at once; DOMAIN §4: frequency caps and quiet hours per customer)."""

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Count
from django.utils import timezone

from customers.models import Consent, ConsentPurpose, Customer
from messaging.models import ChannelAddress, MessageChannel, MessagePurpose, OutboxMessage
from messaging.policies import StorePolicies

# DOMAIN §14: marketing needs a current yes for the channel's own purpose (never asked = no).
MARKETING_CONSENT = {
    MessageChannel.SMS: ConsentPurpose.MARKETING_SMS,
    MessageChannel.WECHAT: ConsentPurpose.WECHAT,
    MessageChannel.EMAIL: ConsentPurpose.MARKETING_EMAIL,
}
NO_ADDRESS = {
    MessageChannel.SMS: "无手机号",
    MessageChannel.WECHAT: "无微信 openid",
    MessageChannel.EMAIL: "无邮箱地址",
}
DELIVERED_STATUSES = [OutboxMessage.Status.SENT, OutboxMessage.Status.DELIVERED]


class Audience:
    """What the rules need to know about some customers — consents, addresses, recent marketing —
    read in a few queries for a whole drain batch instead of a few per message."""

    def __init__(self, customers: list[Customer], now: dt.datetime, policies: StorePolicies | None = None):
        self.now = now
        self.policies = policies or StorePolicies()
        ids = [c.id for c in customers]
        self._consents: dict[int, dict[str, bool]] = defaultdict(dict)
        for customer_id, purpose, granted in Consent.objects.filter(customer_id__in=ids).values_list(
            "customer_id", "purpose", "granted"
        ):
            self._consents[customer_id][purpose] = granted
        self._addresses = {
            (customer_id, channel): address
            for customer_id, channel, address in ChannelAddress.objects.filter(customer_id__in=ids).values_list(
                "customer_id", "channel", "address"
            )
        }
        self._marketing_sent = self._count_marketing_sent(customers)

    def _count_marketing_sent(self, customers: list[Customer]) -> Counter:
        """Marketing messages each customer got inside their store's cap window."""
        by_store: dict[int, list[int]] = defaultdict(list)
        for customer in customers:
            by_store[customer.store_id].append(customer.id)
        counts: Counter = Counter()
        for store_id, ids in by_store.items():
            since = self.now - dt.timedelta(days=self.policies.get(store_id, "messaging.marketing_cap_days"))
            rows = (
                OutboxMessage.objects.filter(
                    customer_id__in=ids, purpose=MessagePurpose.MARKETING, status__in=DELIVERED_STATUSES, sent_at__gt=since
                )
                .values("customer_id")
                .annotate(n=Count("id"))
            )
            counts.update({row["customer_id"]: row["n"] for row in rows})
        return counts

    def consent(self, customer_id: int, purpose: str) -> bool | None:
        """True/False as recorded, None when the customer was never asked."""
        return self._consents[customer_id].get(purpose)

    def recipient(self, customer: Customer, channel: str) -> str:
        if channel == MessageChannel.SMS:
            return customer.mobile
        return self._addresses.get((customer.id, channel), "")

    def marketing_sent(self, customer_id: int) -> int:
        return self._marketing_sent[customer_id]

    def note_marketing_sent(self, customer_id: int) -> None:
        self._marketing_sent[customer_id] += 1


def suppression_reason(customer: Customer, channel: str, purpose: str, now: dt.datetime, audience: Audience | None = None):
    """Why this message must not go to this customer, or None. Every reason is recorded on the row."""
    audience = audience or Audience([customer], now)
    if customer.erased_at:
        return "客户信息已匿名化"
    if purpose == MessagePurpose.SERVICE and audience.consent(customer.id, ConsentPurpose.SERVICE_REMINDERS) is False:
        return "客户已退订服务提醒"
    if purpose == MessagePurpose.MARKETING and not audience.consent(customer.id, MARKETING_CONSENT[channel]):
        return f"无营销授权（{MARKETING_CONSENT[channel].label}）"
    if not audience.recipient(customer, channel):
        return NO_ADDRESS[channel]
    if purpose == MessagePurpose.MARKETING:
        cap = audience.policies.get(customer.store_id, "messaging.marketing_cap")
        if audience.marketing_sent(customer.id) >= cap:
            days = audience.policies.get(customer.store_id, "messaging.marketing_cap_days")
            return f"营销频次已达上限（{days} 天内 {cap} 条）"
    return None


def quiet_hours_end(store_id: int, now: dt.datetime, policies: StorePolicies | None = None) -> dt.datetime | None:
    """DOMAIN §4: nothing goes out at night. Inside the store's quiet hours (default 21:00–08:00 local
    time) the answer is when they end — the message waits until then; outside them, None."""
    policies = policies or StorePolicies()
    start = policies.get(store_id, "messaging.quiet_hours_start") % 24  # an hour of the day
    end = policies.get(store_id, "messaging.quiet_hours_end") % 24
    local = timezone.localtime(now)
    quiet = start <= local.hour < end if start < end else (local.hour >= start or local.hour < end)
    if start == end or not quiet:
        return None
    ends_at = local.replace(hour=end, minute=0, second=0, microsecond=0)
    return ends_at if ends_at > local else ends_at + dt.timedelta(days=1)
