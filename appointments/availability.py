"""Capacity of one store-day (DOMAIN §5): a slot is offered only if a bay of the needed kind AND a
technician with the needed skill are both free for the whole estimated labour time.

Everything is read in four small queries (bays, technicians, claims of the day, opening hours) and
matched in memory: a store-day has tens of resources and a few hundred 15-minute granules."""

import datetime as dt
import math
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from appointments.models import GRANULE, ServiceBay, ServiceType, SlotClaim, TechnicianProfile
from core.policies import policy_value

LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def labour_duration(service_type: ServiceType) -> dt.timedelta:
    """The estimated labour time, rounded up to whole granules: the bay is held that long."""
    granules = math.ceil(service_type.labour_minutes / (GRANULE.total_seconds() / 60))
    return GRANULE * max(granules, 1)


def granules(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The granule starts covering the half-open range [start, end)."""
    count = math.ceil((end - start) / GRANULE)
    return [start + GRANULE * i for i in range(count)]


def is_aligned(moment: dt.datetime) -> bool:
    local = moment.astimezone(LOCAL)
    return local.second == 0 and local.microsecond == 0 and local.minute % int(GRANULE.total_seconds() // 60) == 0


def store_open_window(store_id: int, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
    """The store's opening hours that day as aware datetimes (sla's per-store hours), or None when
    the store takes no bookings: closed that weekday, or an official day off that is not an
    ordinary weekend (reminders' holiday calendar; stores may open on public holidays by policy)."""
    from reminders.models import Holiday
    from reminders.services import is_working_day
    from sla.services import opening_hours

    opens, closes = opening_hours(store_id)[day.weekday()]
    if opens >= closes:
        return None
    if not is_working_day(day):
        official_day_off = Holiday.objects.filter(date=day, is_day_off=True).exists()
        if official_day_off and not policy_value(store_id, "appointments.open_on_public_holidays"):
            return None
    return dt.datetime.combine(day, opens, tzinfo=LOCAL), dt.datetime.combine(day, closes, tzinfo=LOCAL)


@dataclass
class Capacity:
    """The resources of one store-day that can do one service type, and what is already taken."""

    window: tuple[dt.datetime, dt.datetime] | None
    bays: list[ServiceBay]
    technicians: list[TechnicianProfile]
    taken_bays: set[tuple[int, dt.datetime]] = field(default_factory=set)
    taken_technicians: set[tuple[int, dt.datetime]] = field(default_factory=set)
    load: dict[int, int] = field(default_factory=dict)

    def free_bays(self, cells: list[dt.datetime]) -> list[ServiceBay]:
        return [bay for bay in self.bays if not any((bay.pk, cell) in self.taken_bays for cell in cells)]

    def free_technicians(self, start: dt.datetime, end: dt.datetime, cells: list[dt.datetime]) -> list[TechnicianProfile]:
        """Technicians on shift for the whole [start, end) with none of its granules taken, the
        least loaded first (work is spread over the team)."""
        free = [
            profile
            for profile in self.technicians
            if _on_shift(profile, start, end) and not any((profile.user_id, cell) in self.taken_technicians for cell in cells)
        ]
        return sorted(free, key=lambda profile: (self.load.get(profile.user_id, 0), profile.user_id))

    def pair(self, start: dt.datetime, end: dt.datetime) -> tuple[list[ServiceBay], list[TechnicianProfile]]:
        if self.window is None or start < self.window[0] or end > self.window[1]:
            return [], []
        cells = granules(start, end)
        bays = self.free_bays(cells)
        return (bays, self.free_technicians(start, end, cells)) if bays else ([], [])


def _on_shift(profile: TechnicianProfile, start: dt.datetime, end: dt.datetime) -> bool:
    local_start, local_end = start.astimezone(LOCAL), end.astimezone(LOCAL)
    if local_start.date() != local_end.date() and local_end.time() != dt.time.min:
        return False
    return (
        profile.works_on(local_start.date())
        and profile.works_from <= local_start.time()
        and (local_end.time() <= profile.works_until or local_end.time() == dt.time.min and profile.works_until == dt.time.max)
    )


def capacity_for(*, store_id: int, day: dt.date, service_type: ServiceType) -> Capacity:
    window = store_open_window(store_id, day)
    bays = list(ServiceBay.objects.filter(store_id=store_id, kind=service_type.bay_kind, is_active=True).order_by("name", "id"))
    technicians = [
        profile
        for profile in TechnicianProfile.objects.filter(store_id=store_id, is_active=True, user__is_active=True)
        if profile.has_skill(service_type.required_skill)
    ]
    capacity = Capacity(window=window, bays=bays, technicians=technicians)
    if window is None or not bays or not technicians:
        return capacity
    claims = SlotClaim.objects.filter(
        Q(bay_id__in=[bay.pk for bay in bays]) | Q(technician_id__in=[profile.user_id for profile in technicians]),
        slot_at__gte=window[0],
        slot_at__lt=window[1],
    ).values_list("bay_id", "technician_id", "slot_at")
    for bay_id, technician_id, slot_at in claims:
        if bay_id is not None:
            capacity.taken_bays.add((bay_id, slot_at))
        else:
            capacity.taken_technicians.add((technician_id, slot_at))
            capacity.load[technician_id] = capacity.load.get(technician_id, 0) + 1
    return capacity


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    free_bays: int
    free_technicians: int


def free_slots(
    *, store_id: int, day: dt.date, service_type: ServiceType, now: dt.datetime, step: dt.timedelta | None = None
) -> list[Slot]:
    """The bookable starts of a day, every `step` (the store's slot step) from opening time, that
    begin after now plus the store's minimum notice and end by closing time."""
    capacity = capacity_for(store_id=store_id, day=day, service_type=service_type)
    if capacity.window is None or not capacity.bays or not capacity.technicians:
        return []
    step = step or dt.timedelta(minutes=policy_value(store_id, "appointments.slot_step_minutes"))
    earliest = now + dt.timedelta(minutes=policy_value(store_id, "appointments.min_notice_minutes"))
    duration = labour_duration(service_type)
    slots = []
    start = capacity.window[0]
    while start + duration <= capacity.window[1]:
        if start >= earliest:
            bays, technicians = capacity.pair(start, start + duration)
            if bays and technicians:
                slots.append(Slot(start, start + duration, len(bays), len(technicians)))
        start += step
    return slots
