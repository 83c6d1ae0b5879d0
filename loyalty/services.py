"""Loyalty writes (DOMAIN §2 member tiers, §10 points ledger, referrals, owner-club events).

Points are an append-only ledger; FIFO lots make expiry and redemption consume the oldest points
first. Whoever spends points first locks the customer's row (select_for_update on PostgreSQL; on
SQLite the IMMEDIATE transaction already serialises writers), so two redemptions cannot overspend.
"""

import datetime as dt
import math
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from accounts.permissions import Perm, require
from core.errors import Conflict, InvalidInput
from core.policies import policy_value
from core.scoping import get_scoped_or_404, scoped, store_for_write
from customers.models import Customer, CustomerMobile, MemberTier
from customers.validators import normalize_mobile
from loyalty.models import (
    ClubEvent,
    EventInvitation,
    EventSignup,
    PointsEntry,
    PointsLot,
    Referral,
    ReferralReward,
    SpendKind,
    SpendRecord,
)

TIERS_HIGH_FIRST = [MemberTier.PLATINUM, MemberTier.GOLD, MemberTier.SILVER]
POINTS_MAX = 10_000_000
MANUAL_REWARD_PREFIX = "manual:"  # purchase_source_key of a referral confirmed by hand

# --- spend and tiers --------------------------------------------------------------------------------


@transaction.atomic
def spend_record(*, customer: Customer, amount: Decimal, kind: str, occurred_at: dt.datetime, source_key: str) -> SpendRecord:
    """Record a delivered repair order ("service", from the workshop) or a delivered new car
    ("purchase", from the showroom) once per source_key, earn points with the tier multiplier
    (DOMAIN §10 "earn on spend") and refresh this customer's tier at once (DOMAIN §2)."""
    existing = SpendRecord.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    amount = _checked_amount(amount, kind, source_key)
    try:
        with transaction.atomic():
            record = SpendRecord.objects.create(
                store_id=customer.store_id,
                customer=customer,
                kind=kind,
                amount=amount,
                occurred_at=occurred_at,
                source_key=source_key,
            )
    except IntegrityError:
        return SpendRecord.objects.get(source_key=source_key)
    tier_recalculate(store_id=customer.store_id, now=timezone.now(), customer_id=customer.id)
    customer.refresh_from_db(fields=["member_tier"])
    points = spend_points(store_id=customer.store_id, tier=customer.member_tier, amount=amount, kind=kind)
    if points > 0:
        reason = f"{SpendKind(kind).label}消费 ¥{amount}"
        points_earn(
            customer=customer, kind=PointsEntry.Kind.EARN_SPEND, points=points, reason=reason, source_key=f"spend:{source_key}"
        )
    return record


def _checked_amount(amount, kind: str, source_key: str) -> Decimal:
    errors = {}
    if kind not in SpendKind.values:
        errors["kind"] = "消费类型须为 service 或 purchase"
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        errors["amount"] = "金额须为不小于 0 的数字"
    if not source_key or len(source_key) > 120:
        errors["source_key"] = "来源键须为 1–120 个字符"
    if errors:
        raise InvalidInput(errors)
    return amount.quantize(Decimal("0.01"))


def spend_points(*, store_id: int, tier: str, amount: Decimal, kind: str) -> int:
    """Points for one spend: amount × points per yuan of the kind × the tier's multiplier, rounded down."""
    per_yuan = policy_value(store_id, f"loyalty.{kind}_points_per_yuan")
    multiplier = policy_value(store_id, f"loyalty.{tier}_points_multiplier")
    return max(0, min(POINTS_MAX, math.floor(float(amount) * float(per_yuan) * float(multiplier) + 1e-9)))


