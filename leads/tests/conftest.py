import pytest

from accounts.models import Role
from conftest import make_user


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
def sams_customer(vehicle_a, sales_sam, customer_a):
    vehicle_a.salesperson = sales_sam
    vehicle_a.save(update_fields=["salesperson"])
    return customer_a
