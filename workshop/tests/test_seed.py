"""The demo data: one order per state in store GZ01, and a second run adds nothing."""

from core.seed import ensure_demo_accounts, ensure_organisation, ensure_reminder_setup, seed_customers
from workshop.models import RepairOrder
from workshop.seed import ORDERS, seed_demo


def test_seed_demo_creates_orders_in_every_state_once(db):
    stores = ensure_organisation()
    users = ensure_demo_accounts(stores)
    ensure_reminder_setup(stores)
    seed_customers(stores, 20, staff=users)
    seed_demo(stores=stores, users=users)
    seed_demo(stores=stores, users=users)
    states = sorted(RepairOrder.objects.filter(store=stores["GZ01"]).values_list("state", flat=True))
    assert states == sorted(state for state, *_ in ORDERS)


def test_every_state_renders_for_staff_and_customer(db, client):
    from workshop.progress import progress_token

    stores = ensure_organisation()
    users = ensure_demo_accounts(stores)
    ensure_reminder_setup(stores)
    seed_customers(stores, 20, staff=users)
    seed_demo(stores=stores, users=users)
    order = RepairOrder.objects.filter(store=stores["GZ01"]).first()
    from workshop import services

    services.repair_order_cancel(user=order.advisor, order=order, reason="演示取消")
    client.force_login(next(u for u in users if u.username == "advisor_a"))
    for order in RepairOrder.objects.filter(store=stores["GZ01"]):
        for url in (f"/workshop/{order.pk}/", f"/workshop/{order.pk}/bill/", f"/p/{progress_token(order)}/"):
            assert client.get(url).status_code == 200, (order.state, url)
    assert client.get("/workshop/").status_code == 200
    client.force_login(next(u for u in users if u.username == "technician_a"))
    assert client.get("/workshop/mine/").status_code == 200
