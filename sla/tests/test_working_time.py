"""The pure deadline arithmetic (DOMAIN §9: deadlines count working hours/holidays where the store
says so): opening hours, official days off, adjusted working days, pauses measured in working time."""

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla.rules import CalendarTime, WorkingTime, warning_lead

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
HOURS = dict.fromkeys(range(7), (dt.time(8, 30), dt.time(18, 0)))  # 9.5 h a day
# 2026: National Day 10-01…10-07 off, Saturday 10-10 an adjusted working day (调休)
OFF = {dt.date(2026, 10, 1) + dt.timedelta(days=i) for i in range(7)} | {dt.date(2026, 10, 11)}
ON = {dt.date(2026, 10, 10)}


def official(day: dt.date) -> bool:
    return day in ON or (day not in OFF and day.weekday() < 5)


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


WORKING = WorkingTime(hours=HOURS, is_working_day=official, tz=TZ)


def test_it_counts_24_working_hours_across_national_day_into_the_adjusted_saturday():
    # Wed 09-30 16:00: 2 h that day, the holiday week off, Thu 9.5 h, Fri 9.5 h, Sat (调休) 3 h → 11:30
    assert WORKING.add(at(30, 16, month=9), dt.timedelta(hours=24)) == at(10, 11, 30)


def test_a_clock_started_after_closing_begins_at_the_next_opening():
    assert WORKING.add(at(9, 20), dt.timedelta(minutes=15)) == at(10, 8, 45)
    assert WORKING.add(at(12, 7), dt.timedelta(minutes=15)) == at(12, 8, 45)


def test_weekends_are_not_working_days_unless_adjusted():
    assert WORKING.add(at(16, 17), dt.timedelta(hours=2)) == at(19, 9, 30)  # Fri 17:00 → Mon 09:30


def test_working_time_between_skips_nights_and_holidays():
    assert WORKING.between(at(30, 16, month=9), at(10, 11, 30)) == dt.timedelta(hours=24)
    assert WORKING.between(at(10, 12), at(10, 11)) == dt.timedelta(0)


def test_a_closed_weekday_is_skipped():
    hours = {**HOURS, 0: (dt.time(9), dt.time(9))}  # closed on Mondays
    clock = WorkingTime(hours=hours, is_working_day=official, tz=TZ)
    assert clock.add(at(16, 17), dt.timedelta(hours=2)) == at(20, 9, 30)


def test_a_store_that_never_opens_is_refused_not_looped_forever():
    clock = WorkingTime(hours={}, is_working_day=official, tz=TZ)
    with pytest.raises(ValueError):
        clock.add(at(16, 17), dt.timedelta(hours=1))


def test_calendar_time_is_plain_time():
    assert CalendarTime().add(at(30, 16, month=9), dt.timedelta(hours=24)) == at(1, 16)
    assert CalendarTime().between(at(2, 0), at(1, 0)) == dt.timedelta(0)


def test_a_warning_never_covers_more_than_half_the_clock():
    assert warning_lead(dt.timedelta(hours=24), dt.timedelta(hours=2)) == dt.timedelta(hours=2)
    assert warning_lead(dt.timedelta(minutes=15), dt.timedelta(minutes=15)) == dt.timedelta(minutes=7.5)


@given(
    start=st.datetimes(min_value=dt.datetime(2026, 9, 20), max_value=dt.datetime(2026, 10, 20), timezones=st.just(TZ)),
    minutes=st.integers(min_value=0, max_value=5000),
)
def test_adding_then_measuring_gives_the_duration_back(start, minutes):
    duration = dt.timedelta(minutes=minutes)
    due = WORKING.add(start, duration)
    assert due >= start
    assert WORKING.between(start, due) == duration