def tier_recalculate(*, store_id: int, now: dt.datetime, customer_id: int | None = None) -> int:
    """DOMAIN §2: a customer's tier is the highest one whose purchase amount (within the spend window)
    or service frequency (service visits within the visit window) threshold is reached; below every
    threshold the customer is an ordinary member. Set-based for the whole store (or one customer):
    one UPDATE from the spend aggregates (a covering index feeds the GROUP BY), one UPDATE back to
    "none" for members without any spend in the window. A tier set by hand is a floor (DOMAIN §2:
    members migrated from another system keep their card). Only changed rows are written, so a rerun
    changes nothing. Returns the number of customers whose tier changed."""
    params = _tier_params(store_id, now, customer_id)
    one_spend = "AND customer_id = %(customer)s" if customer_id is not None else ""
    one_customer = "AND customers_customer.id = %(customer)s" if customer_id is not None else ""
    cases = " ".join(
        f"WHEN (%({tier}_spend)s > 0 AND spend >= %({tier}_spend)s) OR (%({tier}_visits)s > 0 AND visits >= %({tier}_visits)s) "
        f"THEN %({tier})s"
        for tier in TIERS_HIGH_FIRST
    )
    floor = "customers_customer.member_tier_floor"
    tier = f"CASE WHEN {_rank('t.tier')} >= {_rank(floor)} THEN t.tier ELSE {floor} END"
    by_spend = f"""
        UPDATE customers_customer SET member_tier = {tier}
        FROM (
            SELECT customer_id, CASE {cases} ELSE %(none)s END AS tier
            FROM (
                SELECT customer_id,
                       SUM(CASE WHEN occurred_at >= %(spend_since)s THEN amount ELSE 0 END) AS spend,
                       SUM(CASE WHEN kind = %(service)s AND occurred_at >= %(visit_since)s THEN 1 ELSE 0 END) AS visits
                FROM loyalty_spendrecord
                WHERE store_id = %(store)s AND occurred_at >= %(since)s {one_spend}
                GROUP BY customer_id
            ) a
        ) t
        WHERE customers_customer.id = t.customer_id AND customers_customer.member_tier <> {tier}
          AND customers_customer.erased_at IS NULL
    """  # nosec B608 - only fixed SQL fragments are interpolated; values are bound
    without_spend = f"""
        UPDATE customers_customer SET member_tier = member_tier_floor
        WHERE store_id = %(store)s AND member_tier <> member_tier_floor AND erased_at IS NULL {one_customer}
          AND NOT EXISTS (
              SELECT 1 FROM loyalty_spendrecord s
              WHERE s.store_id = %(store)s AND s.customer_id = customers_customer.id AND s.occurred_at >= %(since)s
          )
    """  # nosec B608 - only fixed SQL fragments are interpolated; values are bound
    with connection.cursor() as cursor:
        cursor.execute(by_spend, params)
        changed = cursor.rowcount
        cursor.execute(without_spend, params)
        return changed + cursor.rowcount


def _rank(column: str) -> str:
    """SQL: a tier as a number (none 0 … platinum 3), to compare tiers."""
    ranks = " ".join(f"WHEN %({tier})s THEN {len(TIERS_HIGH_FIRST) - i}" for i, tier in enumerate(TIERS_HIGH_FIRST))
    return f"CASE {column} {ranks} ELSE 0 END"


def _tier_params(store_id: int, now: dt.datetime, customer_id: int | None) -> dict:
    """The store's tier thresholds and windows as bound parameters (ints: SQLite compares a number
    with text as always smaller, so thresholds must not be bound as Decimal strings)."""
    spend_since = now - relativedelta(months=int(policy_value(store_id, "loyalty.tier_spend_window_months")))
    visit_since = now - relativedelta(months=int(policy_value(store_id, "loyalty.tier_visit_window_months")))
    adapt = connection.ops.adapt_datetimefield_value
    params = {
        "store": store_id,
        "customer": customer_id,
        "none": MemberTier.NONE.value,
        "service": SpendKind.SERVICE.value,
        "spend_since": adapt(spend_since),
        "visit_since": adapt(visit_since),
        "since": adapt(min(spend_since, visit_since)),
    }
    for tier in TIERS_HIGH_FIRST:
        params[f"{tier}_spend"] = int(policy_value(store_id, f"loyalty.{tier}_min_spend"))
        params[f"{tier}_visits"] = int(policy_value(store_id, f"loyalty.{tier}_min_visits"))
        params[tier.value] = tier.value
    return params


