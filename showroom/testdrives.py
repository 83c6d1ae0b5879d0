"""Test drives (DOMAIN §15): scheduled with vehicle, route and time, only after the driving licence was
checked, never two on one demo car at once, with the customer's feedback afterwards.

Double booking is prevented by the database: a booking claims every SLOT_MINUTES slot it touches in
TestDriveSlot, whose (demo car, slot start) is unique — two salespeople booking at the same moment
cannot both succeed, on SQLite or PostgreSQL.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.permissions import Perm, require
from core.errors import Conflict, InvalidInput
from core.policies import policy_value
from showroom.models import DemoCar, Prospect, TestDrive, TestDriveSlot
from showroom.services import _locked, prospect_reach

SLOT_MINUTES = 15  # granularity of the slot grid (a technical unit, not a policy)
MAX_MINUTES = 240


def slot_starts(starts_at: dt.datetime, ends_at: dt.datetime) -> list[dt.datetime]:
    """Every grid slot that [starts_at, ends_at) touches, in UTC."""
    step = dt.timedelta(minutes=SLOT_MINUTES)
    start = starts_at.astimezone(dt.UTC)
    first = start.replace(second=0, microsecond=0) - dt.timedelta(minutes=start.minute % SLOT_MINUTES)
    slots, current = [], first
    while current < ends_at:
        slots.append(current)
        current += step
    return slots


def _check_input(*, licence_checked: bool, starts_at, minutes: int, route: str) -> None:
    errors = {}
    if licence_checked is not True:
        errors["licence_checked"] = "试驾前必须核验客户驾驶证"
    if starts_at is None or timezone.is_naive(starts_at):
        errors["starts_at"] = "请填写带时区的开始时间"
    elif starts_at < timezone.now() - dt.timedelta(minutes=SLOT_MINUTES):
        errors["starts_at"] = "开始时间不能早于现在"
    if not 1 <= minutes <= MAX_MINUTES:
        errors["minutes"] = f"试驾时长须在 1–{MAX_MINUTES} 分钟之间"
    if route not in TestDrive.Route.values:
        errors["route"] = "请选择试驾路线"
    if errors:
        raise InvalidInput(errors)


@transaction.atomic
def test_drive_schedule(
    *,
    user,
    prospect: Prospect,
    demo_car_id: int,
    starts_at: dt.datetime,
    licence_checked: bool,
    route: str = TestDrive.Route.CITY_HIGHWAY,
    minutes: int | None = None,
) -> TestDrive:
    require(user, Perm.SHOWROOM_SELL)
    minutes = minutes or policy_value(prospect.store_id, "showroom.test_drive_minutes")
    _check_input(licence_checked=licence_checked, starts_at=starts_at, minutes=minutes, route=route)
    demo_car = DemoCar.objects.filter(pk=demo_car_id, store_id=prospect.store_id, is_active=True).first()
    if demo_car is None:
        raise InvalidInput({"demo_car_id": "本店没有该试驾车或已停用"})
    prospect = _locked(prospect)
    ends_at = starts_at + dt.timedelta(minutes=minutes)
    test_drive = TestDrive.objects.create(
        store_id=prospect.store_id,
        prospect=prospect,
        demo_car=demo_car,
        route=route,
        starts_at=starts_at,
        ends_at=ends_at,
        licence_checked=True,
        licence_checked_by=user,
        created_by=user,
    )
    try:
        with transaction.atomic():
            TestDriveSlot.objects.bulk_create(
                TestDriveSlot(demo_car=demo_car, starts_at=slot, test_drive=test_drive)
                for slot in slot_starts(starts_at, ends_at)
            )
    except IntegrityError:
        raise Conflict("该试驾车在此时段已被预约，请换一个时间或车辆", {"starts_at": "该时段已被预约"}) from None
    return test_drive


@transaction.atomic
def test_drive_cancel(*, user, test_drive: TestDrive) -> TestDrive:
    """Cancelling frees the demo car's slots."""
    require(user, Perm.SHOWROOM_SELL)
    test_drive = TestDrive.objects.select_for_update().get(pk=test_drive.pk)
    if test_drive.status != TestDrive.Status.SCHEDULED:
        raise Conflict("只能取消已预约的试驾")
    test_drive.status = TestDrive.Status.CANCELLED
    test_drive.save(update_fields=["status"])
    TestDriveSlot.objects.filter(test_drive=test_drive).delete()
    return test_drive


@transaction.atomic
def test_drive_feedback(*, user, test_drive: TestDrive, rating: int, liked: str = "", concerns: str = "") -> TestDrive:
    """Feedback after the drive; the prospect reaches "test drive" (and "visited", if not yet)."""
    require(user, Perm.SHOWROOM_SELL)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput({"rating": "请给出 1–5 分的评价"})
    test_drive = TestDrive.objects.select_for_update().get(pk=test_drive.pk)
    if test_drive.status != TestDrive.Status.SCHEDULED:
        raise Conflict("该试驾已记录反馈或已取消")
    now = timezone.now()
    test_drive.status, test_drive.rating, test_drive.finished_at = TestDrive.Status.DONE, rating, now
    test_drive.liked, test_drive.concerns = liked.strip()[:300], concerns.strip()[:300]
    test_drive.save(update_fields=["status", "rating", "finished_at", "liked", "concerns"])
    prospect = Prospect.objects.select_for_update().get(pk=test_drive.prospect_id)
    if not prospect.is_closed:
        prospect_reach(prospect, Prospect.Status.VISITED, user=user, at=test_drive.starts_at)
        prospect_reach(prospect, Prospect.Status.TEST_DRIVE, user=user, at=now)
    return test_drive
