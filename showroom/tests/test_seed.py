"""The showroom demo data: a catalogue from the archive's demo catalogue, plans, a demo car, prospects of sales_a."""

from core.seed import ensure_demo_accounts, ensure_organisation
from showroom.models import CarModel, DemoCar, FinancePlan, Prospect, RecommendationRule
from showroom.seed import seed_demo


def test_the_demo_data_is_complete_and_idempotent(db):
    stores = ensure_organisation()
    users = ensure_demo_accounts(stores)
    seed_demo(stores=stores, users=users)
    counts = [m.objects.count() for m in (CarModel, DemoCar, FinancePlan, Prospect, RecommendationRule)]
    seed_demo(stores=stores, users=users)
    assert [m.objects.count() for m in (CarModel, DemoCar, FinancePlan, Prospect, RecommendationRule)] == counts
    assert Prospect.objects.filter(owner__username="sales_a").count() == 3
    assert DemoCar.objects.filter(store=stores["GZ01"]).exists()
