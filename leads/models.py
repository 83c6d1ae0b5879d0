"""Service → sales leads (DOMAIN §11): recorded by after-sales, graded A/B, pushed to a salesperson
within 1 h, followed up within 24 h, closed won or lost; the after-sales bonus per converted lead."""

from django.conf import settings
from django.db import models

from sla.models import Clock, SlaTracked, sla_indexes


class Lead(SlaTracked):
    class Kind(models.TextChoices):
        ADDITIONAL_PURCHASE = "additional_purchase", "增购"
        TRADE_IN = "trade_in", "置换"
        REFERRAL = "referral", "转介绍"

    class Grade(models.TextChoices):
        A = "A", "A 级（明确需求）"
        B = "B", "B 级（潜在需求）"

    class Source(models.TextChoices):
        REPAIR_ORDER = "repair_order", "维修工单"
        CALL = "call", "电话"
        CUSTOMER_PAGE = "customer_page", "客户 360"
        ANNIVERSARY = "anniversary", "购车三周年"
        COMPLAINT = "complaint", "投诉（油耗/空间）"

    class Status(models.TextChoices):
        NEW = "new", "待分配"
        PUSHED = "pushed", "待跟进"
        FOLLOWING = "following", "跟进中"
        WON = "won", "已成交"
        LOST = "lost", "已战败"

    CLOSED = (Status.WON, Status.LOST)

    SLA_CLOCKS = (
        Clock("push", "推送销售", starts="recorded_at", due="push_due_at", done="pushed_at", breached="push_breached_at"),
        Clock(
            "follow_up",
            "销售跟进",
            starts="pushed_at",
            due="follow_up_due_at",
            done="followed_up_at",
            breached="follow_up_breached_at",
        ),
    )
    SLA_WARNING_POLICY = "leads.warning_minutes"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="sales_leads")
    vehicle = models.ForeignKey("vehicles.Vehicle", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField("线索类型", max_length=20, choices=Kind.choices)
    grade = models.CharField("等级", max_length=1, choices=Grade.choices)
    source = models.CharField("来源", max_length=20, choices=Source.choices)
    source_ref = models.CharField("来源单号", max_length=60, blank=True, default="")
    source_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    description = models.CharField("需求描述", max_length=1000)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.NEW)

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="售后记录人"
    )
    recorded_at = models.DateTimeField("记录时间")
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="销售顾问"
    )
    push_due_at = models.DateTimeField("应推送时间")
    pushed_at = models.DateTimeField("推送时间", null=True, blank=True)
    push_breached_at = models.DateTimeField(null=True, blank=True, editable=False)
    follow_up_due_at = models.DateTimeField("应跟进时间", null=True, blank=True)
    followed_up_at = models.DateTimeField("首次跟进时间", null=True, blank=True)
    follow_up_breached_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="升级至"
    )
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    close_note = models.CharField("结果说明", max_length=500, blank=True, default="")
    sale_amount = models.DecimalField("成交金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)

    customer_ref = "customer_id"

    class Meta:
        verbose_name = verbose_name_plural = "售后线索"
        indexes = [
            *sla_indexes("lead"),
            # the work lists: the salesperson's, the recorder's and the store's, newest first
            models.Index(fields=["salesperson", "recorded_at"], name="lead_salesperson_list"),
            models.Index(fields=["recorded_by", "recorded_at"], name="lead_recorder_list"),
            models.Index(fields=["store", "recorded_at"], name="lead_store_list"),
            models.Index(fields=["recorded_at"], condition=models.Q(status="new"), name="lead_waiting_push"),
            models.Index(fields=["closed_at"], name="lead_closed"),
            models.Index(fields=["follow_up_due_at"], name="lead_follow_up_due"),
            models.Index(fields=["customer", "kind", "status"], name="lead_customer_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}线索 {self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    @property
    def days_to_sale(self):
        if self.status != self.Status.WON or self.closed_at is None:
            return None
        return round((self.closed_at - self.recorded_at).total_seconds() / 86400, 1)


class LeadFollowUp(models.Model):
    """One contact of the salesperson with the customer about the lead (the first stops the 24 h clock)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="follow_ups")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField()
    note = models.CharField("跟进记录", max_length=1000)

    class Meta:
        verbose_name = verbose_name_plural = "线索跟进记录"
        ordering = ["at", "pk"]

    def __str__(self):
        return self.note[:50]
