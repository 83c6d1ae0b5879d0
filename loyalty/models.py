"""Loyalty (DOMAIN §2 member tiers, §10 points, referrals, owner-club events).

The points ledger is append-only: a balance is the sum of a customer's entries. Every positive entry
opens a lot (PointsLot) whose `remaining` is what FIFO redemption and expiry consume, so at every
moment sum(entries) == sum(lots.remaining) >= 0.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class SpendKind(models.TextChoices):
    SERVICE = "service", "维修保养"
    PURCHASE = "purchase", "购车"


class SpendRecord(models.Model):
    """One spend of a customer: a delivered repair order or a delivered new car. Input of the tier
    rules (purchase amount, service frequency) and of the points earned on spend."""

    customer_ref = "customer_id"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField("类型", max_length=10, choices=SpendKind.choices)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    occurred_at = models.DateTimeField("发生时间")
    source_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "会员消费记录"
        indexes = [
            models.Index(fields=["customer", "occurred_at"], name="spend_customer"),
            # The daily KPI reads a store's day of spend; the nightly tier pass groups a store's spend by
            # customer from a covering index, without touching the table (PERFORMANCE.md).
            models.Index(fields=["store", "occurred_at", "kind"], name="spend_store_day"),
            models.Index(fields=["store", "customer", "occurred_at", "kind", "amount"], name="spend_tier_cover"),
        ]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="spend_amount_not_negative")]

    def __str__(self):
        return f"{self.get_kind_display()} ¥{self.amount}"


class PointsEntry(models.Model):
    """One append-only line of the points ledger (never updated, never deleted)."""

    customer_ref = "customer_id"

    class Kind(models.TextChoices):
        EARN_SPEND = "earn_spend", "消费积分"
        EARN_REFERRAL = "earn_referral", "推荐奖励"
        EARN_EVENT = "earn_event", "活动积分"
        MANUAL = "manual", "手工调整"
        REDEEM = "redeem", "兑换服务"
        EXPIRE = "expire", "积分过期"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField("类型", max_length=15, choices=Kind.choices)
    points = models.IntegerField("积分")
    reason = models.CharField("事由", max_length=200)
    # Exactly-once for entries caused by something else (a spend, a referral, an attendance, an expiry).
    source_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    # For redemptions: which lots were consumed, oldest first, as [[lot_id, points], ...].
    consumed = models.JSONField(default=list, blank=True)
    lot = models.ForeignKey("PointsLot", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "积分流水"
        indexes = [models.Index(fields=["customer", "-id"], name="points_entry_customer")]
        constraints = [models.CheckConstraint(condition=~Q(points=0), name="points_entry_not_zero")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.points:+d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("积分流水只能追加，不能修改")
        super().save(*args, **kwargs)


class PointsLot(models.Model):
    """The points of one earning entry that are still unspent; consumed oldest first (FIFO)."""

    customer_ref = "customer_id"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+", db_index=False)
    earned_at = models.DateTimeField()
    expires_on = models.DateField("到期日")
    points = models.PositiveIntegerField()
    remaining = models.PositiveIntegerField()
    expired_points = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "积分批次"
        indexes = [
            models.Index(fields=["customer", "expires_on", "id"], name="points_lot_fifo", condition=Q(remaining__gt=0)),
            models.Index(fields=["expires_on"], name="points_lot_expiry", condition=Q(remaining__gt=0)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining__gte=0) & Q(remaining__lte=F("points")), name="points_lot_remaining_range"
            )
        ]

    def __str__(self):
        return f"{self.remaining}/{self.points}"


class Referral(models.Model):
    """DOMAIN §10: an existing customer refers a prospect; when the prospect buys, both are rewarded once."""

    customer_ref = "referrer_id"

    class Status(models.TextChoices):
        OPEN = "open", "跟进中"
        REWARDED = "rewarded", "已成交并奖励"
        CANCELLED = "cancelled", "已取消"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    referrer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+", verbose_name="推荐人")
    prospect_name = models.CharField("被推荐人姓名", max_length=60)
    prospect_mobile = models.CharField("被推荐人手机号", max_length=20)
    prospect = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="被推荐客户"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.CharField("备注", max_length=200, blank=True, default="")
    purchase_source_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    rewarded_at = models.DateTimeField("奖励时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "老客户推荐"
        indexes = [
            models.Index(fields=["store", "-created_at"], name="referral_store_recent"),
            models.Index(fields=["prospect_mobile", "store"], name="referral_prospect_mobile"),
        ]
        constraints = [
            # One prospect is referred once per store: a second referrer cannot claim the same buyer.
            models.UniqueConstraint(
                fields=["store", "prospect_mobile"], condition=~Q(status="cancelled"), name="uniq_referral_prospect"
            )
        ]

    def __str__(self):
        return f"{self.referrer_id} → {self.prospect_name}"


class ReferralReward(models.Model):
    """What one side of a rewarded referral received; unique per side, so a referral rewards once."""

    customer_ref = "customer_id"

    class Side(models.TextChoices):
        REFERRER = "referrer", "推荐人"
        REFEREE = "referee", "被推荐人"

    class Kind(models.TextChoices):
        POINTS = "points", "积分"
        VOUCHER = "voucher", "代金券"
        FUEL_CARD = "fuel_card", "加油卡"
        SERVICE_COUPON = "service_coupon", "保养券"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="rewards", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    side = models.CharField("对象", max_length=10, choices=Side.choices)
    kind = models.CharField("奖励形式", max_length=15, choices=Kind.choices)
    points = models.PositiveIntegerField("积分", default=0)
    amount = models.DecimalField("面值（元）", max_digits=10, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "推荐奖励"
        constraints = [models.UniqueConstraint(fields=["referral", "side"], name="uniq_referral_reward_side")]

    def __str__(self):
        return f"{self.get_side_display()} {self.get_kind_display()}"


class ClubEvent(models.Model):
    """DOMAIN §10: an owner-club event (quarterly themes) with a capacity."""

    class Theme(models.TextChoices):
        SPRING_ROAD_TRIP = "spring_road_trip", "春季自驾游"
        SUMMER_CARE_CLASS = "summer_care_class", "夏季养护课堂"
        AUTUMN_PHOTO = "autumn_photo", "秋季摄影大赛"
        WINTER_CHARITY = "winter_charity", "冬季公益行"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        OPEN = "open", "报名中"
        CANCELLED = "cancelled", "已取消"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    title = models.CharField("活动名称", max_length=100)
    theme = models.CharField("主题", max_length=20, choices=Theme.choices)
    starts_at = models.DateTimeField("活动时间")
    location = models.CharField("地点", max_length=200, blank=True, default="")
    capacity = models.PositiveIntegerField("名额")
    attendance_points = models.PositiveIntegerField("到场积分", default=0)
    description = models.TextField("说明", max_length=2000, blank=True, default="")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "车主俱乐部活动"
        indexes = [
            models.Index(fields=["store", "-starts_at"], name="club_event_store"),
            models.Index(fields=["starts_at"], name="club_event_day"),
        ]

    def __str__(self):
        return self.title


class EventInvitation(models.Model):
    customer_ref = "customer_id"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    event = models.ForeignKey(ClubEvent, on_delete=models.CASCADE, related_name="invitations", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey("messaging.OutboxMessage", on_delete=models.SET_NULL, null=True, related_name="+")
    invited_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "活动邀请"
        constraints = [models.UniqueConstraint(fields=["event", "customer"], name="uniq_event_invitation")]

    def __str__(self):
        return f"{self.event_id}:{self.customer_id}"


class EventSignup(models.Model):
    """A sign-up; attendance and feedback are recorded on it."""

    customer_ref = "customer_id"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    event = models.ForeignKey(ClubEvent, on_delete=models.CASCADE, related_name="signups", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    signed_up_at = models.DateTimeField("报名时间")
    attended_at = models.DateTimeField("签到时间", null=True, blank=True)
    feedback_score = models.PositiveSmallIntegerField("评分（1–5）", null=True, blank=True)
    feedback_text = models.CharField("反馈", max_length=500, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "活动报名"
        constraints = [models.UniqueConstraint(fields=["event", "customer"], name="uniq_event_signup")]

    def __str__(self):
        return f"{self.event_id}:{self.customer_id}"
