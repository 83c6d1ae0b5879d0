"""Sales → after-sales handover (DOMAIN §3): the 《客户服务交接表》 with its 24 h clock from delivery,
the "1+1" confirmation, promises made at sale, field-by-field corrections, joint delivery and the
first-use feedback."""

from django.conf import settings
from django.db import models

from customers.models import Channel
from sla.models import Clock, SlaTracked, sla_indexes

# The form fields the salesperson hands over; each one counts once for information accuracy (§3).
CHECKED_FIELDS = {
    "key_options": "关键选装",
    "purchase_reasons": "购车原因",
    "worries": "顾虑（如用车成本）",
    "usage": "用车场景",
    "preferred_channel": "偏好联系渠道",
    "preferred_time": "偏好联系时间",
    "event_interest": "是否有兴趣参加活动",
}

# The joint delivery checklist (§3 joint delivery, §15 "three explanations").
JOINT_CHECKLIST = {
    "specialist_present": "售后专员到场",
    "group_created": "已建立客户-销售-售后服务群",
    "features_explained": "讲解车辆功能",
    "rights_explained": "讲解售后权益",
    "membership_explained": "讲解会员规则",
    "first_service_booked": "告知首保时间与预约方式",
}


class Handover(SlaTracked):
    """One handover per delivered vehicle. Clocks: the salesperson submits within 24 h of delivery,
    then the after-sales specialist confirms; both confirmations are stamped (1+1)."""

    class Status(models.TextChoices):
        OPEN = "open", "待销售提交"
        SUBMITTED = "submitted", "待售后确认"
        CONFIRMED = "confirmed", "已确认"

    SLA_CLOCKS = (
        Clock(
            "submit", "交接表提交", starts="delivered_at", due="submit_due_at", done="submitted_at", breached="submit_breached_at"
        ),
        Clock(
            "confirm",
            "售后确认",
            starts="submitted_at",
            due="confirm_due_at",
            done="confirmed_at",
            breached="confirm_breached_at",
        ),
    )
    SLA_WARNING_POLICY = "handover.warning_minutes"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="handovers")
    vehicle = models.OneToOneField("vehicles.Vehicle", on_delete=models.CASCADE, related_name="handover")
    salesperson = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="销售顾问")
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="售后专员"
    )
    source_key = models.CharField(max_length=120, unique=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)

    key_options = models.CharField("关键选装", max_length=500, blank=True, default="")
    purchase_reasons = models.CharField("购车原因", max_length=500, blank=True, default="")
    worries = models.CharField("顾虑（如用车成本）", max_length=500, blank=True, default="")
    usage = models.CharField("用车场景", max_length=200, blank=True, default="")
    preferred_channel = models.CharField("偏好联系渠道", max_length=10, choices=Channel.choices, blank=True, default="")
    preferred_time = models.CharField("偏好联系时间", max_length=50, blank=True, default="")
    event_interest = models.BooleanField("有兴趣参加活动", default=False)

    delivered_at = models.DateTimeField("交车时间")
    submit_due_at = models.DateTimeField("应提交时间")
    submitted_at = models.DateTimeField("销售提交时间", null=True, blank=True)
    submit_breached_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirm_due_at = models.DateTimeField("应确认时间", null=True, blank=True)
    confirmed_at = models.DateTimeField("售后确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    confirm_breached_at = models.DateTimeField(null=True, blank=True, editable=False)

    fields_checked = models.PositiveIntegerField("交接字段数", default=0)
    fields_corrected = models.PositiveIntegerField("被更正字段数", default=0)

    joint_checklist = models.JSONField("联合交车清单", default=dict, blank=True)
    joint_recorded_at = models.DateTimeField("联合交车记录时间", null=True, blank=True)
    first_use_due_at = models.DateTimeField("首次使用反馈截止")
    first_use_feedback = models.TextField("首次使用反馈", blank=True, default="", max_length=2000)
    first_use_recorded_at = models.DateTimeField(null=True, blank=True)
    first_use_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    customer_ref = "customer_id"

    class Meta:
        verbose_name = verbose_name_plural = "客户服务交接表"
        indexes = [
            *sla_indexes("handover"),
            models.Index(fields=["store", "status", "submit_due_at"], name="handover_store_list"),
            models.Index(fields=["delivered_at"], name="handover_delivered"),
            models.Index(fields=["confirmed_at"], name="handover_confirmed"),
        ]

    def __str__(self):
        return f"交接表 {self.vehicle_id}"

    @property
    def accuracy_percent(self):
        if not self.fields_checked:
            return None
        return round(100 * (self.fields_checked - self.fields_corrected) / self.fields_checked, 1)

    def is_late(self, now) -> bool:
        return (self.submitted_at or now) > self.submit_due_at


class Promise(models.Model):
    """Something promised at sale (gift, free service, warranty term). Service sees them on the 360
    page and on every repair order of the vehicle (§3)."""

    class Kind(models.TextChoices):
        GIFT = "gift", "赠品"
        FREE_SERVICE = "free_service", "免费服务"
        WARRANTY = "warranty", "质保条款"
        OTHER = "other", "其他"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="promises")
    vehicle = models.ForeignKey("vehicles.Vehicle", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    description = models.CharField("内容", max_length=300)
    value = models.DecimalField("价值（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "销售承诺"
        ordering = ["pk"]

    def __str__(self):
        return self.description


class Correction(models.Model):
    """One field corrected by after-sales after the handover (§3 information accuracy)."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField("字段", max_length=40)
    old_value = models.CharField("原值", max_length=500, blank=True, default="")
    new_value = models.CharField("更正后", max_length=500, blank=True, default="")
    reason = models.CharField("原因", max_length=200, blank=True, default="")
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    corrected_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "交接信息更正"
        ordering = ["corrected_at", "pk"]

    def __str__(self):
        return f"{self.field}: {self.old_value} → {self.new_value}"
