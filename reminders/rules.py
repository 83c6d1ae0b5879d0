"""Service due dates (DOMAIN §4): by date or by mileage, whichever comes first.

Pure functions over plain values, so the per-vehicle refresh, the bulk seeder and the tests all
compute the same dates.
"""

import calendar
import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    """One service rule's numbers (first service, then every interval)."""

    first_km: int = 5_000
    first_months: int = 6
    interval_km: int = 10_000
    interval_months: int = 12
    battery_check_months: int | None = 12
    parts_lead_days: int = 0


@dataclass(frozen=True)
class ServiceDue:
    due_on: dt.date
    due_by: str  # "date" or "km": which limit comes first
    parts_order_call_on: dt.date | None


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def average_km_per_day(readings: list[tuple[int, dt.date]], default: float) -> float:
    """The vehicle's own pace over its odometer history (DOMAIN §4), or the store default when
    there is too little history (fewer than two readings 14+ days apart)."""
    if len(readings) < 2:
        return default
    (first_km, first_on), (last_km, last_on) = readings[0], readings[-1]
    days = (last_on - first_on).days
    if days < 14 or last_km <= first_km:
        return default
    return (last_km - first_km) / days


def service_due(
    *,
    schedule: Schedule,
    delivered_on: dt.date,
    service_cycle: int,
    last_service_on: dt.date | None,
    last_service_km: int | None,
    odometer_km: int,
    odometer_read_on: dt.date | None,
    km_per_day: float,
) -> ServiceDue:
    """Next service: the first at first_km / first_months after delivery, then every interval
    after the last service; the mileage limit is projected at the vehicle's own km/day."""
    if service_cycle == 0 or last_service_on is None:
        base_on, base_km, months, km = delivered_on, 0, schedule.first_months, schedule.first_km
    else:
        base_on, base_km, months, km = last_service_on, last_service_km or 0, schedule.interval_months, schedule.interval_km
    by_date = add_months(base_on, months)
    remaining_km = max(base_km + km - odometer_km, 0)
    measured_on = max(odometer_read_on or base_on, base_on)
    by_km = measured_on + dt.timedelta(days=int(remaining_km / max(km_per_day, 0.1)))
    due_on, due_by = (by_km, "km") if by_km < by_date else (by_date, "date")
    parts_call = due_on - dt.timedelta(days=schedule.parts_lead_days + 2) if schedule.parts_lead_days else None
    return ServiceDue(due_on, due_by, parts_call)


def battery_check_due(*, schedule: Schedule, delivered_on: dt.date, last_service_on: dt.date | None) -> dt.date | None:
    """EV/PHEV battery health check (DOMAIN §13), counted from the last visit."""
    if not schedule.battery_check_months:
        return None
    return add_months(last_service_on or delivered_on, schedule.battery_check_months)
