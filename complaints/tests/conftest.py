"""Personas of the complaint desk: carol handles complaints in store A, mia manages store A; the
default message texts and red-alert words exist as after `seed_demo`."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Department, Role
from complaints.services import complaint_open, complaint_templates_ensure
from conftest import make_user


@pytest.fixture(autouse=True)
def _complaint_defaults(db):
    complaint_templates_ensure()


def staff(username: str, role: str, group, store, department: str | None = None):
    user = make_user(username, role, group, [store])
    if department:
        user.department, _ = Department.objects.get_or_create(store=store, kind=department)
        user.save(update_fields=["department"])
    return user


@pytest.fixture
def handler_carol(group, store_a):
    return staff("carol", Role.COMPLAINT_HANDLER, group, store_a, Department.Kind.QUALITY)


@pytest.fixture
def manager_mia(group, store_a):
    return staff("mia", Role.STORE_MANAGER, group, store_a, Department.Kind.AFTER_SALES)


@pytest.fixture
def seller_sam(group, store_a):
    return staff("sam", Role.SALESPERSON, group, store_a, Department.Kind.SALES)


@pytest.fixture
def complaint_a(advisor_alice, customer_a):
    return complaint_open(
        user=advisor_alice,
        customer=customer_a,
        title="保养后底盘异响",
        description="上周保养后底盘一直有响声",
        category="repair",
        channel="phone",
    )


def hours_later(hours: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=hours)
