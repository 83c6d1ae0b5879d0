import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from conftest import make_user
from handover.services import handover_open

GIFT = {"kind": "gift", "description": "全车脚垫", "value": None, "valid_until": None}
FREE_SERVICE = {"kind": "free_service", "description": "两次免费保养", "value": "600.00", "valid_until": dt.date(2028, 1, 1)}


@pytest.fixture
def sales_sam(group, store_a):
    return make_user("sam", Role.SALESPERSON, group, [store_a])


@pytest.fixture
def manager_mia(group, store_a):
    return make_user("mia", Role.STORE_MANAGER, group, [store_a])


@pytest.fixture
def delivered_vehicle(vehicle_a, sales_sam, advisor_alice):
    vehicle_a.delivery_date = timezone.localdate()
    vehicle_a.salesperson = sales_sam
    vehicle_a.service_advisor = advisor_alice
    vehicle_a.save()
    return vehicle_a


def open_handover(*, user, vehicle, salesperson, delivered_at=None, promises=None, key="showroom:delivery:1"):
    return handover_open(
        user=user,
        customer=vehicle.owner,
        vehicle=vehicle,
        salesperson=salesperson,
        delivered_at=delivered_at or timezone.now() - dt.timedelta(hours=1),
        promises=[GIFT, FREE_SERVICE] if promises is None else promises,
        source_key=key,
    )
