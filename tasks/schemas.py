import datetime as dt

from ninja import Field, Schema


class TaskOut(Schema):
    id: int
    store_id: int
    customer_id: int
    customer_name: str
    vehicle_id: int | None
    assignee_id: int | None
    kind: str
    title: str
    script: str
    due_at: dt.datetime
    overdue: bool
    status: str
    outcome: str
    notes: str
    source_key: str

    @staticmethod
    def resolve_customer_name(obj):
        return obj.customer.name

    @staticmethod
    def resolve_overdue(obj):
        from tasks.selectors import is_overdue

        return is_overdue(obj)


class TaskPage(Schema):
    items: list[TaskOut]
    count: int | None
    limit: int
    offset: int


class OutcomeIn(Schema):
    outcome: str = Field(description="booked | call_back | not_interested | wrong_number | car_sold | no_answer | done")
    notes: str = Field("", max_length=500)
    call_back_at: dt.datetime | None = None


class RescheduleIn(Schema):
    due_at: dt.datetime


class ReassignIn(Schema):
    assignee_id: int
