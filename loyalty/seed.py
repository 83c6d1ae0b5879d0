"""Demo loyalty data (DOMAIN §10), small and idempotent: spend and points for the first customers
of each store (so tiers differ), one referral rewarded and one open, an owner-club event with
sign-ups. The tier rules and benefits are the brief's defaults (policies, editable per store)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from customers.models import Customer
from loyalty.models import ClubEvent, EventSignup, SpendRecord
from loyalty.services import points_earn, referral_create, referral_purchase, spend_record, tier_recalculate

# (customer index, kind, amount, days ago): a platinum buyer, a gold regular, a silver, ordinary ones.
SPENDS = [
    (0, "purchase", "520000", 200),
    (0, "service", "1800", 20),
    (1, "service", "900", 300),
    (1, "service", "1200", 200),
    (1, "service", "650", 100),
    (1, "service", "2100", 10),
    (2, "purchase", "168000", 400),
    (2, "service", "800", 60),
    (3, "service", "560", 30),
]
PROSPECT_MOBILES = {"GZ01": "17000000001", "SZ01": "17000000002"}


def seed_demo(*, stores, users) -> None:
    manager = {u.username: u for u in users}
    for code, username in [("GZ01", "manager_a"), ("SZ01", "manager_b")]:
        store, user = stores.get(code), manager.get(username)
        if store is None or user is None or SpendRecord.objects.filter(source_key__startswith=f"demo:loyalty:{code}:").exists():
            continue
        customers = list(Customer.objects.filter(store=store, erased_at__isnull=True).order_by("pk")[:8])
        if len(customers) < 8:
            continue
        _seed_store(code, store, user, customers)


def _seed_store(code: str, store, manager, customers: list[Customer]) -> None:
    now = timezone.now()
    for index, kind, amount, days_ago in SPENDS:
        spend_record(
            customer=customers[index],
            amount=Decimal(amount),
            kind=kind,
            occurred_at=now - dt.timedelta(days=days_ago),
            source_key=f"demo:loyalty:{code}:{index}:{days_ago}",
        )
    points_earn(customer=customers[3], kind="manual", points=500, reason="开业活动赠送积分", user=manager)
    rewarded = customers[4]
    referral_create(
        user=manager, referrer_id=customers[0].pk, prospect_name=rewarded.name, prospect_mobile=rewarded.mobile, note="同事"
    )
    spend_record(
        customer=rewarded, amount=Decimal("235000"), kind="purchase", occurred_at=now, source_key=f"demo:loyalty:{code}:referred"
    )
    referral_purchase(customer=rewarded, source_key=f"demo:loyalty:{code}:referred")
    referral_create(
        user=manager, referrer_id=rewarded.pk, prospect_name="陈先生", prospect_mobile=PROSPECT_MOBILES[code], note="亲戚"
    )
    event = ClubEvent.objects.create(
        store=store,
        title="春季自驾游·从化温泉",
        theme=ClubEvent.Theme.SPRING_ROAD_TRIP,
        starts_at=now + dt.timedelta(days=14),
        location="门店集合",
        capacity=30,
        attendance_points=200,
        description="车主及家人一起自驾，含午餐与温泉门票。",
        created_by=manager,
    )
    for customer in customers[5:8]:
        EventSignup.objects.create(store=store, event=event, customer=customer, signed_up_at=now, created_by=manager)
    tier_recalculate(store_id=store.pk, now=now)
