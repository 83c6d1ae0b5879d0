"""Personas of the loyalty desk: mia manages store A (events, manual points, referral confirmation)."""

import pytest

from accounts.models import Role
from conftest import make_user


@pytest.fixture
def manager_mia(group, store_a):
    return make_user("mia", Role.STORE_MANAGER, group, [store_a])


@pytest.fixture
def manager_max_b(group, store_b):
    return make_user("max", Role.STORE_MANAGER, group, [store_b])
