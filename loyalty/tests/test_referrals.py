from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import Conflict, InvalidInput
from core.models import StoreSetting
from customers.services import customer_create
from loyalty.models import Referral, ReferralReward
from loyalty.selectors import referral_chain_down, referral_chain_up
from loyalty.services import points_balance, referral_create, referral_purchase, referral_reward, spend_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(advisor_alice, customer_a):
    return referral_create(user=advisor_alice, referrer_id=customer_a.pk, prospect_name="王五", prospect_mobile="139 0000 1111")


@pytest.fixture
def buyer(advisor_alice):
    return customer_create(user=advisor_alice, name="王五", mobile="13900001111")


def test_it_rewards_both_sides_once_when_the_prospect_buys(referral, buyer, customer_a):
    spend_record(customer=buyer, amount=Decimal("150000"), kind="purchase", occurred_at=timezone.now(), source_key="car:7")

    first = referral_purchase(customer=buyer, source_key="car:7")
    again = referral_purchase(customer=buyer, source_key="car:7")
    other_car = referral_purchase(customer=buyer, source_key="car:8")

    assert first.pk == again.pk == referral.pk and other_car is None
    first.refresh_from_db()
    assert first.status == "rewarded" and first.prospect_id == buyer.pk
    assert ReferralReward.objects.filter(referral=referral).count() == 2
    assert points_balance(customer_id=customer_a.pk) == 2000
    assert points_balance(customer_id=buyer.pk) == 1000 + 1800  # referee reward + purchase points (silver ×1.2)


def test_it_is_a_no_op_for_a_buyer_nobody_referred(advisor_alice):
    stranger = customer_create(user=advisor_alice, name="赵六", mobile="13700007777")
    assert referral_purchase(customer=stranger, source_key="car:9") is None
    assert not ReferralReward.objects.exists()


def test_a_referral_rewards_once_only(referral, buyer, manager_mia):
    referral_purchase(customer=buyer, source_key="car:7")

    with pytest.raises(Conflict) as exc:
        referral_reward(user=manager_mia, referral_id=referral.pk, buyer_id=buyer.pk)

    assert "重复奖励" in exc.value.detail
    assert ReferralReward.objects.count() == 2


def test_it_gives_a_voucher_when_the_store_says_so(referral, buyer, manager_mia):
    StoreSetting.objects.create(store_id=referral.store_id, key="loyalty.referral_reward_kind", value="fuel_card")
    referral_reward(user=manager_mia, referral_id=referral.pk, buyer_id=buyer.pk)

    rewards = {r.side: (r.kind, r.amount) for r in ReferralReward.objects.all()}
    assert rewards == {"referrer": ("fuel_card", Decimal("500")), "referee": ("fuel_card", Decimal("300"))}


def test_a_prospect_is_referred_once_per_store(referral, advisor_alice, customer_a):
    other = customer_create(user=advisor_alice, name="孙七", mobile="13600006666")
    with pytest.raises(InvalidInput) as exc:
        referral_create(user=advisor_alice, referrer_id=other.pk, prospect_name="王五", prospect_mobile="13900001111")
    assert "prospect_mobile" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        referral_create(user=advisor_alice, referrer_id=customer_a.pk, prospect_name="自己", prospect_mobile="13812341234")
    assert exc.value.errors["prospect_mobile"] == "不能推荐自己"
    assert Referral.objects.count() == 1


def test_the_chain_is_visible_both_ways(referral, buyer, advisor_alice, customer_a):
    referral_purchase(customer=buyer, source_key="car:7")
    second = referral_create(user=advisor_alice, referrer_id=buyer.pk, prospect_name="周八", prospect_mobile="13500005555")

    assert [r.referrer_id for r in referral_chain_up(customer=buyer)] == [customer_a.pk]
    assert [(depth, r.pk) for depth, r in referral_chain_down(customer=customer_a)] == [(0, referral.pk), (1, second.pk)]
