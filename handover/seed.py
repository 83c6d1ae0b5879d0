"""Demo handovers (DOMAIN §3): two cars of store GZ01 delivered yesterday, one submitted, one late."""

import datetime as dt

from django.utils import timezone

from handover.models import Handover
from handover.services import handover_open, handover_submit
from vehicles.models import Vehicle

PROMISES = [
    {"kind": "gift", "description": "全车脚垫与行车记录仪", "value": None, "valid_until": None},
    {"kind": "free_service", "description": "首年两次免费保养", "value": "800.00", "valid_until": None},
]


def seed_demo(*, stores, users) -> None:
    by_name = {user.username: user for user in users}
    salesperson, store = by_name.get("sales_a"), stores.get("GZ01")
    if salesperson is None or store is None or Handover.objects.filter(source_key__startswith="demo:").exists():
        return
    now = timezone.now()
    vehicles = list(Vehicle.objects.filter(store=store, handover__isnull=True).select_related("owner").order_by("pk")[:2])
    for index, vehicle in enumerate(vehicles):
        delivered_at = now - dt.timedelta(hours=30 if index else 5)
        vehicle.delivery_date, vehicle.salesperson = timezone.localtime(delivered_at).date(), salesperson
        vehicle.service_advisor = vehicle.service_advisor or by_name.get("advisor_a")
        vehicle.save(update_fields=["delivery_date", "salesperson", "service_advisor"])
        handover = handover_open(
            user=salesperson, customer=vehicle.owner, vehicle=vehicle, salesperson=salesperson,
            delivered_at=delivered_at, promises=PROMISES, source_key=f"demo:handover:{vehicle.pk}",
        )  # fmt: skip
        if not index:
            handover_submit(user=salesperson, handover=handover, worries="担心油耗和保养费用", usage="通勤、周末带娃出游")
