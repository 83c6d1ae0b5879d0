import datetime as dt

from ninja import Field, Schema


class RevealIn(Schema):
    field: str = Field(description="mobile | id_number | address")
    reason: str = Field(max_length=200)


class RevealOut(Schema):
    field: str
    value: str


class ReasonIn(Schema):
    reason: str = Field(max_length=200)


class DataRequestIn(Schema):
    customer_id: int
    kind: str = Field(description="export | correction | erasure")
    details: str = Field("", max_length=2000)


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=200)


class DataRequestOut(Schema):
    id: int
    customer_id: int
    kind: str
    details: str
    status: str
    requested_by_id: int
    requested_at: dt.datetime
    due_on: dt.date
    decided_by_id: int | None
    decided_at: dt.datetime | None
    decision_note: str


class AccessLogOut(Schema):
    id: int
    actor_id: int | None
    action: str
    field: str
    reason: str
    ip_address: str | None
    at: dt.datetime


class AuditEntryOut(Schema):
    id: int
    model: str
    object_pk: str
    action: str
    actor_id: int | None
    timestamp: dt.datetime
    changes: dict

    @staticmethod
    def resolve_model(obj):
        return obj.content_type.model

    @staticmethod
    def resolve_action(obj):
        return obj.get_action_display()

    @staticmethod
    def resolve_changes(obj):
        return obj.changes_dict