def tier_benefits(*, store_id: int, tier: str) -> dict:
    """The benefits of one tier in one store (DOMAIN §2), all configurable policies."""
    if tier not in TIERS_HIGH_FIRST:
        return {"points_multiplier": policy_value(store_id, "loyalty.none_points_multiplier")}
    return {
        "points_multiplier": policy_value(store_id, f"loyalty.{tier}_points_multiplier"),
        "priority_service": bool(policy_value(store_id, f"loyalty.{tier}_priority_service")),
        "free_washes_per_year": policy_value(store_id, f"loyalty.{tier}_free_washes"),
        "birthday_gift": policy_value(store_id, f"loyalty.{tier}_birthday_gift"),
    }


# --- points -----------------------------------------------------------------------------------------


def points_earn(
    *, customer: Customer, kind: str, points: int, reason: str, source_key: str | None = None, user=None
) -> PointsEntry:
    """Append one earning entry and open its lot (valid for the store's points_valid_months).
    With a source_key the earning happens once, also when two callers race."""
    if source_key:
        existing = PointsEntry.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing
    now = timezone.now()
    months = int(policy_value(customer.store_id, "loyalty.points_valid_months"))
    try:
        with transaction.atomic():
            lot = PointsLot.objects.create(
                store_id=customer.store_id,
                customer=customer,
                earned_at=now,
                expires_on=timezone.localdate(now) + relativedelta(months=months),
                points=points,
                remaining=points,
            )
            return PointsEntry.objects.create(
                store_id=customer.store_id,
                customer=customer,
                kind=kind,
                points=points,
                reason=reason,
                source_key=source_key,
                lot=lot,
                created_by=user,
                created_at=now,
            )
    except IntegrityError:
        return PointsEntry.objects.get(source_key=source_key)


def points_balance(*, customer_id: int) -> int:
    """DOMAIN §10: the balance is the sum of the ledger."""
    return PointsEntry.objects.filter(customer_id=customer_id).aggregate(s=Sum("points"))["s"] or 0


@transaction.atomic
def points_redeem(*, user, customer_id: int, points: int, service: str) -> PointsEntry:
    """Redeem points for a service; the oldest points go first (FIFO). More than the balance → 422,
    nothing changed. The customer's row is locked, so concurrent redemptions queue and cannot overspend."""
    customer = get_scoped_or_404(Customer.objects.all(), user, pk=customer_id)
    require(user, Perm.LOYALTY_POINTS_REDEEM)
    store_for_write(user, customer.store_id)
    errors = _points_errors(points)
    if not (service or "").strip() or len(service) > 200:
        errors["service"] = "请填写兑换的服务项目（不超过 200 字）"
    if errors:
        raise InvalidInput(errors)
    return _points_consume(customer=customer, points=points, kind=PointsEntry.Kind.REDEEM, reason=service.strip(), user=user)


@transaction.atomic
def points_adjust(*, user, customer_id: int, points: int, reason: str) -> PointsEntry:
    """A manager's manual entry with its reason: positive earns, negative consumes FIFO (never below 0)."""
    customer = get_scoped_or_404(Customer.objects.all(), user, pk=customer_id)
    require(user, Perm.LOYALTY_POINTS_ADJUST)
    store_for_write(user, customer.store_id)
    errors = _points_errors(abs(points) if isinstance(points, int) else points)
    if not (reason or "").strip() or len(reason) > 200:
        errors["reason"] = "请填写调整原因（不超过 200 字）"
    if errors:
        raise InvalidInput(errors)
    if points > 0:
        return points_earn(customer=customer, kind=PointsEntry.Kind.MANUAL, points=points, reason=reason.strip(), user=user)
    return _points_consume(customer=customer, points=-points, kind=PointsEntry.Kind.MANUAL, reason=reason.strip(), user=user)


def _points_errors(points) -> dict[str, str]:
    if not isinstance(points, int) or isinstance(points, bool) or not 0 < points <= POINTS_MAX:
        return {"points": f"积分须为 1–{POINTS_MAX} 的整数"}
    return {}


