"""Local (Asia/Shanghai) calendar days as UTC instants: every "per day" figure counts local days."""

import datetime as dt

from django.utils import timezone


def local_day_range(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of one local day as aware datetimes, for range filters on UTC columns."""
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)
