"""Demo service → sales leads (DOMAIN §11) recorded by advisor_a for customers of store GZ01."""

from customers.models import Customer
from leads.models import Lead
from leads.services import lead_record

DEMO = [
    ("additional_purchase", "A", "repair_order", "家里添了二胎，想再买一台七座 SUV"),
    ("trade_in", "B", "call", "抱怨现在的车油耗高，问置换补贴"),
    ("referral", "A", "customer_page", "同事想买车，询问推荐有礼"),
]


def seed_demo(*, stores, users) -> None:
    advisor, store = next((u for u in users if u.username == "advisor_a"), None), stores.get("GZ01")
    if advisor is None or store is None or Lead.objects.filter(source_key__startswith="demo:lead:").exists():
        return
    customers = list(Customer.objects.filter(store=store, erased_at__isnull=True).order_by("pk")[: len(DEMO)])
    for index, (customer, (kind, grade, source, description)) in enumerate(zip(customers, DEMO, strict=False)):
        lead_record(
            user=advisor, customer=customer, kind=kind, grade=grade, description=description, source=source,
            source_key=f"demo:lead:{index}",
        )  # fmt: skip