def _points_consume(*, customer: Customer, points: int, kind: str, reason: str, user) -> PointsEntry:
    """Take points from the oldest unexpired lots under the customer's row lock."""
    Customer.objects.select_for_update(no_key=True).filter(pk=customer.pk).values_list("pk", flat=True).get()
    today = timezone.localdate()
    lots = list(
        PointsLot.objects.select_for_update()
        .filter(customer_id=customer.pk, remaining__gt=0, expires_on__gt=today)
        .order_by("expires_on", "id")
    )
    available = sum(lot.remaining for lot in lots)
    if points > available:
        raise InvalidInput({"points": f"积分余额不足：当前可用 {available} 分，不能使用 {points} 分"})
    consumed, left = [], points
    for lot in lots:
        take = min(lot.remaining, left)
        lot.remaining -= take
        lot.save(update_fields=["remaining"])
        consumed.append([lot.id, take])
        left -= take
        if left == 0:
            break
    return PointsEntry.objects.create(
        store_id=customer.store_id,
        customer=customer,
        kind=kind,
        points=-points,
        reason=reason,
        consumed=consumed,
        created_by=user,
        created_at=timezone.now(),
    )


def points_expire(*, day: dt.date) -> int:
    """DOMAIN §10 expiry, FIFO: every lot whose expiry date has come gives up what is left of it as
    one "expire" entry. Set-based (one INSERT … SELECT and one UPDATE through the partial index of
    lots with points left) and idempotent: a rerun finds nothing left to expire. Returns the count."""
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "WITH locked AS (SELECT id FROM loyalty_pointslot WHERE expires_on <= %s AND remaining > 0 "
                "ORDER BY expires_on, id FOR UPDATE) SELECT COUNT(*) FROM locked",
                [day],
            )
        cursor.execute(
            """
            INSERT INTO loyalty_pointsentry
                (store_id, customer_id, kind, points, reason, source_key, consumed, lot_id, created_by_id, created_at)
            SELECT store_id, customer_id, %s, -remaining, %s, %s || CAST(id AS VARCHAR(20)), %s, id, NULL, %s
            FROM loyalty_pointslot
            WHERE expires_on <= %s AND remaining > 0
            """,
            [PointsEntry.Kind.EXPIRE.value, "积分到期作废", "expire:", "[]", adapt(timezone.now()), day],
        )
        expired = cursor.rowcount
        cursor.execute(
            "UPDATE loyalty_pointslot SET expired_points = expired_points + remaining, remaining = 0 "
            "WHERE expires_on <= %s AND remaining > 0",
            [day],
        )
    return expired


# --- referrals --------------------------------------------------------------------------------------


@transaction.atomic
def referral_create(*, user, referrer_id: int, prospect_name: str, prospect_mobile: str, note: str = "") -> Referral:
    """DOMAIN §10: an existing customer refers a prospect (name, mobile). A mobile already referred in
    this store, or the referrer's own number, is refused."""
    referrer = get_scoped_or_404(Customer.objects.all(), user, pk=referrer_id)
    require(user, Perm.LOYALTY_REFERRAL_RECORD)
    store_id = store_for_write(user, referrer.store_id)
    errors = {}
    name = (prospect_name or "").strip()
    if not name or len(name) > 60:
        errors["prospect_name"] = "请填写被推荐人姓名（不超过 60 字）"
    try:
        mobile = normalize_mobile(prospect_mobile, "prospect_mobile")
    except InvalidInput as exc:
        errors.update(exc.errors)
        mobile = ""
    if len(note or "") > 200:
        errors["note"] = "备注不超过 200 字"
    if errors:
        raise InvalidInput(errors)
    owner = CustomerMobile.objects.filter(store_id=store_id, number=mobile).values_list("customer_id", flat=True).first()
    if owner == referrer.id:
        raise InvalidInput({"prospect_mobile": "不能推荐自己"})
    if Referral.objects.filter(store_id=store_id, prospect_mobile=mobile).exclude(status=Referral.Status.CANCELLED).exists():
        raise InvalidInput({"prospect_mobile": "该手机号已被推荐过，一位客户只能被推荐一次"})
    try:
        with transaction.atomic():
            return Referral.objects.create(
                store_id=store_id,
                referrer=referrer,
                prospect_name=name,
                prospect_mobile=mobile,
                prospect_id=owner,
                note=(note or "").strip(),
                created_by=user,
            )
    except IntegrityError:
        raise InvalidInput({"prospect_mobile": "该手机号已被推荐过，一位客户只能被推荐一次"}) from None


