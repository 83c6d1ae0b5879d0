"""Reads of service clocks: what is about to breach, and how each clock of an item stands."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from sla.models import SlaTracked
from sla.services import clock_warn_at


def due_soon(queryset: QuerySet, *, now: dt.datetime, within: dt.timedelta) -> QuerySet:
    """Items whose earliest running deadline falls before now + within, overdue ones first: one range
    scan on the partial deadline index (closed and paused items have no earliest deadline)."""
    return queryset.filter(earliest_deadline_at__lte=now + within).order_by("earliest_deadline_at", "pk")


@dataclass(frozen=True)
class ClockView:
    """One clock as staff see it: green while running, amber near the deadline, red when late."""

    name: str
    label: str
    due_at: dt.datetime
    warn_at: dt.datetime
    done_at: dt.datetime | None
    state: str  # met | late | paused | breached | warning | running
    now: dt.datetime

    @property
    def seconds_left(self) -> int:
        """Until the deadline (negative: late by), measured at `done_at` for a stopped clock."""
        return int((self.due_at - (self.done_at or self.now)).total_seconds())

    @property
    def is_live(self) -> bool:
        return self.state in ("running", "warning", "breached")


def clock_views(item: SlaTracked, *, now: dt.datetime, warning: dt.timedelta) -> list[ClockView]:
    """Every clock the item has started, in deadline order."""
    views = []
    for clock in item.SLA_CLOCKS:
        due = clock.due_at(item)
        if due is None:
            continue
        done = getattr(item, clock.done)
        warn_at = clock_warn_at(item, clock, warning)
        views.append(ClockView(clock.name, clock.label, due, warn_at, done, _state(item, due, warn_at, done, now), now))
    return sorted(views, key=lambda v: v.due_at)


def _state(item: SlaTracked, due: dt.datetime, warn_at: dt.datetime, done: dt.datetime | None, now: dt.datetime) -> str:
    if done is not None:
        return "met" if done <= due else "late"
    if item.sla_paused_at is not None:
        return "paused"
    if due <= now:
        return "breached"
    return "warning" if warn_at <= now else "running"
