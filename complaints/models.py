"""The inbound contact queue (DOMAIN §1) and complaints (DOMAIN §9): response standards and deadlines
on the sla clocks, tiers with authority, compensation, the joint team, red alerts, and an immutable
timeline of every change."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from privacy.models import ImmutableRow
from sla.models import Clock, SlaTracked, sla_indexes


class ContactChannel(models.TextChoices):
    ONLINE = "online", "网站在线消息"
    APP = "app", "App 消息"
    WECHAT = "wechat", "微信"
    PHONE = "phone", "来电"
    WALK_IN = "walk_in", "到店"
    SOCIAL_MEDIA = "social_media", "社交媒体"


class ContactRequest(SlaTracked):
    """A customer's inbound request waiting for its first response, timed against the standard of its
    channel (DOMAIN §1). Whoever takes it first owns it until it is explicitly transferred."""

    customer_ref = "customer_id"  # core.scoping: cross-entity visibility follows the customer's consent
    SLA_CLOCKS = (
        Clock("respond", "首次响应", starts="received_at", due="respond_due_at", done="responded_at", breached="escalated_at"),
    )
    SLA_WARNING_POLICY = "contacts.warning_minutes"

    class Status(models.TextChoices):
        WAITING = "waiting", "待响应"
        RESPONDED = "responded", "已响应"
        CLOSED = "closed", "已关闭"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contact_requests",
        verbose_name="客户",
    )
    sender = models.CharField("来访人/昵称", max_length=60, blank=True, default="", help_text="未建档客户的称呼或昵称")
    channel = models.CharField("渠道", max_length=20, choices=ContactChannel.choices)
    summary = models.TextField("内容/主要需求", max_length=2000)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.WAITING)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="首问负责人"
    )
    received_at = models.DateTimeField("收到时间")
    respond_due_at = models.DateTimeField("响应时限")
    responded_at = models.DateTimeField("响应时间", null=True, blank=True)
    escalated_at = models.DateTimeField("超时升级时间", null=True, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    outcome = models.CharField("处理结果", max_length=200, blank=True, default="")
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="转为投诉"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "接待请求"
        indexes = [
            *sla_indexes("contact"),
            models.Index(fields=["store", "status", "received_at"], name="contact_queue"),
            models.Index(fields=["respond_due_at"], name="contact_respond_due"),  # KPI rollup by day
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.sender or self.customer_id or ''}".strip()

    @property
    def response_seconds(self) -> int | None:
        """DOMAIN §1: how long the customer waited (phone: the recorded answer time)."""
        return int((self.responded_at - self.received_at).total_seconds()) if self.responded_at else None


class ContactEvent(ImmutableRow):
    """Every step of a contact request — received, taken, transferred, answered, escalated, closed."""

    class Kind(models.TextChoices):
        RECEIVED = "received", "收到"
        TAKEN = "taken", "认领"
        TRANSFERRED = "transferred", "转交"
        RESPONDED = "responded", "首次响应"
        WARNED = "warned", "即将超时"
        ESCALATED = "escalated", "超时升级"
        CLOSED = "closed", "关闭"

    contact = models.ForeignKey(ContactRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事件", max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="操作人"
    )
    at = models.DateTimeField("时间", default=timezone.now)
    detail = models.CharField("说明", max_length=500, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "接待请求记录"
        indexes = [models.Index(fields=["contact", "at"], name="contact_event_timeline")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


class Tier(models.TextChoices):
    """DOMAIN §9: who handles a complaint, with what time and authority."""

    L1 = "L1", "L1 一线"
    L2 = "L2", "L2 部门经理"
    L3 = "L3", "L3 高层管理"

    @property
    def higher(self) -> "Tier | None":
        order = list(Tier)
        position = order.index(self)
        return order[position + 1] if position + 1 < len(order) else None


class Complaint(SlaTracked):
    """A complaint from any channel (DOMAIN §9): respond within 24 h, close within 48 h, each tier
    within its own time; closing needs the solution, the root cause and the customer's word."""

    customer_ref = "customer_id"  # core.scoping: cross-entity visibility follows the customer's consent
    SLA_CLOCKS = (
        Clock(
            "respond", "首次响应", starts="opened_at", due="respond_due_at", done="responded_at", breached="respond_breached_at"
        ),
        Clock("tier", "本级处理时限", starts="tier_since", due="tier_due_at", done="closed_at", breached="tier_breached_at"),
        Clock(
            "close",
            "结案",
            starts="opened_at",
            due="close_due_at",
            done="closed_at",
            breached="close_breached_at",
            escalates=False,
        ),
        Clock(
            "joint",
            "联合方案",
            starts="team_formed_at",
            due="joint_due_at",
            done="joint_solution_at",
            breached="joint_breached_at",
            escalates=False,
        ),
    )
    SLA_WARNING_POLICY = "complaints.warning_minutes"

    class Status(models.TextChoices):
        OPEN = "open", "待响应"
        RESPONDED = "responded", "处理中"
        WAITING_CUSTOMER = "waiting_customer", "等待客户"
        CLOSED = "closed", "已结案"

    class Source(models.TextChoices):
        STAFF = "staff", "员工登记"
        API = "api", "接口"
        SURVEY = "survey", "满意度调查低分"
        FOLLOW_UP = "follow_up", "回访发现问题"
        CONTACT = "contact", "接待请求转入"

    class Channel(models.TextChoices):
        PHONE = "phone", "电话"
        WALK_IN = "walk_in", "到店"
        WECHAT = "wechat", "微信"
        ONLINE = "online", "网站/App"
        SOCIAL_MEDIA = "social_media", "社交媒体"
        EMAIL = "email", "邮件"
        LETTER = "letter", "信函"

    class Category(models.TextChoices):
        SERVICE = "service", "服务质量"
        REPAIR = "repair", "维修质量"
        PRODUCT = "product", "产品质量"
        PRICE = "price", "价格收费"
        WAITING = "waiting", "等待时间"
        ATTITUDE = "attitude", "服务态度"
        SALES = "sales", "销售承诺"
        PARTS = "parts", "配件供应"
        OTHER = "other", "其他"

    class Cause(models.TextChoices):
        """Root causes, analysed monthly for recurrence (DOMAIN §9)."""

        OVER_PROMISING = "over_promising", "销售过度承诺"
        SLOW_RESPONSE = "slow_response", "服务响应慢"
        PRODUCT_DEFECT = "product_defect", "产品缺陷"
        WORKMANSHIP = "workmanship", "维修工艺"
        PARTS_SUPPLY = "parts_supply", "配件供应"
        COMMUNICATION = "communication", "沟通不到位"
        PRICING = "pricing", "收费争议"
        OTHER = "other", "其他"

    class Confirmation(models.TextChoices):
        NONE = "", "未确认"
        CONFIRMED = "confirmed", "客户已确认"
        REFUSED = "refused", "客户拒绝确认（已记录）"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="complaints", db_index=False)
    vehicle = models.ForeignKey(
        "vehicles.Vehicle", on_delete=models.SET_NULL, null=True, blank=True, related_name="complaints", verbose_name="车辆"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="涉及顾问"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="首问负责人"
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    source = models.CharField("来源", max_length=12, choices=Source.choices, default=Source.STAFF)
    source_key = models.CharField(max_length=120, blank=True, default="", help_text="e.g. survey:12 — one complaint per cause")
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    title = models.CharField("标题", max_length=100)
    description = models.TextField("投诉内容", max_length=4000)
    is_safety = models.BooleanField("涉及安全", default=False)
    is_media = models.BooleanField("媒体曝光风险", default=False)
    is_legal = models.BooleanField("法律纠纷风险", default=False)
    is_vip = models.BooleanField("VIP 客户", default=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.OPEN)
    tier = models.CharField("处理层级", max_length=2, choices=Tier.choices, default=Tier.L1)
    tier_since = models.DateTimeField("进入本级时间")
    tier_due_at = models.DateTimeField("本级处理时限")
    tier_breached_at = models.DateTimeField(null=True, blank=True, editable=False)
    opened_at = models.DateTimeField("投诉时间")
    respond_due_at = models.DateTimeField("响应时限")
    responded_at = models.DateTimeField("首次响应时间", null=True, blank=True)
    respond_breached_at = models.DateTimeField(null=True, blank=True, editable=False)
    close_due_at = models.DateTimeField("结案时限")
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    close_breached_at = models.DateTimeField(null=True, blank=True, editable=False)
    team_formed_at = models.DateTimeField("联合小组成立时间", null=True, blank=True)
    joint_due_at = models.DateTimeField("联合方案时限", null=True, blank=True)
    joint_solution_at = models.DateTimeField("联合方案时间", null=True, blank=True)
    joint_breached_at = models.DateTimeField(null=True, blank=True, editable=False)
    solution = models.TextField("解决方案", max_length=2000, blank=True, default="")
    root_cause = models.TextField("根本原因", max_length=2000, blank=True, default="")
    cause = models.CharField("原因分类", max_length=20, choices=Cause.choices, blank=True, default="")
    confirmation = models.CharField("客户确认", max_length=10, choices=Confirmation.choices, blank=True, default="")
    confirmation_note = models.CharField("确认说明", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "投诉"
        indexes = [
            *sla_indexes("complaint"),
            models.Index(fields=["store", "-opened_at"], name="complaint_store_recent"),
            models.Index(fields=["respond_due_at"], name="complaint_respond_due"),  # KPI rollup by day
            models.Index(fields=["close_due_at"], name="complaint_close_due"),
            models.Index(fields=["customer", "-opened_at"], name="complaint_customer"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source_key"], condition=~models.Q(source_key=""), name="uniq_complaint_source"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def goes_straight_to_l3(self) -> bool:
        """DOMAIN §9: safety, media, legal threat or a VIP customer go to senior management directly."""
        return self.is_safety or self.is_media or self.is_legal or self.is_vip

    def is_breached(self, now: dt.datetime) -> bool:
        """A deadline has passed on a clock that is still open."""
        return any(clock.is_open(self) and clock.due_at(self) <= now for clock in self.SLA_CLOCKS)


class ComplaintEvent(ImmutableRow):
    """The complaint's timeline, audit trail and KPI source (STYLE §6): one row per change."""

    class Kind(models.TextChoices):
        OPENED = "opened", "登记投诉"
        RESPONDED = "responded", "首次响应"
        NOTE = "note", "处理记录"
        UPDATED = "updated", "修改投诉"
        PAUSED = "paused", "暂停计时（等待客户）"
        RESUMED = "resumed", "恢复计时"
        WARNED = "warned", "即将超时"
        BREACHED = "breached", "超时"
        ESCALATED = "escalated", "升级"
        TRANSFERRED = "transferred", "转交"
        COMPENSATION = "compensation", "给予补偿"
        TEAM_FORMED = "team_formed", "成立联合小组"
        FINDING = "finding", "小组结论"
        JOINT_SOLUTION = "joint_solution", "联合方案"
        RED_ALERT = "red_alert", "红色预警"
        CUSTOMER_NOTIFIED = "customer_notified", "通知客户"
        CLOSED = "closed", "结案"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事件", max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="操作人"
    )
    at = models.DateTimeField("时间", default=timezone.now)
    tier = models.CharField("层级", max_length=2, choices=Tier.choices)
    detail = models.CharField("说明", max_length=500, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "投诉处理记录"
        indexes = [models.Index(fields=["complaint", "at"], name="complaint_event_timeline")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


class Compensation(ImmutableRow):
    """Goodwill or compensation granted to the customer, at the tier that had the authority for it."""

    class Kind(models.TextChoices):
        GOODWILL = "goodwill", "小额善意补偿（如洗车券）"
        FEE_REDUCTION = "fee_reduction", "费用减免"
        PRIORITY_SCHEDULING = "priority_scheduling", "优先安排维修"
        FULL_REFUND = "full_refund", "全额退款"
        MAJOR_COMPENSATION = "major_compensation", "重大补偿"
        POLICY_EXCEPTION = "policy_exception", "政策例外"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="compensations")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    description = models.CharField("说明", max_length=200, blank=True, default="")
    tier = models.CharField("审批层级", max_length=2, choices=Tier.choices)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="审批人")
    granted_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "投诉补偿"

    def __str__(self):
        return f"{self.get_kind_display()} ¥{self.amount}"


class TeamSide(models.TextChoices):
    """DOMAIN §9: the joint team; each side checks its own part of the story."""

    SALES = "sales", "销售"
    SERVICE = "service", "售后服务"
    QUALITY = "quality", "质量"


class JointTeamMember(models.Model):
    """One side of a complaint's joint team, with what that side found. One member of the team is the
    single window to the customer."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="team")
    side = models.CharField("部门", max_length=10, choices=TeamSide.choices)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="成员")
    is_single_window = models.BooleanField("对客户唯一窗口", default=False)
    finding_confirmed = models.BooleanField("问题属实", null=True, blank=True)
    finding = models.TextField("调查结论", max_length=1000, blank=True, default="")
    finding_at = models.DateTimeField("结论时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "联合小组成员"
        constraints = [
            models.UniqueConstraint(fields=["complaint", "side"], name="uniq_team_side"),
            models.UniqueConstraint(
                fields=["complaint"], condition=models.Q(is_single_window=True), name="uniq_team_single_window"
            ),
        ]

    def __str__(self):
        return f"{self.get_side_display()} · {self.member}"


class RedAlertKeyword(models.Model):
    """A word that raises a red alert wherever customers' words are recorded (DOMAIN §9). A flag makes
    a complaint containing it go straight to L3."""

    class Flag(models.TextChoices):
        NONE = "", "仅预警"
        SAFETY = "safety", "涉及安全"
        MEDIA = "media", "媒体曝光"
        LEGAL = "legal", "法律纠纷"

    store = models.ForeignKey(
        "accounts.Store", on_delete=models.CASCADE, null=True, blank=True, related_name="+", help_text="留空为集团通用"
    )
    word = models.CharField("关键词", max_length=30)
    flag = models.CharField("投诉直达 L3 的原因", max_length=10, choices=Flag.choices, blank=True, default="")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "红色预警关键词"
        constraints = [
            models.UniqueConstraint(fields=["store", "word"], name="uniq_keyword_per_store"),
            models.UniqueConstraint(fields=["word"], condition=models.Q(store__isnull=True), name="uniq_keyword_default"),
        ]

    def __str__(self):
        return self.word


class RedAlert(models.Model):
    """Keywords found in a customer's words: quality, sales and service are told at once, and every
    manager sees it until someone acknowledges it (DOMAIN §9)."""

    customer_ref = "customer_id"  # core.scoping: cross-entity visibility follows the customer's consent

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, null=True, blank=True, related_name="red_alerts", verbose_name="客户"
    )
    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, null=True, blank=True, related_name="red_alerts", verbose_name="投诉"
    )
    source = models.CharField(
        "来源", max_length=120, unique=True, help_text="e.g. complaint:12, interaction:7 — one alert per text"
    )
    keywords = models.JSONField("命中关键词", default=list)
    excerpt = models.CharField("原文摘录", max_length=500)
    raised_at = models.DateTimeField("预警时间", default=timezone.now)
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="确认人"
    )

    class Meta:
        verbose_name = verbose_name_plural = "红色预警"
        indexes = [
            models.Index(fields=["store", "-raised_at"], condition=models.Q(acknowledged_at__isnull=True), name="red_alert_open"),
        ]

    def __str__(self):
        return f"{self.raised_at:%Y-%m-%d %H:%M} {'、'.join(self.keywords)}"

    @property
    def source_label(self) -> str:
        kind = self.source.split(":", 1)[0]
        return {"complaint": "投诉", "interaction": "接触记录", "survey": "满意度调查", "contact": "接待请求"}.get(kind, kind)
