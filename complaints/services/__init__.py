"""Writes of the contact queue and complaints (DOMAIN §1, §9). Other modules import from here:
`complaint_open(...)` for complaints from surveys and follow-ups, `red_alert_scan(...)` wherever a
customer's words are recorded."""

from complaints.services.complaint import (
    compensation_grant,
    complaint_close,
    complaint_escalate,
    complaint_note,
    complaint_open,
    complaint_pause,
    complaint_respond,
    complaint_resume,
    complaint_transfer,
    complaint_update,
)
from complaints.services.contact import (
    contact_close,
    contact_receive,
    contact_respond,
    contact_take,
    contact_to_complaint,
    contact_transfer,
)
from complaints.services.escalation import sla_escalate_due
from complaints.services.red_alerts import red_alert_acknowledge, red_alert_scan
from complaints.services.team import complaint_finding_record, complaint_joint_solution, complaint_team_form
from complaints.services.templates import complaint_templates_ensure

__all__ = [
    "compensation_grant",
    "complaint_close",
    "complaint_escalate",
    "complaint_finding_record",
    "complaint_joint_solution",
    "complaint_note",
    "complaint_open",
    "complaint_pause",
    "complaint_respond",
    "complaint_resume",
    "complaint_team_form",
    "complaint_templates_ensure",
    "complaint_transfer",
    "complaint_update",
    "contact_close",
    "contact_receive",
    "contact_respond",
    "contact_take",
    "contact_to_complaint",
    "contact_transfer",
    "red_alert_acknowledge",
    "red_alert_scan",
    "sla_escalate_due",
]
