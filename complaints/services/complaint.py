"""Complaints (DOMAIN §9): open from any channel, respond within 24 h, close within 48 h, tiers L1/L2/L3
with their own time and authority, escalation, compensation, the joint team, closing with the
solution, the root cause and the customer's confirmation. Every change writes a ComplaintEvent."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.permissions import Perm, has_perm, require
from complaints.models import Compensation, Complaint, ComplaintEvent, Tier
from complaints.services.fields import check_choice, clean_text, not_in_future, staff_of_store
from complaints.services.notify import complaint_handler, complaint_task, customer_inform, tier_owner
from complaints.services.red_alerts import keyword_matches, red_alert_scan
from core.errors import Conflict, Forbidden, InvalidInput
from core.policies import policy_value
from core.scoping import store_for_write
from customers.models import Customer, MemberTier
from sla.models import SlaTracked
from sla.services import deadline_after, sla_pause, sla_refresh, sla_resume

Status = Complaint.Status
Kind = ComplaintEvent.Kind

# DOMAIN §9: the lowest tier allowed to grant each kind of compensation.
COMPENSATION_TIER = {
    Compensation.Kind.GOODWILL: Tier.L1,
    Compensation.Kind.FEE_REDUCTION: Tier.L2,
    Compensation.Kind.PRIORITY_SCHEDULING: Tier.L2,
    Compensation.Kind.FULL_REFUND: Tier.L3,
    Compensation.Kind.MAJOR_COMPENSATION: Tier.L3,
    Compensation.Kind.POLICY_EXCEPTION: Tier.L3,
}
_AUTHORITY_PERMS = (
    (Tier.L3, Perm.COMPLAINT_AUTHORITY_L3),
    (Tier.L2, Perm.COMPLAINT_AUTHORITY_L2),
    (Tier.L1, Perm.COMPLAINT_AUTHORITY_L1),
)
TIER_HANDLERS = {Tier.L1: "一线服务人员", Tier.L2: "部门经理", Tier.L3: "公司高层管理人员"}
_FLAG_FIELDS = {"safety": "is_safety", "media": "is_media", "legal": "is_legal"}
_FLAG_LABELS = {"is_safety": "涉及安全", "is_media": "媒体曝光风险", "is_legal": "法律纠纷风险", "is_vip": "VIP 客户"}
MAX_AMOUNT = Decimal("99999999.99")


# --- small shared steps ---------------------------------------------------------------------------


def _rank(tier: str) -> int:
    return list(Tier).index(Tier(tier))


def tier_hours(store_id: int, tier: str) -> dt.timedelta:
    return dt.timedelta(hours=policy_value(store_id, f"complaints.{tier.lower()}_hours"))


def authority_limit(store_id: int, tier: str) -> Decimal:
    """The largest amount a tier may grant (门店参数: complaints.l1_max_yuan …)."""
    return Decimal(str(policy_value(store_id, f"complaints.{tier.lower()}_max_yuan")))


def user_tier(user) -> Tier | None:
    """The highest tier whose authority the user's role carries (L1 front line, L2 store manager,
    L3 senior management)."""
    return next((tier for tier, perm in _AUTHORITY_PERMS if has_perm(user, perm)), None)


def complaint_event(
    complaint: Complaint, kind: str, *, actor=None, detail: str = "", at: dt.datetime | None = None
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint, kind=kind, actor=actor, tier=complaint.tier, detail=detail[:500], at=at or timezone.now()
    )


def _locked(complaint: Complaint) -> Complaint:
    """The current row, locked: writes never act on a stale copy (the job may have escalated it)."""
    return Complaint.objects.select_for_update(of=("self",)).select_related("customer").get(pk=complaint.pk)


def complaint_for_change(complaint: Complaint, *, user, perm: Perm = Perm.COMPLAINT_HANDLE) -> Complaint:
    require(user, perm)
    complaint = _locked(complaint)
    if complaint.is_closed:
        raise Conflict("投诉已结案，不能再修改")
    return complaint


def complaint_save(complaint: Complaint, *fields: str, now: dt.datetime) -> None:
    sla_refresh(complaint, now=now)
    complaint.save(update_fields=[*fields, *SlaTracked.SLA_FIELDS])


# --- the state machine ----------------------------------------------------------------------------

_TRANSITIONS = {
    "respond": ({Status.OPEN}, "响应"),
    "pause": ({Status.OPEN, Status.RESPONDED}, "暂停计时"),
    "resume": ({Status.WAITING_CUSTOMER}, "恢复计时"),
    "close": ({Status.RESPONDED, Status.WAITING_CUSTOMER}, "结案"),
}


def _transition(complaint: Complaint, action: str, *, at: dt.datetime) -> None:
    """The one transition function of a complaint (STYLE §5): open → responded ⇄ waiting for the
    customer → closed, stamping responded_at / closed_at and pausing the clocks while waiting.
    Anything else is a conflict (409)."""
    allowed, label = _TRANSITIONS[action]
    if complaint.status not in allowed:
        hint = "，请先响应客户" if complaint.status == Status.OPEN and action == "close" else ""
        raise Conflict(f"投诉当前为“{complaint.get_status_display()}”，不能{label}{hint}")
    if complaint.sla_paused_at is not None and action in ("resume", "close"):
        sla_resume(complaint, at=at)
    if action == "respond":
        complaint.responded_at, complaint.status = at, Status.RESPONDED
    elif action == "pause":
        sla_pause(complaint, at=at)
        complaint.status = Status.WAITING_CUSTOMER
    elif action == "resume":
        complaint.status = Status.RESPONDED if complaint.responded_at else Status.OPEN
    else:
        complaint.closed_at, complaint.status = at, Status.CLOSED


# --- opening --------------------------------------------------------------------------------------


def _is_vip(customer: Customer) -> bool:
    """DOMAIN §2: VIP is a customer tag (derived or manual); platinum members are treated alike."""
    return "VIP" in customer.tags or customer.member_tier == MemberTier.PLATINUM


def _respond_time(store_id: int, channel: str) -> dt.timedelta:
    """DOMAIN §9 / §1: respond within 24 h; a social-media complaint publicly within 2 h."""
    if channel == Complaint.Channel.SOCIAL_MEDIA:
        return dt.timedelta(minutes=policy_value(store_id, "contacts.social_response_minutes"))
    return dt.timedelta(hours=policy_value(store_id, "complaints.respond_hours"))


@transaction.atomic
def complaint_open(
    *,
    customer: Customer,
    title: str,
    description: str,
    category: str,
    channel: str,
    user=None,
    source: str = Complaint.Source.STAFF,
    source_key: str = "",
    vehicle=None,
    advisor_id: int | None = None,
    received_at: dt.datetime | None = None,
    is_safety: bool = False,
    is_media: bool = False,
    is_legal: bool = False,
) -> Complaint:
    """Open a complaint from any channel (DOMAIN §9). Staff pass `user` (they own it: first-contact
    ownership); other modules — a survey's low score, an issue found at follow-up — call it without
    a user and with a `source_key` such as "survey:12", which opens at most one complaint ever.
    Safety, media, legal threat (also recognised from red-alert words) or a VIP go straight to L3."""
    if user is not None:
        require(user, Perm.COMPLAINT_OPEN)
        store_for_write(user, customer.store_id)
    if source_key and (existing := Complaint.objects.filter(source_key=source_key).first()):
        return existing
    now = timezone.now()
    complaint = _new_complaint(
        customer,
        user,
        now,
        title=title,
        description=description,
        category=category,
        channel=channel,
        source=source,
        source_key=source_key,
        vehicle=vehicle,
        advisor_id=advisor_id,
        received_at=received_at,
        flags={"is_safety": is_safety, "is_media": is_media, "is_legal": is_legal},
    )
    try:
        with transaction.atomic():
            complaint.save()
    except IntegrityError:
        if not source_key:
            raise
        return Complaint.objects.get(source_key=source_key)  # the same survey answer opened it a moment ago
    complaint_event(complaint, Kind.OPENED, actor=user, detail=_opening_note(complaint), at=complaint.opened_at)
    if complaint.tier == Tier.L3:
        _tier_notice(complaint, reason=_straight_to_l3_reason(complaint))
    alert = red_alert_scan(
        store_id=complaint.store_id,
        text=f"{complaint.title} {complaint.description}",
        source=f"complaint:{complaint.pk}",
        customer=customer,
        complaint=complaint,
    )
    if alert is not None:
        complaint_event(complaint, Kind.RED_ALERT, detail=f"命中关键词：{'、'.join(alert.keywords)}，已通知质量、销售、售后")
    customer_inform(
        complaint, template_code="complaint_received", key="received", topic=complaint.title, due_date=complaint.respond_due_at
    )
    return complaint


def _new_complaint(customer, user, now, *, flags: dict, received_at, vehicle, advisor_id, **fields) -> Complaint:
    fields["title"] = clean_text(fields["title"], "title", "标题", 100)
    fields["description"] = clean_text(fields["description"], "description", "投诉内容", 4000)
    check_choice(fields["category"], Complaint.Category, "category", "未知的投诉类别")
    check_choice(fields["channel"], Complaint.Channel, "channel", "未知的投诉渠道")
    check_choice(fields["source"], Complaint.Source, "source", "未知的投诉来源")
    if len(fields["source_key"]) > 120:
        raise InvalidInput({"source_key": "来源标识不能超过 120 个字符"})
    if vehicle is not None and vehicle.store_id != customer.store_id:
        raise InvalidInput({"vehicle_id": "车辆不存在"})
    if advisor_id:
        staff_of_store(customer.store_id, advisor_id, "advisor_id")
    elif vehicle is not None:
        advisor_id = vehicle.service_advisor_id
    opened_at = not_in_future(received_at, now, "received_at", "投诉时间")
    for keyword in keyword_matches(customer.store_id, f"{fields['title']} {fields['description']}"):
        if keyword.flag:
            flags[_FLAG_FIELDS[keyword.flag]] = True
    complaint = Complaint(
        store_id=customer.store_id,
        customer=customer,
        vehicle=vehicle,
        opened_by=user,
        opened_at=opened_at,
        owner=user or complaint_handler(customer.store_id),
        is_vip=_is_vip(customer),
        tier=Tier.L1,
        tier_since=opened_at,
        advisor_id=advisor_id,
        **flags,
        **fields,
    )
    if complaint.goes_straight_to_l3:
        complaint.tier = Tier.L3
    _set_deadlines(complaint)
    sla_refresh(complaint, now=now)
    return complaint


def _set_deadlines(complaint: Complaint) -> None:
    store_id, opened_at = complaint.store_id, complaint.opened_at
    complaint.respond_due_at = deadline_after(
        store_id=store_id, start=opened_at, duration=_respond_time(store_id, complaint.channel)
    )
    close_time = dt.timedelta(hours=policy_value(store_id, "complaints.close_hours"))
    complaint.close_due_at = deadline_after(store_id=store_id, start=opened_at, duration=close_time)
    complaint.tier_due_at = deadline_after(store_id=store_id, start=opened_at, duration=tier_hours(store_id, complaint.tier))


def _straight_to_l3_reason(complaint: Complaint) -> str:
    return "直达 L3：" + "、".join(label for field, label in _FLAG_LABELS.items() if getattr(complaint, field))


def _opening_note(complaint: Complaint) -> str:
    parts = [complaint.get_source_display(), complaint.get_channel_display(), complaint.get_category_display(), complaint.tier]
    return " · ".join(parts) + f"，响应时限 {timezone.localtime(complaint.respond_due_at):%m-%d %H:%M}"


# --- working the complaint --------------------------------------------------------------------------


@transaction.atomic
def complaint_respond(*, user, complaint: Complaint, note: str) -> Complaint:
    """The first response to the customer (DOMAIN §9: within 24 h): stops the response clock."""
    complaint = complaint_for_change(complaint, user=user)
    note = clean_text(note, "note", "响应内容", 500)
    now = timezone.now()
    _transition(complaint, "respond", at=now)
    complaint.owner = complaint.owner or user
    complaint_save(complaint, "status", "responded_at", "owner", now=now)
    complaint_event(complaint, Kind.RESPONDED, actor=user, detail=note, at=now)
    return complaint


@transaction.atomic
def complaint_note(*, user, complaint: Complaint, text: str) -> ComplaintEvent:
    """A handling record on the timeline (calls made, findings, what the customer said)."""
    complaint = complaint_for_change(complaint, user=user)
    return complaint_event(complaint, Kind.NOTE, actor=user, detail=clean_text(text, "text", "处理记录", 500))


UPDATABLE_FIELDS = ("category", "title", "description", "is_safety", "is_media", "is_legal")


@transaction.atomic
def complaint_update(*, user, complaint: Complaint, **fields) -> Complaint:
    """Correct what the complaint is about. Marking it safety, media or legal sends it to L3 at once."""
    unknown = set(fields) - set(UPDATABLE_FIELDS)
    if unknown:
        raise InvalidInput(dict.fromkeys(unknown, "不可修改的字段"))
    complaint = complaint_for_change(complaint, user=user)
    now = timezone.now()
    changed = {name: value for name, value in fields.items() if value is not None and getattr(complaint, name) != value}
    if "category" in changed:
        check_choice(changed["category"], Complaint.Category, "category", "未知的投诉类别")
    for name, label, length in (("title", "标题", 100), ("description", "投诉内容", 4000)):
        if name in changed:
            changed[name] = clean_text(changed[name], name, label, length)
    for name, value in changed.items():
        setattr(complaint, name, value)
    complaint_save(complaint, *changed, now=now)
    labels = "、".join(str(Complaint._meta.get_field(name).verbose_name) for name in changed)
    complaint_event(complaint, Kind.UPDATED, actor=user, detail=f"修改：{labels or '无变化'}", at=now)
    if complaint.goes_straight_to_l3 and complaint.tier != Tier.L3:
        escalate_to(complaint, to_tier=Tier.L3, actor=user, reason=_straight_to_l3_reason(complaint), now=now)
    return complaint


@transaction.atomic
def complaint_pause(*, user, complaint: Complaint, reason: str) -> Complaint:
    """Waiting for the customer (an appointment, a document, their decision): the clocks stop, and
    the pause is on the timeline with its reason."""
    complaint = complaint_for_change(complaint, user=user)
    reason = clean_text(reason, "reason", "暂停原因", 200)
    now = timezone.now()
    _transition(complaint, "pause", at=now)
    complaint_save(complaint, "status", now=now)
    complaint_event(complaint, Kind.PAUSED, actor=user, detail=reason, at=now)
    return complaint


@transaction.atomic
def complaint_resume(*, user, complaint: Complaint) -> Complaint:
    complaint = complaint_for_change(complaint, user=user)
    now, paused_at = timezone.now(), complaint.sla_paused_at
    _transition(complaint, "resume", at=now)
    complaint_save(complaint, *(c.due for c in complaint.SLA_CLOCKS), "status", now=now)
    minutes = int((now - paused_at).total_seconds() // 60) if paused_at else 0
    complaint_event(
        complaint, Kind.RESUMED, actor=user, detail=f"暂停 {minutes // 60} 小时 {minutes % 60} 分钟，各时限相应顺延", at=now
    )
    return complaint


@transaction.atomic
def complaint_transfer(*, user, complaint: Complaint, owner_id: int, reason: str) -> Complaint:
    """First-contact ownership moves only explicitly, and every move is recorded (DOMAIN §1)."""
    complaint = complaint_for_change(complaint, user=user)
    reason = clean_text(reason, "reason", "转交原因", 200)
    new_owner = staff_of_store(complaint.store_id, owner_id, "owner_id")
    if new_owner.pk == complaint.owner_id:
        raise Conflict(f"投诉已由 {new_owner} 负责")
    previous, complaint.owner = complaint.owner, new_owner
    complaint.save(update_fields=["owner"])
    event = complaint_event(complaint, Kind.TRANSFERRED, actor=user, detail=f"{previous or '未分配'} → {new_owner}：{reason}")
    complaint_task(
        complaint,
        assignee=new_owner,
        kind="complaint",
        title="转交给您的投诉",
        due_at=complaint.tier_due_at,
        key=f"owner:{event.pk}",
    )
    return complaint


# --- tiers ----------------------------------------------------------------------------------------


@transaction.atomic
def complaint_escalate(*, user, complaint: Complaint, reason: str) -> Complaint:
    """Hand the complaint one tier up by hand (the job does it when a deadline passes)."""
    complaint = complaint_for_change(complaint, user=user, perm=Perm.COMPLAINT_ESCALATE)
    reason = clean_text(reason, "reason", "升级原因", 200)
    higher = Tier(complaint.tier).higher
    if higher is None:
        raise Conflict("投诉已在最高层级 L3 处理")
    escalate_to(complaint, to_tier=higher, actor=user, reason=reason, now=timezone.now())
    return complaint


def escalate_to(complaint: Complaint, *, to_tier: Tier, actor, reason: str, now: dt.datetime) -> None:
    """Move to a higher tier: its own time starts now (L2 48 h, L3 72 h); the tier's owner gets a task
    and the customer hears that the complaint is now handled higher up. Call on a locked row."""
    previous = complaint.tier
    complaint.tier, complaint.tier_since, complaint.tier_breached_at = to_tier, now, None
    complaint.tier_due_at = deadline_after(
        store_id=complaint.store_id, start=now, duration=tier_hours(complaint.store_id, to_tier)
    )
    complaint_save(complaint, "tier", "tier_since", "tier_due_at", "tier_breached_at", now=now)
    complaint_event(complaint, Kind.ESCALATED, actor=actor, detail=f"{previous} → {to_tier}：{reason}", at=now)
    _tier_notice(complaint, reason=reason)


def _tier_notice(complaint: Complaint, *, reason: str) -> None:
    tier = Tier(complaint.tier)
    complaint_task(
        complaint,
        assignee=tier_owner(complaint),
        kind="complaint_escalation",
        title=f"投诉升级至 {tier.label}",
        due_at=complaint.tier_due_at,
        key=f"escalated:{tier}",
        script=f"原因：{reason}",
    )
    customer_inform(
        complaint,
        template_code="complaint_progress",
        key=f"progress:{tier}",
        topic=f"您的投诉已升级由{TIER_HANDLERS[tier]}负责处理",
        due_date=complaint.tier_due_at,
    )


# --- compensation ---------------------------------------------------------------------------------


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput({"amount": "金额格式不正确"}) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput({"amount": "金额须为 0 以上、最多两位小数的数字"})
    return amount


@transaction.atomic
def compensation_grant(*, user, complaint: Complaint, kind: str, amount, description: str = "") -> Compensation:
    """DOMAIN §9: L1 may give small goodwill (a car-wash voucher), L2 fee reductions and priority
    scheduling, L3 full refunds, major compensation and policy exceptions — each up to its amount.
    The authority is the lower of the complaint's tier and the granting user's own tier; anything
    above it is refused (409) until the complaint is escalated."""
    complaint = complaint_for_change(complaint, user=user)
    check_choice(kind, Compensation.Kind, "kind", "未知的补偿类型")
    amount = _amount(amount)
    own = user_tier(user)
    if own is None:
        raise Forbidden("您的角色无权给予补偿")
    authority = min(Tier(complaint.tier), own, key=_rank)
    needed = COMPENSATION_TIER[kind]
    label = Compensation.Kind(kind).label
    if _rank(needed) > _rank(authority):
        raise Conflict(
            f"“{label}”须由 {needed.label} 批准，当前权限为 {authority.label}，请先升级投诉", {"kind": f"须 {needed} 及以上"}
        )
    limit = authority_limit(complaint.store_id, authority)
    if amount > limit:
        raise Conflict(
            f"金额 ¥{amount} 超出 {authority.label} 的权限上限 ¥{limit}，请先升级投诉", {"amount": f"{authority} 上限 ¥{limit}"}
        )
    grant = Compensation.objects.create(
        complaint=complaint,
        kind=kind,
        amount=amount,
        description=(description or "").strip()[:200],
        tier=authority,
        granted_by=user,
    )
    complaint_event(complaint, Kind.COMPENSATION, actor=user, detail=f"{label} ¥{amount}（{authority} 权限）{grant.description}")
    return grant


# --- closing --------------------------------------------------------------------------------------


@transaction.atomic
def complaint_close(
    *,
    user,
    complaint: Complaint,
    root_cause: str,
    cause: str,
    confirmation: str,
    solution: str = "",
    confirmation_note: str = "",
) -> Complaint:
    """DOMAIN §9: closing needs the solution, the root cause and the customer's confirmation — or their
    refusal to confirm, recorded with what they said. The customer is told it is closed."""
    complaint = complaint_for_change(complaint, user=user)
    now = timezone.now()
    _transition(complaint, "close", at=now)
    solution = (solution or "").strip() or complaint.solution
    errors = {}
    if not solution:
        errors["solution"] = "结案须填写解决方案"
    if not (root_cause or "").strip():
        errors["root_cause"] = "结案须填写根本原因"
    if cause not in Complaint.Cause.values:
        errors["cause"] = "请选择原因分类"
    if confirmation not in (Complaint.Confirmation.CONFIRMED, Complaint.Confirmation.REFUSED):
        errors["confirmation"] = "结案须有客户确认，或记录客户拒绝确认"
    elif confirmation == Complaint.Confirmation.REFUSED and not (confirmation_note or "").strip():
        errors["confirmation_note"] = "客户拒绝确认时，请记录客户的意见"
    if errors:
        raise InvalidInput(errors, detail="结案条件不满足：须有解决方案、根本原因和客户确认")
    complaint.solution, complaint.root_cause, complaint.cause = solution[:2000], root_cause.strip()[:2000], cause
    complaint.confirmation, complaint.confirmation_note = confirmation, (confirmation_note or "").strip()[:200]
    fields = ["status", "closed_at", "solution", "root_cause", "cause", "confirmation", "confirmation_note"]
    complaint_save(complaint, *fields, *(c.due for c in complaint.SLA_CLOCKS), now=now)
    complaint_event(
        complaint,
        Kind.CLOSED,
        actor=user,
        detail=f"{complaint.get_cause_display()}；{complaint.get_confirmation_display()}",
        at=now,
    )
    customer_inform(complaint, template_code="complaint_closed", key="closed", topic=complaint.title)
    return complaint
