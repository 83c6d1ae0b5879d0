"""The one deadline engine of contact requests and complaints (DOMAIN §1, §9): deadlines in calendar or
working time per store, the earliest running deadline kept on each item, pause while waiting for the
customer, and exactly-once claims for the escalation job."""

import datetime as dt
import functools
import logging
import zoneinfo
from collections import Counter
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from core.policies import POLICIES, policy_value
from reminders.services import is_working_day
from sla.models import Clock, SlaState, SlaTracked, StoreHours
from sla.rules import CalendarTime, ClockTime, WorkingTime, warning_lead

logger = logging.getLogger(__name__)
LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)


# --- time of a store ------------------------------------------------------------------------------


def opening_hours(store_id: int) -> dict[int, tuple[dt.time, dt.time]]:
    """Weekday → (opens, closes): the store's own rows, its default hours (门店参数) for the rest."""
    default = (_policy_time(store_id, "sla.opens_at"), _policy_time(store_id, "sla.closes_at"))
    hours = dict.fromkeys(range(7), default)
    for weekday, opens, closes in StoreHours.objects.filter(store_id=store_id).values_list("weekday", "opens_at", "closes_at"):
        hours[weekday] = (opens, closes)
    return hours


def _policy_time(store_id: int, key: str) -> dt.time:
    value = policy_value(store_id, key)
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        logger.warning("store %s: %s=%r is not HH:MM, using %s", store_id, key, value, POLICIES[key].default)
        return dt.time.fromisoformat(POLICIES[key].default)


def store_clock(store_id: int) -> ClockTime:
    """DOMAIN §9: calendar time, or — where the store says so — its opening hours on the official
    working days (reminders' holiday calendar, adjusted working days included)."""
    if not policy_value(store_id, "sla.working_hours_only"):
        return CalendarTime()
    hours = opening_hours(store_id)
    if all(opens >= closes for opens, closes in hours.values()):
        logger.warning("store %s counts working hours but is never open: using calendar time", store_id)
        return CalendarTime()
    return WorkingTime(hours=hours, is_working_day=functools.cache(is_working_day), tz=LOCAL)