@transaction.atomic
def referral_purchase(*, customer: Customer, source_key: str) -> Referral | None:
    """Called by the showroom when a buyer takes delivery: if an open referral of this store matches the
    buyer (by customer or by any of their mobiles), both sides are rewarded, once. Otherwise a no-op;
    calling it again with the same source_key returns the referral it rewarded."""
    done = Referral.objects.filter(purchase_source_key=source_key).first()
    if done is not None:
        return done
    mobiles = CustomerMobile.objects.filter(customer_id=customer.pk).values_list("number", flat=True)
    referral = (
        Referral.objects.filter(store_id=customer.store_id, status=Referral.Status.OPEN)
        .filter(Q(prospect_id=customer.pk) | Q(prospect_mobile__in=list(mobiles)) | Q(prospect_mobile=customer.mobile))
        .exclude(referrer_id=customer.pk)
        .order_by("created_at", "id")
        .first()
    )
    if referral is None:
        return None
    try:
        return _referral_reward(referral=referral, buyer=customer, source_key=source_key)
    except Conflict:
        return None


@transaction.atomic
def referral_reward(*, user, referral_id: int, buyer_id: int) -> Referral:
    """A manager confirms a referral purchase made outside the showroom flow. A referral that was
    already rewarded (or cancelled) is refused with 409: a referral rewards once only."""
    referral = get_scoped_or_404(Referral.objects.all(), user, pk=referral_id)
    require(user, Perm.LOYALTY_REFERRAL_REWARD)
    store_for_write(user, referral.store_id)
    buyer = scoped(Customer.objects.filter(store_id=referral.store_id), user).filter(pk=buyer_id).first()
    if buyer is None:
        raise InvalidInput({"buyer_id": "请选择本店的购车客户"})
    if buyer.pk == referral.referrer_id:
        raise InvalidInput({"buyer_id": "购车客户不能是推荐人本人"})
    return _referral_reward(referral=referral, buyer=buyer, source_key=f"{MANUAL_REWARD_PREFIX}{referral.pk}")


def _referral_reward(*, referral: Referral, buyer: Customer, source_key: str) -> Referral:
    """Claim the open referral (exactly one caller wins), then reward the referrer and the buyer."""
    now = timezone.now()
    claimed = Referral.objects.filter(pk=referral.pk, status=Referral.Status.OPEN).update(
        status=Referral.Status.REWARDED, rewarded_at=now, prospect=buyer, purchase_source_key=source_key
    )
    if claimed != 1:
        raise Conflict("该推荐已奖励过，不能重复奖励", {"referral": "该推荐已奖励过，不能重复奖励"})
    referral.refresh_from_db()
    _reward_side(referral=referral, customer=referral.referrer, side=ReferralReward.Side.REFERRER)
    _reward_side(referral=referral, customer=buyer, side=ReferralReward.Side.REFEREE)
    return referral


def _reward_side(*, referral: Referral, customer: Customer, side: str) -> ReferralReward:
    """The reward of one side, in the store's configured form (points / voucher / fuel card / coupon)."""
    store_id = referral.store_id
    kind = policy_value(store_id, "loyalty.referral_reward_kind")
    if kind not in ReferralReward.Kind.values:
        kind = ReferralReward.Kind.POINTS
    reward = ReferralReward(store_id=store_id, referral=referral, customer=customer, side=side, kind=kind)
    if kind == ReferralReward.Kind.POINTS:
        reward.points = int(policy_value(store_id, f"loyalty.referral_{side}_points"))
        if reward.points > 0:
            reason = "推荐新客户购车奖励" if side == ReferralReward.Side.REFERRER else "经老客户推荐购车奖励"
            points_earn(
                customer=customer,
                kind=PointsEntry.Kind.EARN_REFERRAL,
                points=reward.points,
                reason=reason,
                source_key=f"referral:{referral.pk}:{side}",
            )
    else:
        reward.amount = Decimal(policy_value(store_id, f"loyalty.referral_{side}_amount"))
    reward.save()
    return reward


# --- owner-club events ------------------------------------------------------------------------------


EVENT_FIELDS = ("title", "theme", "starts_at", "location", "capacity", "attendance_points", "description")


