"""Least privilege per role (DOMAIN §14), enforced by services — never only by templates.

Every role may read its stores' archive with personal data masked; what differs is who may change
records, reveal a full value, export, approve data-subject requests and read the audit trail.
"""

from enum import StrEnum

from accounts.models import Role
from core.errors import Forbidden


class Perm(StrEnum):
    CUSTOMER_EDIT = "customer.edit"
    VEHICLE_EDIT = "vehicle.edit"
    ODOMETER_RECORD = "odometer.record"
    INTERACTION_LOG = "interaction.log"
    PII_REVEAL = "pii.reveal"
    DATA_REQUEST_CREATE = "data_request.create"
    DATA_REQUEST_APPROVE = "data_request.approve"
    AUDIT_VIEW = "audit.view"
    MESSAGE_TEMPLATE_EDIT = "message_template.edit"


_FRONT_DESK = {
    Perm.CUSTOMER_EDIT,
    Perm.VEHICLE_EDIT,
    Perm.ODOMETER_RECORD,
    Perm.INTERACTION_LOG,
    Perm.PII_REVEAL,
    Perm.DATA_REQUEST_CREATE,
}
_MANAGER = _FRONT_DESK | {Perm.DATA_REQUEST_APPROVE, Perm.AUDIT_VIEW, Perm.MESSAGE_TEMPLATE_EDIT}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.ADVISOR: frozenset(_FRONT_DESK),
    Role.CALL_CENTRE_AGENT: frozenset(_FRONT_DESK),
    Role.SALESPERSON: frozenset(_FRONT_DESK),
    Role.COMPLAINT_HANDLER: frozenset(_FRONT_DESK),
    # The workshop works on vehicles and jobs; it never needs a customer's full mobile or ID.
    Role.TECHNICIAN: frozenset({Perm.VEHICLE_EDIT, Perm.ODOMETER_RECORD, Perm.INTERACTION_LOG}),
    Role.TEAM_LEADER: frozenset({Perm.VEHICLE_EDIT, Perm.ODOMETER_RECORD, Perm.INTERACTION_LOG}),
    Role.STORE_MANAGER: frozenset(_MANAGER),
    Role.GROUP_ADMIN: frozenset(_MANAGER),
}


def has_perm(user, perm: Perm) -> bool:
    return user.is_active and perm in ROLE_PERMISSIONS.get(user.role, frozenset())


def require(user, perm: Perm) -> None:
    if not has_perm(user, perm):
        raise Forbidden()
