"""Demo data: a handful of repair orders of store GZ01, one in each state of DOMAIN §6, driven through
the services exactly as staff would (so events, messages and hand-offs are real). Idempotent."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from vehicles.models import Vehicle
from workshop import services
from workshop.models import RepairOrder
from workshop.progress import workshop_templates_ensure

STORE = "GZ01"
# (target state, system, complaint, items (kind, description, quantity, unit price))
ORDERS = [
    ("draft", "brakes", "刹车时有异响", [("labour", "制动系统检查", "0.5", "120")]),
    ("confirmed", "maintenance", "常规保养", [("labour", "保养工时", "1", "180"), ("parts", "机油滤芯", "1", "68")]),
    ("in_progress", "air_conditioning", "空调不制冷", [("labour", "空调检修", "1.5", "200"), ("parts", "冷媒", "1", "260")]),
    ("qc", "electrical", "仪表盘故障灯常亮", [("labour", "电路诊断", "1", "240")]),
    ("ready", "suspension", "方向盘跑偏", [("labour", "四轮定位", "1", "300")]),
    ("delivered", "maintenance", "常规保养", [("labour", "保养工时", "1", "180"), ("parts", "机油", "4", "85.5")]),
]


def seed_demo(*, stores, users) -> None:
    store = stores.get(STORE)
    by_name = {u.username: u for u in users}
    advisor, technician, leader = (by_name.get(n) for n in ("advisor_a", "technician_a", "team_leader_a"))
    if store is None or None in (advisor, technician, leader):
        return
    workshop_templates_ensure()
    if RepairOrder.objects.filter(store=store, created_by=advisor).exists():
        return
    vehicles = list(Vehicle.objects.filter(store=store, is_active=True).select_related("owner").order_by("id")[: len(ORDERS)])
    for vehicle, plan in zip(vehicles, ORDERS, strict=False):
        _seed_order(vehicle, plan, advisor=advisor, technician=technician, leader=leader)


@transaction.atomic
def _seed_order(vehicle: Vehicle, plan, *, advisor: User, technician: User, leader: User) -> None:
    state, system, complaint, items = plan
    now = timezone.now()
    order = services.repair_order_open(
        user=advisor,
        vehicle=vehicle,
        odometer_km=vehicle.odometer_km + 120,
        arrived_at=now - dt.timedelta(minutes=40),
        complaint=complaint,
        technician_id=technician.pk,
    )
    services.repair_order_record(
        user=advisor, order=order, complaint=complaint, system=system, walk_around="外观完好，车内无贵重物品"
    )
    services.repair_order_plan(
        user=advisor, order=order, diagnosis=f"{complaint}：已确认原因", promised_at=now + dt.timedelta(hours=3)
    )
    for kind, description, quantity, price in items:
        services.repair_order_item_add(
            user=advisor, order=order, kind=kind, description=description, quantity=Decimal(quantity), unit_price=Decimal(price)
        )
    if state == "draft":
        return
    services.repair_order_approve(user=advisor, order=order, method="signature")
    if state == "confirmed":
        return
    services.repair_order_start(user=technician, order=order)
    if state == "in_progress":
        return
    services.repair_order_submit_qc(user=technician, order=order)
    if state == "qc":
        services.repair_order_qc_record(user=technician, order=order, level=1, passed=True, notes="自检合格")
        return
    for user, level in ((technician, 1), (leader, 2), (advisor, 3)):
        services.repair_order_qc_record(user=user, order=order, level=level, passed=True)
    if state == "delivered":
        services.repair_order_deliver(
            user=advisor, order=order, old_parts_shown=True, next_visit_advice="后刹车片约 4 mm，建议下次保养时更换"
        )
