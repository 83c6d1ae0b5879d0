import pytest

from core.seed import ensure_demo_accounts, ensure_organisation, seed_customers
from loyalty.models import ClubEvent, PointsEntry, Referral
from loyalty.seed import seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_data_loads_once():
    stores = ensure_organisation()
    users = ensure_demo_accounts(stores)
    seed_customers(stores, 40, seed=1, staff=users)

    seed_demo(stores=stores, users=users)
    seed_demo(stores=stores, users=users)

    assert ClubEvent.objects.count() == 2
    assert Referral.objects.filter(status="rewarded").count() == 2
    assert PointsEntry.objects.filter(kind="earn_referral").count() == 4
