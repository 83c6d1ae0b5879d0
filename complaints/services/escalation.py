"""The escalation job (DOMAIN §9: "automatic escalation when a deadline passes"), every minute.

Idempotent and safe with several workers (STYLE §7): candidates come from one range scan on the
indexed earliest deadline; each item is handled in its own transaction on a locked row, and each
breach and each warning is claimed once by a conditional UPDATE. After an outage the next run finds
every deadline that passed meanwhile and escalates an item once, however many of its clocks ran out.
"""

import datetime as dt
from collections import Counter

from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent, ContactEvent, ContactRequest, Tier
from complaints.services.complaint import complaint_event, escalate_to
from complaints.services.notify import complaint_task, staff_task, store_manager, tier_owner
from sla.models import Clock, SlaTracked
from sla.services import (
    claim_breaches,
    due_candidates,
    handle_isolated,
    sla_refresh,
    warning_candidates,
    warning_claim,
)

BATCH = 1000  # items per kind and run; a longer backlog is finished by the next runs


def sla_escalate_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Warn before and escalate after the deadlines of complaints and contact requests."""
    now = now or timezone.now()
    counts: Counter = Counter()
    for model, on_breach, on_warning in (
        (Complaint, _complaint_breach, _complaint_warning),
        (ContactRequest, _contact_breach, _contact_warning),
    ):
        for pk in list(due_candidates(model, now=now)[:BATCH]):
            handle_isolated(on_breach, model.objects, pk, now, counts)
        for pk in list(warning_candidates(model, now=now)[:BATCH]):
            handle_isolated(on_warning, model.objects, pk, now, counts)
    return {key: counts[key] for key in ("warned", "breached", "escalated", "failed")}


# --- complaints -----------------------------------------------------------------------------------


def _complaint_breach(complaint: Complaint, now: dt.datetime) -> Counter:
    """Record each clock that ran out; if one of them drives the tier, go one tier up — once, even
    when several clocks ran out during an outage. Otherwise (or at L3) the tier's owner is told."""
    clocks = claim_breaches(complaint, now=now)
    if not clocks:
        return Counter()
    for clock in clocks:
        complaint_event(complaint, ComplaintEvent.Kind.BREACHED, detail=_breach_note(complaint, clock), at=now)
    higher = Tier(complaint.tier).higher
    if higher is not None and any(clock.escalates for clock in clocks):
        escalate_to(complaint, to_tier=higher, actor=None, reason="、".join(c.label for c in clocks) + "超时", now=now)
        return Counter(breached=len(clocks), escalated=1)
    for clock in clocks:
        complaint_task(
            complaint,
            assignee=tier_owner(complaint),
            kind="complaint_breach",
            title=f"投诉{clock.label}已超时",
            due_at=now,
            key=f"breach:{clock.name}",
            script=_breach_note(complaint, clock),
        )
    sla_refresh(complaint, now=now)
    complaint.save(update_fields=SlaTracked.SLA_FIELDS)
    return Counter(breached=len(clocks))


def _breach_note(item: SlaTracked, clock: Clock, state: str = "已过") -> str:
    return f"{clock.label}时限 {timezone.localtime(clock.due_at(item)):%m-%d %H:%M} {state}"


def _complaint_warning(complaint: Complaint, now: dt.datetime) -> Counter:
    """DOMAIN §9: tell the owner before the deadline (2 h by default) — once per deadline."""
    if not warning_claim(complaint, now=now):
        return Counter()
    clock = min((c for c in complaint.SLA_CLOCKS if c.is_running(complaint)), key=lambda c: c.due_at(complaint))
    due = clock.due_at(complaint)
    note = f"{clock.label}将于 {timezone.localtime(due):%m-%d %H:%M} 到期"
    complaint_event(complaint, ComplaintEvent.Kind.WARNED, detail=note, at=now)
    complaint_task(
        complaint,
        assignee=complaint.owner or tier_owner(complaint),
        kind="complaint_warning",
        title=f"投诉{clock.label}即将超时",
        due_at=due,
        key=f"warning:{clock.name}:{int(due.timestamp())}",
        script=note,
    )
    return Counter(warned=1)


# --- contact requests -----------------------------------------------------------------------------


def _contact_breach(contact: ContactRequest, now: dt.datetime) -> Counter:
    """An unanswered request past its standard is escalated to the store manager: on the escalation
    inbox, and as a task when the customer is known."""
    clocks = claim_breaches(contact, now=now)
    if not clocks:
        return Counter()
    note = _breach_note(contact, clocks[0])
    ContactEvent.objects.create(contact=contact, kind=ContactEvent.Kind.ESCALATED, detail=f"{note}，已升级至门店经理", at=now)
    if contact.customer_id:
        staff_task(
            store_id=contact.store_id,
            customer_id=contact.customer_id,
            assignee=store_manager(contact.store_id),
            kind="contact_escalation",
            title=f"接待请求超时未响应（{contact.get_channel_display()}）",
            due_at=now,
            source_key=f"contact:{contact.pk}:escalated",
            script=contact.summary[:500],
        )
    sla_refresh(contact, now=now)
    contact.save(update_fields=SlaTracked.SLA_FIELDS)
    return Counter(breached=1, escalated=1)


def _contact_warning(contact: ContactRequest, now: dt.datetime) -> Counter:
    """The queue turns the request amber; the timeline keeps when."""
    if not warning_claim(contact, now=now):
        return Counter()
    note = _breach_note(contact, contact.SLA_CLOCKS[0], "将到")
    ContactEvent.objects.create(contact=contact, kind=ContactEvent.Kind.WARNED, detail=note, at=now)
    return Counter(warned=1)
