"""Repair orders (维修工单, DOMAIN §6): seven steps with owners and time standards, the customer's
approval of the estimate (and re-approval after every change), three-level quality control,
delivery with the itemised bill and advice for the next visit, and an immutable event per change."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from privacy.models import ImmutableRow


class System(models.TextChoices):
    """The vehicle system a complaint is about; the same system again soon is a repeat repair."""

    MAINTENANCE = "maintenance", "常规保养"
    ENGINE = "engine", "发动机"
    TRANSMISSION = "transmission", "变速箱"
    BRAKES = "brakes", "制动系统"
    SUSPENSION = "suspension", "悬挂/转向"
    ELECTRICAL = "electrical", "电气/电子"
    AIR_CONDITIONING = "air_conditioning", "空调"
    BODY = "body", "车身/钣喷"
    HIGH_VOLTAGE = "high_voltage", "三电（电池/电机/电控）"
    CHARGING = "charging", "充电系统"
    OTHER = "other", "其他"


class ApprovalMethod(models.TextChoices):
    SIGNATURE = "signature", "到店签字"
    PHONE = "phone", "电话确认"
    WECHAT = "wechat", "微信确认"
    SMS = "sms", "短信回复确认"


class RepairOrder(models.Model):
    """One visit of a vehicle to the workshop, from reception to follow-up (DOMAIN §6)."""

    customer_ref = "customer_id"  # core.scoping: cross-entity visibility follows the customer's consent

    class State(models.TextChoices):
        DRAFT = "draft", "待确认"
        CONFIRMED = "confirmed", "已确认"
        IN_PROGRESS = "in_progress", "维修中"
        QC = "qc", "质检中"
        READY = "ready", "待交车"
        DELIVERED = "delivered", "已交车"
        CLOSED = "closed", "已关闭"
        CANCELLED = "cancelled", "已取消"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="repair_orders", verbose_name="客户"
    )
    vehicle = models.ForeignKey("vehicles.Vehicle", on_delete=models.PROTECT, related_name="repair_orders", verbose_name="车辆")
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="服务顾问", db_index=False
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="技师"
    )
    appointment = models.ForeignKey(
        "appointments.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repair_orders",
        verbose_name="预约",
    )
    service_type = models.ForeignKey(
        "appointments.ServiceType", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="服务类型"
    )
    bay = models.ForeignKey(
        "appointments.ServiceBay", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="工位"
    )
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.DRAFT)
    # Step 1 — reception (advisor, within 5 min of arrival)
    arrived_at = models.DateTimeField("到店时间")
    received_at = models.DateTimeField("接待时间")
    reception_due_at = models.DateTimeField("接待时限")
    odometer_km = models.PositiveIntegerField("进店里程")
    # Step 2 — problem recording (advisor, 10–15 min)
    complaint = models.TextField("客户描述的问题", max_length=2000, blank=True, default="")
    system = models.CharField("故障系统", max_length=20, choices=System.choices, blank=True, default="")
    walk_around = models.TextField("环车检查记录", max_length=2000, blank=True, default="")
    recorded_at = models.DateTimeField("问题记录完成", null=True, blank=True)
    recording_due_at = models.DateTimeField("问题记录时限")
    # Step 3 — plan and estimate (advisor + technician, within 30 min), approval by the customer
    diagnosis = models.TextField("诊断结论", max_length=2000, blank=True, default="")
    promised_at = models.DateTimeField("承诺完工时间", null=True, blank=True)
    planned_at = models.DateTimeField("方案完成", null=True, blank=True)
    plan_due_at = models.DateTimeField("方案时限", null=True, blank=True)
    estimate_total = models.DecimalField("估价合计", max_digits=12, decimal_places=2, default=Decimal("0.00"))
    estimate_version = models.PositiveIntegerField("估价版本", default=0)
    approved_version = models.PositiveIntegerField("已确认版本", default=0)
    approved_at = models.DateTimeField("客户确认时间", null=True, blank=True)
    # Step 4–5 — execution and quality control
    work_started_at = models.DateTimeField("开工时间", null=True, blank=True)
    qc_started_at = models.DateTimeField("送检时间", null=True, blank=True)
    qc_round = models.PositiveIntegerField("质检轮次", default=1)
    ready_at = models.DateTimeField("完工时间", null=True, blank=True)
    # Step 6 — delivery
    delivered_at = models.DateTimeField("交车时间", null=True, blank=True)
    old_parts_shown = models.BooleanField("已向客户展示旧件", default=False)
    next_visit_advice = models.CharField("下次保养/维修建议", max_length=300, blank=True, default="")
    # Step 7 — follow-up planned, order closed
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True, default="")
    # DOMAIN §6: back for the same problem within 30 days
    is_repeat_repair = models.BooleanField("返修", default=False)
    repeat_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="原工单"
    )
    # Progress to the customer (DOMAIN §6: at least every 2 hours) and the apology (DOMAIN §1)
    last_progress_at = models.DateTimeField("上次进度通知", null=True, blank=True)
    apology_for_promise = models.DateTimeField("已为该承诺时间致歉", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    IN_SHOP = (State.DRAFT, State.CONFIRMED, State.IN_PROGRESS, State.QC, State.READY)
    EDITABLE = (State.DRAFT, State.CONFIRMED, State.IN_PROGRESS)

    class Meta:
        verbose_name = verbose_name_plural = "维修工单"
        indexes = [
            models.Index(fields=["store", "state", "-arrived_at"], name="ro_store_state"),
            models.Index(fields=["store", "-arrived_at"], name="ro_store_recent"),
            models.Index(fields=["advisor", "state"], name="ro_advisor_state"),
            models.Index(fields=["technician", "state"], name="ro_technician_state"),
            models.Index(fields=["vehicle", "-arrived_at"], name="ro_vehicle_history"),
            models.Index(fields=["customer", "-arrived_at"], name="ro_customer_history"),
            models.Index(fields=["store", "delivered_at"], name="ro_store_delivered"),
            # the daily KPI sources read one local day across every store
            models.Index(fields=["delivered_at"], name="ro_delivered_day"),
            models.Index(fields=["arrived_at"], name="ro_arrived_day"),
            models.Index(fields=["state", "last_progress_at"], name="ro_progress_due"),
            models.Index(fields=["state", "promised_at"], name="ro_promise_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(estimate_total__gte=0), name="ro_total_not_negative"),
            models.UniqueConstraint(
                fields=["appointment"],
                condition=models.Q(appointment__isnull=False) & ~models.Q(state="cancelled"),
                name="uniq_ro_per_appointment",
            ),
        ]

    def __str__(self):
        return f"工单 #{self.pk}"

    @property
    def needs_approval(self) -> bool:
        """The current estimate (items, prices, promised time) has not been approved by the customer."""
        return self.approved_version != self.estimate_version or self.approved_at is None

    @property
    def awaiting_reapproval(self) -> bool:
        return self.approved_at is not None and self.approved_version != self.estimate_version

    def is_late(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.promised_at is not None and self.state in self.IN_SHOP[:4] and now > self.promised_at

    def minutes(self, start: str, end: str) -> int | None:
        begin, finish = getattr(self, start), getattr(self, end)
        return None if begin is None or finish is None else int((finish - begin).total_seconds() // 60)


class RepairOrderItem(models.Model):
    """One line of the estimate and the bill: labour (hours × rate) or parts (quantity × price)."""

    class Kind(models.TextChoices):
        LABOUR = "labour", "工时"
        PARTS = "parts", "配件"

    order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    description = models.CharField("项目", max_length=120)
    quantity = models.DecimalField("数量/工时", max_digits=8, decimal_places=2)
    unit_price = models.DecimalField("单价", max_digits=10, decimal_places=2)
    added_in_version = models.PositiveIntegerField("加入时估价版本", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "工单项目"
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="ro_item_quantity_positive"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="ro_item_price_not_negative"),
        ]

    def __str__(self):
        return self.description

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))


class RepairOrderApproval(ImmutableRow):
    """The customer's confirmation of one version of the estimate (DOMAIN §6 step 3, re-approval in 4)."""

    order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="approvals")
    version = models.PositiveIntegerField("估价版本")
    total = models.DecimalField("确认金额", max_digits=12, decimal_places=2)
    promised_at = models.DateTimeField("确认的完工时间")
    method = models.CharField("确认方式", max_length=10, choices=ApprovalMethod.choices)
    note = models.CharField("说明", max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "客户确认记录"
        constraints = [models.UniqueConstraint(fields=["order", "version"], name="uniq_ro_approval_version")]

    def __str__(self):
        return f"{self.order_id} v{self.version}"


class QualityCheck(ImmutableRow):
    """One level of the three-level QC of one round (DOMAIN §6 step 5): who, when, result."""

    class Level(models.IntegerChoices):
        TECHNICIAN = 1, "技师自检"
        TEAM_LEADER = 2, "班组长复检"
        ADVISOR = 3, "服务顾问终检"

    order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="quality_checks")
    round = models.PositiveIntegerField("轮次")
    level = models.PositiveSmallIntegerField("级别", choices=Level.choices)
    passed = models.BooleanField("通过")
    notes = models.CharField("说明", max_length=500, blank=True, default="")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="检验人")
    checked_at = models.DateTimeField("检验时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "质检记录"
        ordering = ["round", "level"]
        constraints = [models.UniqueConstraint(fields=["order", "round", "level"], name="uniq_qc_level_per_round")]

    def __str__(self):
        return f"{self.order_id} R{self.round} {self.get_level_display()}"


class RepairOrderEvent(ImmutableRow):
    """Every change of a repair order — the audit trail and the customer's timeline (DOMAIN §6)."""

    class Kind(models.TextChoices):
        OPENED = "opened", "接车开单"
        RECORDED = "recorded", "问题记录"
        PLANNED = "planned", "方案与估价"
        ITEMS_CHANGED = "items_changed", "项目/价格/时间变更"
        APPROVED = "approved", "客户确认"
        TRANSITION = "transition", "状态变更"
        QC = "qc", "质检"
        DELIVERED = "delivered", "交车"
        PROGRESS_SENT = "progress_sent", "进度通知"
        APOLOGY = "apology", "超时致歉任务"

    order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事件", max_length=16, choices=Kind.choices)
    from_state = models.CharField(max_length=12, blank=True, default="")
    to_state = models.CharField(max_length=12, blank=True, default="")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)
    detail = models.CharField("说明", max_length=500, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "工单记录"
        indexes = [models.Index(fields=["order", "at"], name="ro_event_timeline")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    @property
    def from_label(self) -> str:
        return RepairOrder.State(self.from_state).label if self.from_state else ""

    @property
    def to_label(self) -> str:
        return RepairOrder.State(self.to_state).label if self.to_state else ""
