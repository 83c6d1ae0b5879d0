"""Workshop personas in store A: tom the technician, lee the team leader; alice (conftest) is the
advisor. Orders are driven through the services step by step, as the staff would."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from conftest import make_user
from workshop import services
from workshop.progress import workshop_templates_ensure


@pytest.fixture(autouse=True)
def _workshop_defaults(db):
    workshop_templates_ensure()


@pytest.fixture
def technician_tom(group, store_a):
    return make_user("tom", Role.TECHNICIAN, group, [store_a])


@pytest.fixture
def leader_lee(group, store_a):
    return make_user("lee", Role.TEAM_LEADER, group, [store_a])


def open_order(advisor, vehicle, *, km: int = 12_000, technician=None, **kwargs):
    return services.repair_order_open(
        user=advisor, vehicle=vehicle, odometer_km=km, technician_id=technician.pk if technician else None, **kwargs
    )


def plan_order(advisor, order, *, system: str = "brakes", hours: int = 3):
    services.repair_order_record(
        user=advisor, order=order, complaint="刹车异响", system=system, walk_around="外观完好，无贵重物品"
    )
    services.repair_order_plan(
        user=advisor, order=order, diagnosis="前刹车片磨损至 2 mm", promised_at=timezone.now() + dt.timedelta(hours=hours)
    )
    services.repair_order_item_add(
        user=advisor, order=order, kind="labour", description="更换前刹车片", quantity=Decimal("1.5"), unit_price=Decimal("200")
    )
    services.repair_order_item_add(
        user=advisor, order=order, kind="parts", description="前刹车片", quantity=1, unit_price=Decimal("480.50")
    )
    order.refresh_from_db()
    return order


def approved_order(advisor, vehicle, technician, **kwargs):
    order = plan_order(advisor, open_order(advisor, vehicle, technician=technician, **kwargs))
    services.repair_order_approve(user=advisor, order=order, method="signature")
    order.refresh_from_db()
    return order


def ready_order(advisor, vehicle, technician, leader):
    order = approved_order(advisor, vehicle, technician)
    services.repair_order_start(user=technician, order=order)
    services.repair_order_submit_qc(user=technician, order=order)
    services.repair_order_qc_record(user=technician, order=order, level=1, passed=True)
    services.repair_order_qc_record(user=leader, order=order, level=2, passed=True)
    services.repair_order_qc_record(user=advisor, order=order, level=3, passed=True)
    order.refresh_from_db()
    return order


@pytest.fixture
def order_a(advisor_alice, vehicle_a, technician_tom):
    return open_order(advisor_alice, vehicle_a, technician=technician_tom)
