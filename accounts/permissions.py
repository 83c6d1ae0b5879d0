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
    CONTACT_HANDLE = "contact.handle"
    COMPLAINT_OPEN = "complaint.open"
    COMPLAINT_HANDLE = "complaint.handle"
    COMPLAINT_ESCALATE = "complaint.escalate"
    COMPLAINT_AUTHORITY_L1 = "complaint.authority_l1"
    COMPLAINT_AUTHORITY_L2 = "complaint.authority_l2"
    COMPLAINT_AUTHORITY_L3 = "complaint.authority_l3"
    RED_ALERT_ACK = "red_alert.acknowledge"
    # appointments: add this module's permissions below this line
    # workshop: add this module's permissions below this line
    # showroom: add this module's permissions below this line
    # handover: add this module's permissions below this line
    # leads: add this module's permissions below this line
    # loyalty: add this module's permissions below this line
    # kpis: add this module's permissions below this line
    # dataio: add this module's permissions below this line


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

# Service clocks (DOMAIN §1, §9): everyone may open a complaint; the front line answers contacts and
# handles complaints with L1 authority, the store manager decides at L2, senior management at L3.
# Managers and the quality side (complaint handlers) acknowledge red alerts.
_COMPLAINT_FRONT_LINE = {
    Perm.CONTACT_HANDLE,
    Perm.COMPLAINT_OPEN,
    Perm.COMPLAINT_HANDLE,
    Perm.COMPLAINT_ESCALATE,
    Perm.COMPLAINT_AUTHORITY_L1,
}
_COMPLAINT_PERMISSIONS = {
    Role.ADVISOR: _COMPLAINT_FRONT_LINE,
    Role.CALL_CENTRE_AGENT: _COMPLAINT_FRONT_LINE,
    Role.SALESPERSON: _COMPLAINT_FRONT_LINE,
    Role.COMPLAINT_HANDLER: _COMPLAINT_FRONT_LINE | {Perm.RED_ALERT_ACK},
    Role.TECHNICIAN: {Perm.COMPLAINT_OPEN},
    Role.TEAM_LEADER: {Perm.COMPLAINT_OPEN},
    Role.STORE_MANAGER: _COMPLAINT_FRONT_LINE | {Perm.COMPLAINT_AUTHORITY_L2, Perm.RED_ALERT_ACK},
    Role.GROUP_ADMIN: _COMPLAINT_FRONT_LINE | {Perm.COMPLAINT_AUTHORITY_L2, Perm.COMPLAINT_AUTHORITY_L3, Perm.RED_ALERT_ACK},
}
ROLE_PERMISSIONS.update({role: ROLE_PERMISSIONS[role] | extra for role, extra in _COMPLAINT_PERMISSIONS.items()})

# appointments: grant this module's permissions below this line (ROLE_PERMISSIONS.update(...) as above)
# workshop: grant this module's permissions below this line (ROLE_PERMISSIONS.update(...) as above)
# showroom: grant this module's permissions below this line (ROLE_PERMISSIONS.update(...) as above)
# handover: grant this module's permissions below this line (ROLE_PERMISSIONS.update(...) as above)
# leads: grant this module's permissions below this line (ROLE_PERMISSIONS.update(...) as above)
# loyalty: grant this module's permissions below this line (ROLE_PERMISSIONS.update(...) as above)
# kpis: grant this module's permissions below this line (ROLE_PERMISSIONS.update(...) as above)
# dataio: grant this module's permissions below this line (ROLE_PERMISSIONS.update(...) as above)


def has_perm(user, perm: Perm) -> bool:
    return user.is_active and perm in ROLE_PERMISSIONS.get(user.role, frozenset())


def require(user, perm: Perm) -> None:
    if not has_perm(user, perm):
        raise Forbidden()
