"""The inbound contact queue (DOMAIN §1): every request is timed against its channel's standard —
online message, app or WeChat 15 min, phone 30 s (recorded), walk-in registration 3 min, social-media
complaint 2 h — and owned by whoever takes it first until it is explicitly transferred."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.permissions import Perm, has_perm, require
from complaints.models import Complaint, ContactChannel, ContactEvent, ContactRequest
from complaints.services.complaint import complaint_open
from complaints.services.fields import clean_text, not_in_future, staff_of_store
from complaints.services.red_alerts import red_alert_scan
from core.errors import Conflict, InvalidInput
from core.policies import policy_value
from core.scoping import store_for_write
from sla.models import SlaTracked
from sla.services import deadline_after, sla_refresh

Status = ContactRequest.Status
Kind = ContactEvent.Kind

# DOMAIN §1 response standards: channel → (门店参数, unit of that number)
RESPONSE_STANDARDS = {
    ContactChannel.ONLINE: ("contacts.online_response_minutes", "minutes"),
    ContactChannel.APP: ("contacts.online_response_minutes", "minutes"),
    ContactChannel.WECHAT: ("contacts.online_response_minutes", "minutes"),
    ContactChannel.PHONE: ("contacts.phone_answer_seconds", "seconds"),
    ContactChannel.WALK_IN: ("contacts.walk_in_register_minutes", "minutes"),
    ContactChannel.SOCIAL_MEDIA: ("contacts.social_response_minutes", "minutes"),
}
# Channels whose response is recorded after the fact: the agent enters the answer time from the call
# log, the receptionist the time to registration.
RECORDED_CHANNELS = {ContactChannel.PHONE, ContactChannel.WALK_IN}
MAX_RECORDED_SECONDS = 24 * 3600
_COMPLAINT_CHANNEL = {
    ContactChannel.ONLINE: Complaint.Channel.ONLINE,
    ContactChannel.APP: Complaint.Channel.ONLINE,
    ContactChannel.WECHAT: Complaint.Channel.WECHAT,
    ContactChannel.PHONE: Complaint.Channel.PHONE,
    ContactChannel.WALK_IN: Complaint.Channel.WALK_IN,
    ContactChannel.SOCIAL_MEDIA: Complaint.Channel.SOCIAL_MEDIA,
}


def response_standard(store_id: int, channel: str) -> dt.timedelta:
    key, unit = RESPONSE_STANDARDS[channel]
    return dt.timedelta(**{unit: policy_value(store_id, key)})


def _event(contact: ContactRequest, kind: str, *, actor=None, detail: str = "", at: dt.datetime | None = None) -> None:
    ContactEvent.objects.create(contact=contact, kind=kind, actor=actor, detail=detail[:500], at=at or timezone.now())


def _save(contact: ContactRequest, *fields: str, now: dt.datetime) -> None:
    sla_refresh(contact, now=now)
    contact.save(update_fields=[*fields, *SlaTracked.SLA_FIELDS])


def _locked(contact: ContactRequest, *, user) -> ContactRequest:
    require(user, Perm.CONTACT_HANDLE)
    contact = ContactRequest.objects.select_for_update(of=("self",)).select_related("owner").get(pk=contact.pk)
    if contact.status == Status.CLOSED:
        raise Conflict("该接待请求已关闭")
    return contact


def _transition(contact: ContactRequest, action: str, *, at: dt.datetime) -> None:
    """The one transition function of a contact request: waiting → responded → closed, stamping
    responded_at and closed_at (STYLE §5); anything else is a conflict."""
    if action == "respond" and contact.status == Status.WAITING:
        contact.status, contact.responded_at = Status.RESPONDED, at
    elif action == "close" and contact.status == Status.RESPONDED:
        contact.status, contact.closed_at = Status.CLOSED, at
    else:
        label = {"respond": "响应", "close": "关闭（请先响应）"}[action]
        raise Conflict(f"接待请求当前为“{contact.get_status_display()}”，不能{label}")


@transaction.atomic
def contact_receive(
    *,
    user,
    channel: str,
    summary: str,
    customer=None,
    sender: str = "",
    store_id: int | None = None,
    received_at: dt.datetime | None = None,
    response_seconds: int | None = None,
) -> ContactRequest:
    """Put an inbound request in the queue with its response deadline. A phone call or a walk-in
    registration that is already done is recorded with `response_seconds` (answer time from the call
    log, time to registration) and leaves the queue answered, on time or late."""
    require(user, Perm.CONTACT_HANDLE)
    if channel not in ContactChannel.values:
        raise InvalidInput({"channel": "未知的接待渠道"})
    store_id = store_for_write(user, customer.store_id if customer is not None else store_id)
    summary = clean_text(summary, "summary", "内容/主要需求", 2000)
    if customer is None and not (sender or "").strip():
        raise InvalidInput({"sender": "请填写来访人称呼，或关联客户档案"})
    now = timezone.now()
    received_at = not_in_future(received_at, now, "received_at", "收到时间")
    contact = ContactRequest(
        store_id=store_id,
        customer=customer,
        sender=(sender or "").strip()[:60],
        channel=channel,
        summary=summary,
        received_at=received_at,
        created_by=user,
        respond_due_at=deadline_after(store_id=store_id, start=received_at, duration=response_standard(store_id, channel)),
    )
    if response_seconds is not None:
        _record_response(contact, response_seconds, user=user)
    sla_refresh(contact, now=now)
    contact.save()
    _event(contact, Kind.RECEIVED, actor=user, detail=contact.get_channel_display(), at=received_at)
    if contact.responded_at:
        _event(contact, Kind.RESPONDED, actor=user, detail=f"用时 {response_seconds} 秒", at=contact.responded_at)
    red_alert_scan(store_id=store_id, text=summary, source=f"contact:{contact.pk}", customer=customer)
    return contact


def _record_response(contact: ContactRequest, seconds: int, *, user) -> None:
    if contact.channel not in RECORDED_CHANNELS:
        raise InvalidInput({"response_seconds": "只有来电和到店登记可以补录响应用时"})
    if not 0 <= seconds <= MAX_RECORDED_SECONDS:
        raise InvalidInput({"response_seconds": "响应用时须在 0 到 86400 秒之间"})
    contact.owner = user
    _transition(contact, "respond", at=contact.received_at + dt.timedelta(seconds=seconds))


@transaction.atomic
def contact_take(*, user, contact: ContactRequest) -> ContactRequest:
    """First-contact ownership (DOMAIN §1): the first to take a request owns it; a conditional UPDATE
    decides between two people clicking at once."""
    contact = _locked(contact, user=user)
    if contact.owner_id == user.pk:
        return contact
    if not ContactRequest.objects.filter(pk=contact.pk, owner__isnull=True).update(owner=user):
        raise Conflict(f"该请求已由 {contact.owner} 负责（首问负责制），如需接手请由其转交")
    contact.owner = user
    _event(contact, Kind.TAKEN, actor=user)
    return contact


def _ensure_owner(contact: ContactRequest, user) -> None:
    """Only the owner works a taken request (a manager may step in)."""
    if contact.owner_id not in (None, user.pk) and not has_perm(user, Perm.COMPLAINT_AUTHORITY_L2):
        raise Conflict(f"该请求由 {contact.owner} 负责（首问负责制），如需处理请先由其转交")


@transaction.atomic
def contact_respond(*, user, contact: ContactRequest, note: str, customer=None) -> ContactRequest:
    """The first response; it stops the clock. A walk-in's registration ends by linking the customer
    record (name, mobile, main need — created in the archive first)."""
    contact = _locked(contact, user=user)
    _ensure_owner(contact, user)
    note = clean_text(note, "note", "响应内容", 500)
    if customer is not None and customer.store_id != contact.store_id:
        raise InvalidInput({"customer_id": "客户不存在"})
    now = timezone.now()
    _transition(contact, "respond", at=now)
    contact.owner = contact.owner or user
    contact.customer = customer or contact.customer
    _save(contact, "status", "responded_at", "owner", "customer", now=now)
    _event(contact, Kind.RESPONDED, actor=user, detail=note, at=now)
    return contact


@transaction.atomic
def contact_transfer(*, user, contact: ContactRequest, owner_id: int, reason: str) -> ContactRequest:
    """Ownership moves only explicitly — by the owner or a manager — and every move is recorded."""
    contact = _locked(contact, user=user)
    _ensure_owner(contact, user)
    reason = clean_text(reason, "reason", "转交原因", 200)
    new_owner = staff_of_store(contact.store_id, owner_id, "owner_id")
    if new_owner.pk == contact.owner_id:
        raise Conflict(f"该请求已由 {new_owner} 负责")
    previous, contact.owner = contact.owner, new_owner
    contact.save(update_fields=["owner"])
    _event(contact, Kind.TRANSFERRED, actor=user, detail=f"{previous or '未认领'} → {new_owner}：{reason}")
    return contact


@transaction.atomic
def contact_close(*, user, contact: ContactRequest, outcome: str) -> ContactRequest:
    contact = _locked(contact, user=user)
    _ensure_owner(contact, user)
    contact.outcome = clean_text(outcome, "outcome", "处理结果", 200)
    now = timezone.now()
    _transition(contact, "close", at=now)
    _save(contact, "status", "closed_at", "outcome", now=now)
    _event(contact, Kind.CLOSED, actor=user, detail=contact.outcome, at=now)
    return contact


@transaction.atomic
def contact_to_complaint(*, user, contact: ContactRequest, title: str, category: str) -> Complaint:
    """A request that is a complaint (e.g. a social-media post) becomes one: the complaint's clocks
    start when the customer first complained, and the request is answered and closed with a pointer."""
    contact = _locked(contact, user=user)
    _ensure_owner(contact, user)
    if contact.customer is None:
        raise InvalidInput({"customer_id": "请先关联客户档案，再转为投诉"})
    complaint = complaint_open(
        user=user,
        customer=contact.customer,
        title=title,
        description=contact.summary,
        category=category,
        channel=_COMPLAINT_CHANNEL[contact.channel],
        source=Complaint.Source.CONTACT,
        source_key=f"contact:{contact.pk}",
        received_at=contact.received_at,
    )
    now = timezone.now()
    if contact.status == Status.WAITING:
        _transition(contact, "respond", at=now)
        _event(contact, Kind.RESPONDED, actor=user, detail="转为投诉处理", at=now)
    contact.owner, contact.complaint, contact.outcome = contact.owner or user, complaint, f"已转为投诉 #{complaint.pk}"
    _transition(contact, "close", at=now)
    _save(contact, "status", "responded_at", "closed_at", "owner", "complaint", "outcome", now=now)
    _event(contact, Kind.CLOSED, actor=user, detail=contact.outcome, at=now)
    return complaint
