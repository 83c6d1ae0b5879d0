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
    APPOINTMENT_BOOK = "appointment.book"
    APPOINTMENT_RECEIVE = "appointment.receive"
    # workshop: add this module's permissions below this line
    REPAIR_ORDER_EDIT = "repair_order.edit"
    REPAIR_ORDER_WORK = "repair_order.work"
    # showroom: add this module's permissions below this line
    SHOWROOM_SELL = "showroom.sell"
    SHOWROOM_CONFIGURE = "showroom.configure"
    # handover: add this module's permissions below this line
    HANDOVER_FILL = "handover.fill"
    HANDOVER_CONFIRM = "handover.confirm"
    # leads: add this module's permissions below this line
    LEAD_RECORD = "lead.record"
    LEAD_FOLLOW_UP = "lead.follow_up"
    LEAD_ASSIGN = "lead.assign"
    # loyalty: add this module's permissions below this line
    LOYALTY_POINTS_REDEEM = "loyalty.points_redeem"
    LOYALTY_POINTS_ADJUST = "loyalty.points_adjust"
    LOYALTY_REFERRAL_RECORD = "loyalty.referral_record"
    LOYALTY_REFERRAL_REWARD = "loyalty.referral_reward"
    LOYALTY_EVENT_MANAGE = "loyalty.event_manage"
    LOYALTY_EVENT_SIGNUP = "loyalty.event_signup"
    # kpis: add this module's permissions below this line
    KPI_IMPROVE = "kpi.improve"  # improvement actions and best-practice cases
    KPI_INCENTIVES = "kpi.incentives"  # per-person commission and bonus figures
    # dataio: add this module's permissions below this line
    DATA_IMPORT = "data.import"
    DATA_EXPORT = "data.export"


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
# Appointments (DOMAIN §5): the front line books (also by phone); the service reception checks in,
# marks no-shows, registers walk-ins and parts arrivals.
_APPOINTMENT_PERMISSIONS = {
    Role.ADVISOR: {Perm.APPOINTMENT_BOOK, Perm.APPOINTMENT_RECEIVE},
    Role.CALL_CENTRE_AGENT: {Perm.APPOINTMENT_BOOK},
    Role.SALESPERSON: {Perm.APPOINTMENT_BOOK},
    Role.TEAM_LEADER: {Perm.APPOINTMENT_RECEIVE},
    Role.STORE_MANAGER: {Perm.APPOINTMENT_BOOK, Perm.APPOINTMENT_RECEIVE},
    Role.GROUP_ADMIN: {Perm.APPOINTMENT_BOOK, Perm.APPOINTMENT_RECEIVE},
}
ROLE_PERMISSIONS.update({role: ROLE_PERMISSIONS[role] | extra for role, extra in _APPOINTMENT_PERMISSIONS.items()})
# workshop: grant this module's permissions below this line (ROLE_PERMISSIONS.update(...) as above)
# DOMAIN §6: advisors run the order (reception, estimate, approval, delivery); the workshop floor
# starts the work, proposes extra items and self-checks; QC levels are checked per role in workshop.
_WORKSHOP_PERMISSIONS = {
    Role.ADVISOR: {Perm.REPAIR_ORDER_EDIT, Perm.REPAIR_ORDER_WORK},
    Role.TECHNICIAN: {Perm.REPAIR_ORDER_WORK},
    Role.TEAM_LEADER: {Perm.REPAIR_ORDER_WORK},
    Role.STORE_MANAGER: {Perm.REPAIR_ORDER_EDIT, Perm.REPAIR_ORDER_WORK},
    Role.GROUP_ADMIN: {Perm.REPAIR_ORDER_EDIT, Perm.REPAIR_ORDER_WORK},
}
ROLE_PERMISSIONS.update({role: ROLE_PERMISSIONS[role] | extra for role, extra in _WORKSHOP_PERMISSIONS.items()})
# showroom: grant this module's permissions below this line (ROLE_PERMISSIONS.update(...) as above)
# Salespeople work prospects through to delivery; managers also keep the catalogue, matrix and rates.
ROLE_PERMISSIONS.update(
    {
        role: ROLE_PERMISSIONS[role] | extra
        for role, extra in {
            Role.SALESPERSON: {Perm.SHOWROOM_SELL},
            Role.STORE_MANAGER: {Perm.SHOWROOM_SELL, Perm.SHOWROOM_CONFIGURE},
            Role.GROUP_ADMIN: {Perm.SHOWROOM_SELL, Perm.SHOWROOM_CONFIGURE},
        }.items()
    }
)
# handover: grant this module's permissions below this line (ROLE_PERMISSIONS.update(...) as above)
# DOMAIN §3: the salesperson fills the handover form, the after-sales specialist confirms it ("1+1").
_HANDOVER_PERMISSIONS = {
    Role.SALESPERSON: {Perm.HANDOVER_FILL},
    Role.ADVISOR: {Perm.HANDOVER_CONFIRM},
    Role.STORE_MANAGER: {Perm.HANDOVER_FILL, Perm.HANDOVER_CONFIRM},
    Role.GROUP_ADMIN: {Perm.HANDOVER_FILL, Perm.HANDOVER_CONFIRM},
}
ROLE_PERMISSIONS.update({role: ROLE_PERMISSIONS[role] | extra for role, extra in _HANDOVER_PERMISSIONS.items()})
# leads: grant this module's permissions below this line (ROLE_PERMISSIONS.update(...) as above)
# DOMAIN §11: after-sales staff record leads, salespeople follow them up, the manager reassigns.
_LEAD_PERMISSIONS = {
    Role.ADVISOR: {Perm.LEAD_RECORD},
    Role.CALL_CENTRE_AGENT: {Perm.LEAD_RECORD},
    Role.TEAM_LEADER: {Perm.LEAD_RECORD},
    Role.TECHNICIAN: {Perm.LEAD_RECORD},
    Role.COMPLAINT_HANDLER: {Perm.LEAD_RECORD},
    Role.SALESPERSON: {Perm.LEAD_FOLLOW_UP},
    Role.STORE_MANAGER: {Perm.LEAD_RECORD, Perm.LEAD_FOLLOW_UP, Perm.LEAD_ASSIGN},
    Role.GROUP_ADMIN: {Perm.LEAD_RECORD, Perm.LEAD_FOLLOW_UP, Perm.LEAD_ASSIGN},
}
ROLE_PERMISSIONS.update({role: ROLE_PERMISSIONS[role] | extra for role, extra in _LEAD_PERMISSIONS.items()})
# loyalty: grant this module's permissions below this line (ROLE_PERMISSIONS.update(...) as above)
# Loyalty (DOMAIN §10): the front line records referrals, sign-ups and redemptions; managers adjust points
# by hand, confirm a referral purchase outside the showroom flow and run owner-club events.
_LOYALTY_FRONT_LINE = {Perm.LOYALTY_POINTS_REDEEM, Perm.LOYALTY_REFERRAL_RECORD, Perm.LOYALTY_EVENT_SIGNUP}
_LOYALTY_MANAGER = _LOYALTY_FRONT_LINE | {Perm.LOYALTY_POINTS_ADJUST, Perm.LOYALTY_REFERRAL_REWARD, Perm.LOYALTY_EVENT_MANAGE}
ROLE_PERMISSIONS.update(
    {
        role: ROLE_PERMISSIONS[role] | extra
        for role, extra in {
            Role.ADVISOR: _LOYALTY_FRONT_LINE,
            Role.CALL_CENTRE_AGENT: _LOYALTY_FRONT_LINE,
            Role.SALESPERSON: _LOYALTY_FRONT_LINE,
            Role.COMPLAINT_HANDLER: _LOYALTY_FRONT_LINE,
            Role.STORE_MANAGER: _LOYALTY_MANAGER,
            Role.GROUP_ADMIN: _LOYALTY_MANAGER,
        }.items()
    }
)
# kpis: grant this module's permissions below this line (ROLE_PERMISSIONS.update(...) as above)
# Dashboards are open to every role (figures, no personal data); the improvement loop and the
# per-person incentive figures belong to management.
for _role in (Role.STORE_MANAGER, Role.GROUP_ADMIN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {Perm.KPI_IMPROVE, Perm.KPI_INCENTIVES}
# dataio: grant this module's permissions below this line (ROLE_PERMISSIONS.update(...) as above)
# Bulk import and list export move whole archives: store managers and the group admin only.
_DATA_IO = {Perm.DATA_IMPORT, Perm.DATA_EXPORT}
ROLE_PERMISSIONS.update({role: ROLE_PERMISSIONS[role] | _DATA_IO for role in (Role.STORE_MANAGER, Role.GROUP_ADMIN)})


def has_perm(user, perm: Perm) -> bool:
    return user.is_active and perm in ROLE_PERMISSIONS.get(user.role, frozenset())


def require(user, perm: Perm) -> None:
    if not has_perm(user, perm):
        raise Forbidden()
