import datetime as dt

from django.utils import timezone
from ninja import Query, Router, Schema

from core.api import paginate
from reminders import selectors
from reminders.schemas import ReminderPage, VehicleRemindersOut
from vehicles.selectors import vehicle_get

router = Router(tags=["reminders"])
vehicle_router = Router(tags=["reminders"])


@vehicle_router.get("/{int:vehicle_id}/reminders", response=VehicleRemindersOut)
def vehicle_reminders(request, vehicle_id: int):
    """Upcoming steps of the vehicle's plans (from its stored due dates) and the ones already taken."""
    vehicle = vehicle_get(user=request.auth, vehicle_id=vehicle_id)
    return {
        "upcoming": selectors.vehicle_upcoming(vehicle=vehicle, today=timezone.localdate()),
        "history": list(selectors.vehicle_reminder_history(vehicle=vehicle)),
    }


class ReminderQuery(Schema):
    day: dt.date | None = None
    kind: str | None = None
    limit: int | None = None
    offset: int | None = None


@router.get("", response=ReminderPage)
def reminder_list(request, params: Query[ReminderQuery]):
    return paginate(selectors.reminder_list(user=request.auth, day=params.day, kind=params.kind), params.limit, params.offset)
