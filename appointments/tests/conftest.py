"""A small workshop for store A: one general bay, one maintenance technician, 60-minute services."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from accounts.models import Role
from appointments.models import ServiceBay, ServiceType, TechnicianProfile
from appointments.services import appointment_templates_ensure
from conftest import make_user

LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def day():
    """A day two days ahead: always in the future and inside the booking horizon."""
    return timezone.localdate() + dt.timedelta(days=2)


def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=LOCAL)


@pytest.fixture
def templates(db):
    appointment_templates_ensure()


@pytest.fixture
def bay_a(store_a):
    return ServiceBay.objects.create(store=store_a, name="1号工位", kind="general")


@pytest.fixture
def technician_tom(group, store_a):
    user = make_user("tom", Role.TECHNICIAN, group, [store_a])
    user.display_name = "汤技师"
    user.save()
    TechnicianProfile.objects.create(user=user, store=store_a, skills=["maintenance", "mechanical"])
    return user


@pytest.fixture
def maintenance(store_a):
    return ServiceType.objects.create(
        store=store_a, code="maintenance", name="常规保养", labour_minutes=60, required_skill="maintenance", bay_kind="general"
    )


@pytest.fixture
def workshop_a(bay_a, technician_tom, maintenance, templates):
    return {"bay": bay_a, "technician": technician_tom, "service_type": maintenance}
