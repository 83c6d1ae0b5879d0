"""Showroom personas: sam sells in store A, mia manages store A; a catalogue, a demo car, plans."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from conftest import make_user
from showroom.catalogue import car_model_save, demo_car_save, finance_plan_save, value_package_save
from showroom.quotes import PromiseIn, quote_create
from showroom.services import prospect_create


@pytest.fixture
def sales_sam(group, store_a):
    return make_user("sam", Role.SALESPERSON, group, [store_a])


@pytest.fixture
def sales_sue(group, store_a):
    return make_user("sue", Role.SALESPERSON, group, [store_a])


@pytest.fixture
def manager_mia(group, store_a):
    return make_user("mia", Role.STORE_MANAGER, group, [store_a])


@pytest.fixture
def manager_max_b(group, store_b):
    return make_user("max", Role.STORE_MANAGER, group, [store_b])


@pytest.fixture
def song(manager_mia, store_a):
    return car_model_save(
        user=manager_mia,
        store_id=store_a.id,
        brand="比亚迪",
        model="宋PLUS DM-i",
        powertrain="phev",
        body_type="suv",
        guide_price=Decimal("159800"),
        fuel_l_per_100km=Decimal("3.8"),
        power_kwh_per_100km=Decimal("14.5"),
        annual_maintenance=Decimal("1000"),
        key_specs=["1.5L 插混", "纯电 110km"],
    )


@pytest.fixture
def accord(manager_mia, store_a):
    return car_model_save(
        user=manager_mia,
        store_id=store_a.id,
        brand="本田",
        model="雅阁",
        powertrain="petrol",
        guide_price=Decimal("179800"),
        fuel_l_per_100km=Decimal("6.3"),
        annual_maintenance=Decimal("1600"),
    )


@pytest.fixture
def demo_car(manager_mia, song):
    return demo_car_save(user=manager_mia, car_model_id=song.id, plate="粤A·SJ001")


@pytest.fixture
def plan_36(manager_mia):
    return finance_plan_save(
        user=manager_mia,
        name="三年低息",
        annual_rate_percent=Decimal("3.5"),
        term_months=36,
        fees=Decimal("1500"),
        min_down_payment_percent=Decimal("20"),
    )


@pytest.fixture
def tech_pack(manager_mia):
    return value_package_save(user=manager_mia, name="科技包", price=Decimal("8800"))


@pytest.fixture
def prospect(sales_sam):
    return prospect_create(user=sales_sam, name="陈晓明", mobile="13700001001", source="online")


@pytest.fixture
def quote(sales_sam, prospect, song, tech_pack):
    return quote_create(
        user=sales_sam,
        prospect=prospect,
        car_model_id=song.id,
        package_ids=[tech_pack.id],
        promises=[
            PromiseIn("gift", "全车脚垫与行车记录仪", Decimal("1200")),
            PromiseIn("free_service", "首两次保养免费", None, timezone.localdate() + dt.timedelta(days=730)),
        ],
    )


def soon(hours: int = 2, minute: int = 0) -> dt.datetime:
    """A future local time on the 15-minute grid."""
    base = timezone.localtime() + dt.timedelta(days=1, hours=hours)
    return base.replace(minute=minute, second=0, microsecond=0)