@transaction.atomic
def event_create(*, user, store_id: int | None = None, **fields) -> ClubEvent:
    """DOMAIN §10: an owner-club event with theme, date and capacity."""
    require(user, Perm.LOYALTY_EVENT_MANAGE)
    store_id = store_for_write(user, store_id)
    values = {k: v for k, v in fields.items() if k in EVENT_FIELDS}
    if values.get("attendance_points") is None:
        values["attendance_points"] = int(policy_value(store_id, "loyalty.event_attendance_points"))
    event = ClubEvent(store_id=store_id, created_by=user, **values)
    _event_validate(event)
    event.save()
    return event


def _event_validate(event: ClubEvent) -> None:
    from core.errors import full_clean_or_invalid

    errors = {}
    if not isinstance(event.capacity, int) or not 1 <= event.capacity <= 100_000:
        errors["capacity"] = "名额须为 1–100000"
    if not isinstance(event.attendance_points, int) or not 0 <= event.attendance_points <= 100_000:
        errors["attendance_points"] = "到场积分须为 0–100000"
    if isinstance(event.starts_at, dt.datetime) and event.starts_at < timezone.now() - dt.timedelta(days=1):
        errors["starts_at"] = "活动时间不能早于今天"
    if errors:
        raise InvalidInput(errors)
    full_clean_or_invalid(event, exclude=["store", "created_by"])


@transaction.atomic
def event_cancel(*, user, event_id: int) -> ClubEvent:
    event = get_scoped_or_404(ClubEvent.objects.all(), user, pk=event_id)
    require(user, Perm.LOYALTY_EVENT_MANAGE)
    store_for_write(user, event.store_id)
    if not ClubEvent.objects.filter(pk=event.pk, status=ClubEvent.Status.OPEN).update(status=ClubEvent.Status.CANCELLED):
        raise Conflict("活动已取消")
    event.refresh_from_db()
    return event


INVITE_TEMPLATE = (
    "club_event_invite",
    "车主俱乐部活动邀请",
    "尊敬的{name}，{store_name}诚邀您参加车主俱乐部活动“{topic}”，时间：{appointment_time}，名额有限，欢迎致电{store_phone}报名。",
)


@transaction.atomic
def event_invite(*, user, event_id: int, tier: str = "", tag: str = "", vehicle_model: str = "", channel: str = "sms") -> dict:
    """Invite a filtered audience (tier, tag, vehicle model) through the outbox as marketing: only
    customers with a current marketing consent for the channel are invited (DOMAIN §14), each once.
    At most the store's invite batch per call; the answer says how many are still waiting."""
    from loyalty.selectors import event_audience
    from messaging.models import MessageChannel, MessagePurpose, MessageTemplate
    from messaging.services import message_queue

    event = get_scoped_or_404(ClubEvent.objects.all(), user, pk=event_id)
    require(user, Perm.LOYALTY_EVENT_MANAGE)
    store_for_write(user, event.store_id)
    if event.status != ClubEvent.Status.OPEN or event.starts_at < timezone.now():
        raise Conflict("活动已取消或已结束，不能再邀请")
    if channel not in MessageChannel.values:
        raise InvalidInput({"channel": "渠道须为 sms / wechat / email"})
    if tier and tier not in MemberTier.values:
        raise InvalidInput({"tier": "未知的会员等级"})
    code, name, body = INVITE_TEMPLATE
    MessageTemplate.objects.get_or_create(
        store=None, code=code, channel=channel, defaults={"purpose": MessagePurpose.MARKETING, "name": name, "body": body}
    )
    audience = event_audience(event=event, tier=tier, tag=tag, vehicle_model=vehicle_model, channel=channel)
    batch = int(policy_value(event.store_id, "loyalty.event_invite_batch"))
    customers = list(audience[:batch])
    now = timezone.now()
    local_start = timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M")
    for customer in customers:
        message = message_queue(
            store_id=event.store_id,
            customer=customer,
            channel=channel,
            purpose=MessagePurpose.MARKETING,
            template_code=code,
            variables={"topic": event.title, "appointment_time": local_start},
            idempotency_key=f"club_event:{event.pk}:{customer.pk}",
        )
        EventInvitation.objects.create(store_id=event.store_id, event=event, customer=customer, message=message, invited_at=now)
    return {"invited": len(customers), "waiting": audience.count()}


