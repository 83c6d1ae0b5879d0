"""Deadline arithmetic, pure (no database): how far a clock runs in calendar time or in a store's
working time. DOMAIN §9: "Deadlines count working hours/holidays where the store says so."

Working time is the store's opening hours on the official working days (holidays and adjusted
working days, 调休, decided by the calendar the caller passes in — reminders.services.is_working_day).
"""

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol

ZERO = dt.timedelta(0)
MAX_CALENDAR_DAYS = 400  # a clock that finds no working minute in more than a year is misconfigured


class ClockTime(Protocol):
    """What a deadline needs to know about time: move forward by a duration, measure a span."""

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime: ...

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta: ...


class CalendarTime:
    """Round-the-clock time: 24 h means 24 h (the default when a store does not count working hours)."""

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        return start + duration

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        return max(end - start, ZERO)


@dataclass(frozen=True)
class WorkingTime:
    """Time that runs only while the store is open on a working day.

    `hours` maps a weekday (Monday = 0) to its opening and closing time; a weekday that is missing,
    or whose times do not make an interval, is closed. `is_working_day` is the official calendar.
    """

    hours: Mapping[int, tuple[dt.time, dt.time]]
    is_working_day: Callable[[dt.date], bool]
    tz: dt.tzinfo

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The moment `duration` of working time after `start` (a clock started out of hours
        begins at the next opening)."""
        remaining = max(duration, ZERO)
        for opens, closes in self._windows(start):
            begin = max(opens, start)
            if begin + remaining <= closes:
                return begin + remaining
            remaining -= closes - begin
        raise AssertionError("unreachable: _windows raises before it runs out")

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time from `start` to `end` (zero when end is not after start)."""
        total = ZERO
        if end <= start:
            return total
        for opens, closes in self._windows(start):
            if opens >= end:
                break
            total += min(closes, end) - max(opens, start)
        return total

    def _windows(self, start: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """The opening intervals that end after `start`, in order."""
        day = start.astimezone(self.tz).date()
        for _ in range(MAX_CALENDAR_DAYS):
            window = self._window(day)
            if window is not None and window[1] > start:
                yield window
            day += dt.timedelta(days=1)
        raise ValueError(f"门店在 {MAX_CALENDAR_DAYS} 天内没有营业时间，请检查营业时间设置")

    def _window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        times = self.hours.get(day.weekday())
        if times is None or times[0] >= times[1] or not self.is_working_day(day):
            return None
        opens, closes = times
        return dt.datetime.combine(day, opens, tzinfo=self.tz), dt.datetime.combine(day, closes, tzinfo=self.tz)


def warning_lead(duration: dt.timedelta, warning: dt.timedelta) -> dt.timedelta:
    """How long before its deadline a clock turns amber: the store's warning time, but never more
    than the second half of the clock (a 15-minute clock is not amber from its first second)."""
    return min(warning, duration / 2)
