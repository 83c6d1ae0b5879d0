"""A store's clock from the database: its setting, its opening hours per weekday and the official
holiday calendar kept by reminders (reminders.models.Holiday, reminders.services.is_working_day)."""

import datetime as dt
import zoneinfo

import pytest

from core.models import StoreSetting
from reminders.models import Holiday
from sla.models import StoreHours
from sla.rules import CalendarTime
from sla.services import deadline_after, opening_hours, store_clock

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def national_day_2026(db):
    for offset in range(7):
        Holiday.objects.create(date=dt.date(2026, 10, 1) + dt.timedelta(days=offset), name="国庆节", is_day_off=True)
    Holiday.objects.create(date=dt.date(2026, 10, 10), name="国庆节", is_day_off=False)  # 调休 Saturday


@pytest.fixture
def working_hours_store(store_a):
    StoreSetting.objects.create(store=store_a, key="sla.working_hours_only", value=1)
    return store_a


def test_by_default_deadlines_run_round_the_clock(store_a):
    assert isinstance(store_clock(store_a.id), CalendarTime)
    assert deadline_after(store_id=store_a.id, start=at(9, 30, 16), duration=dt.timedelta(hours=24)) == at(10, 1, 16)


def test_in_working_hours_24_h_span_the_holiday_and_end_on_the_adjusted_saturday(working_hours_store, national_day_2026):
    due = deadline_after(store_id=working_hours_store.id, start=at(9, 30, 16), duration=dt.timedelta(hours=24))
    assert due == at(10, 10, 11, 30)


def test_the_stores_own_hours_for_a_weekday_replace_the_default(working_hours_store, national_day_2026):
    StoreHours.objects.create(store=working_hours_store, weekday=5, opens_at=dt.time(10), closes_at=dt.time(12))
    assert opening_hours(working_hours_store.id)[5] == (dt.time(10), dt.time(12))
    assert opening_hours(working_hours_store.id)[4] == (dt.time(8, 30), dt.time(18))
    # Wed 2 h + Thu 9.5 h + Fri 9.5 h + Saturday 10-10 only 10:00–12:00 = 23 h; the last hour is Monday's
    due = deadline_after(store_id=working_hours_store.id, start=at(9, 30, 16), duration=dt.timedelta(hours=24))
    assert due == at(10, 12, 9, 30)


def test_default_opening_hours_are_a_store_setting(working_hours_store):
    StoreSetting.objects.create(store=working_hours_store, key="sla.opens_at", value="09:00")
    StoreSetting.objects.create(store=working_hours_store, key="sla.closes_at", value="bad")
    assert opening_hours(working_hours_store.id)[0] == (dt.time(9), dt.time(18))  # a bad value falls back


def test_a_store_that_is_never_open_falls_back_to_calendar_time(working_hours_store):
    for weekday in range(7):
        StoreHours.objects.create(store=working_hours_store, weekday=weekday, opens_at=dt.time(9), closes_at=dt.time(9))
    assert isinstance(store_clock(working_hours_store.id), CalendarTime)
