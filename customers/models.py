"""Customer archive (DOMAIN §2) and the interaction log (DOMAIN §1)."""

from django.conf import settings
from django.db import models

from customers.validators import mask_address, mask_id_number, mask_mobile


class Channel(models.TextChoices):
    WECHAT = "wechat", "微信"
    PHONE = "phone", "电话"
    SMS = "sms", "短信"
    EMAIL = "email", "邮件"


class MemberTier(models.TextChoices):
    NONE = "none", "普通"
    SILVER = "silver", "银卡"
    GOLD = "gold", "金卡"
    PLATINUM = "platinum", "白金卡"


class Source(models.TextChoices):
    WALK_IN = "walk_in", "到店"
    ONLINE = "online", "网络"
    REFERRAL = "referral", "老客户推荐"
    EVENT = "event", "活动"
    PHONE = "phone", "电话"
    OTHER = "other", "其他"


class Customer(models.Model):
    customer_ref = "pk"  # core.scoping: whose consent gates cross-entity visibility

    class Gender(models.TextChoices):
        UNKNOWN = "", "未知"
        MALE = "M", "男"
        FEMALE = "F", "女"

    class IdType(models.TextChoices):
        NONE = "", "无"
        RESIDENT_ID = "resident_id", "居民身份证"
        PASSPORT = "passport", "护照"
        OTHER = "other", "其他"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    name = models.CharField("姓名", max_length=60)
    name_pinyin = models.CharField(max_length=120, editable=False)
    name_initials = models.CharField(max_length=30, editable=False)
    mobile = models.CharField("手机号", max_length=20, help_text="主手机号，E.164")
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True, default="")
    birthday = models.DateField("生日", null=True, blank=True)
    birthday_is_lunar = models.BooleanField("农历生日", default=False)
    birthday_md = models.CharField(
        max_length=5, blank=True, default="", editable=False, help_text="MM-DD of the (lunar) birthday, for the daily batch"
    )
    id_type = models.CharField("证件类型", max_length=20, choices=IdType.choices, blank=True, default="")
    id_number = models.CharField("证件号码", max_length=40, blank=True, default="")
    address = models.CharField("地址", max_length=200, blank=True, default="")
    company = models.CharField("单位（车队/企业客户）", max_length=100, blank=True, default="")
    preferred_channel = models.CharField("偏好渠道", max_length=10, choices=Channel.choices, blank=True, default="")
    preferred_time = models.CharField("偏好联系时间", max_length=50, blank=True, default="")
    decision_maker = models.CharField("家庭决策人", max_length=60, blank=True, default="")
    source = models.CharField("来源", max_length=20, choices=Source.choices, blank=True, default="")
    referred_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals", verbose_name="推荐人"
    )
    member_tier = models.CharField("会员等级", max_length=10, choices=MemberTier.choices, default=MemberTier.NONE)
    member_tier_floor = models.CharField(
        "保底会员等级",
        max_length=10,
        choices=MemberTier.choices,
        default=MemberTier.NONE,
        db_default=MemberTier.NONE,  # bulk loads (seed, DMS import) leave it out
        help_text="员工手工设定的等级（如迁移来的老会员）：每晚按消费与到店次数重算时不低于它",
    )
    manual_tags = models.JSONField("手动标签", default=list, blank=True)
    derived_tags = models.JSONField("画像标签", default=list, blank=True, editable=False)
    guardian_name = models.CharField("监护人", max_length=60, blank=True, default="")
    guardian_consent_at = models.DateTimeField("监护人同意时间", null=True, blank=True)
    erased_at = models.DateTimeField("匿名化时间", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "客户"
        # Search keys first, store second: one index serves "key = ? AND store_id IN (…)" and the
        # group admin's "key = ?" (PERFORMANCE.md: never let the planner pick a store-only index).
        indexes = [
            models.Index(fields=["store", "-id"], name="customer_store_recent"),
            models.Index(fields=["name", "store"], name="customer_name"),
            models.Index(fields=["name_pinyin", "store"], name="customer_pinyin"),
            models.Index(fields=["name_initials", "store"], name="customer_initials"),
            models.Index(fields=["birthday_md", "birthday_is_lunar"], name="customer_birthday"),
        ]

    def __str__(self):
        return self.name

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_address(self) -> str:
        return mask_address(self.address)

    @property
    def tags(self) -> list[str]:
        return [*self.derived_tags, *self.manual_tags]


class CustomerMobile(models.Model):
    """Every number of a customer (the primary one too). Unique per store: no silent duplicates."""

    customer_ref = "customer_id"  # core.scoping: whose consent gates cross-entity visibility

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="mobiles")
    number = models.CharField("手机号", max_length=20)
    last4 = models.CharField(max_length=4, editable=False)
    is_primary = models.BooleanField(default=False)
    label = models.CharField("备注", max_length=30, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "客户手机号"
        constraints = [models.UniqueConstraint(fields=["number", "store"], name="uniq_mobile_per_store")]
        indexes = [models.Index(fields=["last4", "store"], name="mobile_last4")]

    def __str__(self):
        return self.masked

    @property
    def masked(self) -> str:
        return mask_mobile(self.number)


class ConsentPurpose(models.TextChoices):
    SERVICE_REMINDERS = "service_reminders", "服务提醒"
    MARKETING_SMS = "marketing_sms", "营销短信"
    WECHAT = "wechat", "微信"
    PHONE = "phone", "电话"
    DATA_PROCESSING = "data_processing", "个人信息处理"
    GROUP_SHARING = "group_sharing", "集团内其他法人主体门店共享"
    MARKETING_EMAIL = "marketing_email", "营销邮件"


class Consent(models.Model):
    """The current consent of one customer for one purpose, with when and where it was given."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField("用途", max_length=30, choices=ConsentPurpose.choices)
    granted = models.BooleanField("同意")
    recorded_at = models.DateTimeField("记录时间")
    source = models.CharField("来源", max_length=50)
    text_version = models.CharField("授权文本版本", max_length=20, default="")

    class Meta:
        verbose_name = verbose_name_plural = "授权同意"
        constraints = [models.UniqueConstraint(fields=["customer", "purpose"], name="uniq_consent_purpose")]

    def __str__(self):
        return f"{self.get_purpose_display()}: {'同意' if self.granted else '拒绝'}"


class ConsentEvent(models.Model):
    """Every grant and withdrawal, kept: the current Consent row is the latest of these."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consent_events")
    purpose = models.CharField("用途", max_length=30, choices=ConsentPurpose.choices)
    granted = models.BooleanField("同意")
    recorded_at = models.DateTimeField("记录时间")
    source = models.CharField("来源", max_length=50)
    text_version = models.CharField("授权文本版本", max_length=20, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "授权变更记录"
        indexes = [models.Index(fields=["customer", "-recorded_at"], name="consent_history")]

    def __str__(self):
        return f"{self.recorded_at:%Y-%m-%d} {self.get_purpose_display()} {'同意' if self.granted else '撤回'}"


class Interaction(models.Model):
    """DOMAIN §1: every contact with a customer, shown as the customer's timeline."""

    customer_ref = "customer_id"  # core.scoping: whose consent gates cross-entity visibility

    class Channel(models.TextChoices):
        PHONE_IN = "phone_in", "来电"
        PHONE_OUT = "phone_out", "去电"
        ONLINE = "online", "在线消息"
        WECHAT = "wechat", "微信"
        SMS = "sms", "短信"
        EMAIL = "email", "邮件"
        WALK_IN = "walk_in", "到店"
        APP = "app", "App"

    class Direction(models.TextChoices):
        INBOUND = "in", "客户发起"
        OUTBOUND = "out", "我方发起"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="interactions", db_index=False)
    vehicle = models.ForeignKey("vehicles.Vehicle", on_delete=models.SET_NULL, null=True, blank=True, related_name="interactions")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    direction = models.CharField("方向", max_length=3, choices=Direction.choices)
    occurred_at = models.DateTimeField("时间")
    summary = models.TextField("内容摘要", max_length=2000)
    outcome = models.CharField("结果", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "客户接触记录"
        indexes = [
            models.Index(fields=["customer", "-occurred_at"], name="interaction_timeline"),
            models.Index(fields=["store", "-occurred_at"], name="interaction_store_recent"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_channel_display()}"
