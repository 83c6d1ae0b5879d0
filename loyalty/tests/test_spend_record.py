import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import InvalidInput
from core.models import StoreSetting
from loyalty.models import PointsEntry, SpendRecord
from loyalty.services import points_balance, spend_record, tier_recalculate

pytestmark = pytest.mark.django_db


def test_it_records_a_spend_once_per_source_key_and_earns_points(customer_a):
    now = timezone.now()
    first = spend_record(customer=customer_a, amount=Decimal("800.00"), kind="service", occurred_at=now, source_key="ro:1")
    again = spend_record(customer=customer_a, amount=Decimal("800.00"), kind="service", occurred_at=now, source_key="ro:1")

    assert first.pk == again.pk
    assert SpendRecord.objects.count() == 1
    assert points_balance(customer_id=customer_a.pk) == 800
    assert PointsEntry.objects.get().kind == "earn_spend"


def test_it_earns_with_the_multiplier_of_the_tier_reached_by_this_visit(customer_a):
    for i in range(4):  # 1 visit: ordinary ×1; 2–3 visits: silver ×1.2; 4 visits: gold ×1.5 (DOMAIN §2)
        spend_record(customer=customer_a, amount=Decimal("100"), kind="service", occurred_at=timezone.now(), source_key=f"ro:{i}")

    customer_a.refresh_from_db()
    assert customer_a.member_tier == "gold"
    assert points_balance(customer_id=customer_a.pk) == 100 + 120 + 120 + 150


def test_it_upgrades_by_purchase_amount_and_downgrades_when_the_window_passes(customer_a):
    now = timezone.now()
    spend_record(customer=customer_a, amount=Decimal("260000"), kind="purchase", occurred_at=now, source_key="car:1")
    customer_a.refresh_from_db()
    assert customer_a.member_tier == "gold"

    assert tier_recalculate(store_id=customer_a.store_id, now=now) == 0  # rerun: nothing changes
    assert tier_recalculate(store_id=customer_a.store_id, now=now + dt.timedelta(days=3 * 366)) == 1
    customer_a.refresh_from_db()
    assert customer_a.member_tier == "none"


def test_it_reads_the_thresholds_from_the_store_policies(customer_a):
    StoreSetting.objects.create(store_id=customer_a.store_id, key="loyalty.platinum_min_visits", value="1")
    spend_record(customer=customer_a, amount=Decimal("10"), kind="service", occurred_at=timezone.now(), source_key="ro:9")
    customer_a.refresh_from_db()
    assert customer_a.member_tier == "platinum"


@pytest.mark.parametrize(
    "amount,kind,field", [(Decimal("-1"), "service", "amount"), ("x", "service", "amount"), (1, "gift", "kind")]
)
def test_it_rejects_bad_input(customer_a, amount, kind, field):
    with pytest.raises(InvalidInput) as exc:
        spend_record(customer=customer_a, amount=amount, kind=kind, occurred_at=timezone.now(), source_key="bad")
    assert field in exc.value.errors
    assert not SpendRecord.objects.exists()