def deadline_after(*, store_id: int, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    return store_clock(store_id).add(start, duration)


def warning_time(item: SlaTracked) -> dt.timedelta:
    """The store's warning time for this kind of item (e.g. 15 min for contacts, 2 h for complaints)."""
    return dt.timedelta(minutes=policy_value(item.store_id, item.SLA_WARNING_POLICY))


def clock_warn_at(item: SlaTracked, clock: Clock, warning: dt.timedelta) -> dt.datetime:
    due = clock.due_at(item)
    start = getattr(item, clock.starts) or due
    return due - warning_lead(due - start, warning)


# --- the item's columns ---------------------------------------------------------------------------


def sla_refresh(item: SlaTracked, *, now: dt.datetime) -> None:
    """Recompute the clock columns after any change (not saved: the caller saves SLA_FIELDS).
    A warning already given for the same deadline stays given."""
    if item.sla_paused_at is not None:
        item.earliest_deadline_at = item.sla_warn_at = None
        item.sla_state = SlaState.PAUSED
        return
    previous_warn_at, warned = item.sla_warn_at, item.sla_state == SlaState.WARNING
    running = [clock for clock in item.SLA_CLOCKS if clock.is_running(item)]
    earliest = min(running, key=lambda clock: clock.due_at(item), default=None)
    item.earliest_deadline_at = earliest.due_at(item) if earliest else None
    item.sla_warn_at = clock_warn_at(item, earliest, warning_time(item)) if earliest else None
    if any(clock.is_open(item) and clock.due_at(item) <= now for clock in item.SLA_CLOCKS):
        item.sla_state = SlaState.OVERDUE
    elif earliest is None:
        item.sla_state = SlaState.STOPPED
    elif warned and item.sla_warn_at == previous_warn_at:
        item.sla_state = SlaState.WARNING
    else:
        item.sla_state = SlaState.RUNNING


def sla_pause(item: SlaTracked, *, at: dt.datetime) -> None:
    """Stop every clock while the item waits for the customer; sla_resume gives the time back."""
    item.sla_paused_at = at
    sla_refresh(item, now=at)


def sla_resume(item: SlaTracked, *, at: dt.datetime) -> dt.timedelta:
    """Restart the clocks: each running deadline keeps the (working) time it had left at the pause.
    Returns how long the item was paused, which is also added to `sla_paused_seconds`."""
    paused_at = item.sla_paused_at
    time = store_clock(item.store_id)
    for clock in item.SLA_CLOCKS:
        if clock.is_running(item):
            setattr(item, clock.due, time.add(at, time.between(paused_at, clock.due_at(item))))
    paused = max(at - paused_at, dt.timedelta(0))
    item.sla_paused_at = None
    item.sla_paused_seconds += int(paused.total_seconds())
    sla_refresh(item, now=at)
    return paused


# --- claims for the job (several workers, each breach and warning handled once) --------------------


def due_candidates(model: type[SlaTracked], *, now: dt.datetime):
    """Ids of items with a deadline passed and not handled: a range scan on the deadline index."""
    return model.objects.filter(earliest_deadline_at__lte=now).order_by("earliest_deadline_at").values_list("pk", flat=True)


def warning_candidates(model: type[SlaTracked], *, now: dt.datetime):
    """Ids of running items past their warning time: a range scan on (sla_state, sla_warn_at). Breaches
    are handled first in a run; the claim re-checks that the deadline is still ahead."""
    return (
        model.objects.filter(sla_state=SlaState.RUNNING, sla_warn_at__lte=now)
        .order_by("sla_warn_at")
        .values_list("pk", flat=True)
    )


def handle_isolated(
    handler: Callable[[SlaTracked, dt.datetime], Counter], queryset: QuerySet, pk: int, now: dt.datetime, counts: Counter
) -> None:
    """One item per transaction, on its locked row: its failure is logged and retried next run
    (nothing of it is kept or counted), the others go on. The handler returns what it did, counted."""
    try:
        with transaction.atomic():
            counts.update(handler(queryset.select_for_update().get(pk=pk), now))
    except Exception:
        logger.exception("clock job: %s %s failed", queryset.model.__name__, pk)
        counts["failed"] += 1


def breached_clocks(item: SlaTracked, *, now: dt.datetime) -> list[Clock]:
    """Running clocks whose deadline has passed: their breach is still to be handled."""
    if item.sla_paused_at is not None:
        return []
    return [clock for clock in item.SLA_CLOCKS if clock.is_running(item) and clock.due_at(item) <= now]


def breach_claim(item: SlaTracked, clock: Clock, *, now: dt.datetime) -> bool:
    """Stamp the clock's breach with a conditional UPDATE: of two workers (or a re-run after a
    crash) exactly one gets 1 row back and handles the breach (STYLE §7)."""
    claimed = (
        type(item)
        .objects.filter(
            pk=item.pk,
            sla_paused_at__isnull=True,
            **{f"{clock.due}__lte": now, f"{clock.done}__isnull": True, f"{clock.breached}__isnull": True},
        )
        .update(**{clock.breached: now})
    )
    if claimed:
        setattr(item, clock.breached, now)
    return claimed == 1


def claim_breaches(item: SlaTracked, *, now: dt.datetime) -> list[Clock]:
    """The clocks of this item that ran out and whose breach this worker now owns."""
    return [clock for clock in breached_clocks(item, now=now) if breach_claim(item, clock, now=now)]


def warning_claim(item: SlaTracked, *, now: dt.datetime) -> bool:
    """running → warning once per deadline, by a conditional UPDATE (the job then tells the owner)."""
    claimed = (
        type(item)
        .objects.filter(
            pk=item.pk,
            sla_state=SlaState.RUNNING,
            sla_warn_at=item.sla_warn_at,
            sla_warn_at__lte=now,
            earliest_deadline_at__gt=now,
        )
        .update(sla_state=SlaState.WARNING)
    )
    if claimed:
        item.sla_state = SlaState.WARNING
    return claimed == 1
