import datetime as dt

from ninja import Schema


class PlannedStepOut(Schema):
    kind: str
    kind_label: str
    step: str
    label: str
    action: str
    due_on: dt.date
    scheduled_on: dt.date


class ReminderOut(Schema):
    id: int
    customer_id: int
    vehicle_id: int | None
    kind: str
    cycle: str
    step: str
    action: str
    due_on: dt.date
    scheduled_on: dt.date
    topic: str
    status: str


class VehicleRemindersOut(Schema):
    upcoming: list[PlannedStepOut]
    history: list[ReminderOut]


class ReminderPage(Schema):
    items: list[ReminderOut]
    count: int | None
    limit: int
    offset: int