@transaction.atomic
def event_signup(*, user, event_id: int, customer_id: int) -> EventSignup:
    """Sign a customer up. The event row is locked while the seats are counted, so two clerks
    taking the last seat at once cannot exceed the capacity."""
    event = get_scoped_or_404(ClubEvent.objects.all(), user, pk=event_id)
    require(user, Perm.LOYALTY_EVENT_SIGNUP)
    store_for_write(user, event.store_id)
    customer = scoped(Customer.objects.filter(store_id=event.store_id), user).filter(pk=customer_id).first()
    if customer is None:
        raise InvalidInput({"customer_id": "请选择本店客户"})
    event = ClubEvent.objects.select_for_update().get(pk=event.pk)
    if event.status != ClubEvent.Status.OPEN or event.starts_at < timezone.now():
        raise Conflict("活动已取消或已开始，不能报名")
    if EventSignup.objects.filter(event=event, customer=customer).exists():
        raise Conflict("该客户已报名此活动", {"customer_id": "该客户已报名此活动"})
    if EventSignup.objects.filter(event=event).count() >= event.capacity:
        raise Conflict("活动名额已满", {"customer_id": "活动名额已满"})
    try:
        with transaction.atomic():
            return EventSignup.objects.create(
                store_id=event.store_id, event=event, customer=customer, signed_up_at=timezone.now(), created_by=user
            )
    except IntegrityError:
        raise Conflict("该客户已报名此活动", {"customer_id": "该客户已报名此活动"}) from None


def _signup_for_write(user, signup_id: int) -> EventSignup:
    signup = get_scoped_or_404(EventSignup.objects.select_related("event", "customer"), user, pk=signup_id)
    store_for_write(user, signup.store_id)
    return signup


@transaction.atomic
def event_attend(*, user, signup_id: int) -> EventSignup:
    """Record attendance (once) and earn the event's attendance points (DOMAIN §10 "earn on events")."""
    signup = _signup_for_write(user, signup_id)
    require(user, Perm.LOYALTY_EVENT_SIGNUP)
    if signup.event.status != ClubEvent.Status.OPEN:
        raise Conflict("活动已取消")
    now = timezone.now()
    if signup.event.starts_at - now > dt.timedelta(hours=12):
        raise Conflict("活动尚未开始，不能签到")
    if not EventSignup.objects.filter(pk=signup.pk, attended_at__isnull=True).update(attended_at=now):
        raise Conflict("已签到")
    if signup.event.attendance_points > 0:
        points_earn(
            customer=signup.customer,
            kind=PointsEntry.Kind.EARN_EVENT,
            points=signup.event.attendance_points,
            reason=f"参加活动：{signup.event.title}",
            source_key=f"event:{signup.pk}",
        )
    signup.refresh_from_db()
    return signup


@transaction.atomic
def event_feedback(*, user, signup_id: int, score: int, text: str = "") -> EventSignup:
    signup = _signup_for_write(user, signup_id)
    require(user, Perm.LOYALTY_EVENT_SIGNUP)
    errors = {}
    if signup.attended_at is None:
        errors["score"] = "客户到场后才能记录反馈"
    elif not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        errors["score"] = "评分须为 1–5"
    if len(text or "") > 500:
        errors["text"] = "反馈不超过 500 字"
    if errors:
        raise InvalidInput(errors)
    signup.feedback_score = score
    signup.feedback_text = (text or "").strip()
    signup.save(update_fields=["feedback_score", "feedback_text"])
    return signup


# --- nightly ----------------------------------------------------------------------------------------


def loyalty_nightly(day: dt.date) -> dict:
    """The nightly job: expire due points (FIFO lots), then recalculate every store's tiers, set-based."""
    from accounts.models import Store

    expired = points_expire(day=day)
    now = timezone.now()
    changed = 0
    for store_id in Store.objects.values_list("pk", flat=True):
        with transaction.atomic():
            changed += tier_recalculate(store_id=store_id, now=now)
    return {"points_lots_expired": expired, "tiers_changed": changed}
