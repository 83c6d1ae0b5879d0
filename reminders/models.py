"""Reminders and outbound care (DOMAIN §4): rules, per-store steps, and one row per sent step."""

from django.conf import settings
from django.db import models

from messaging.models import MessageChannel, MessagePurpose
from reminders.rules import Schedule
from vehicles.models import Powertrain


class ReminderKind(models.TextChoices):
    SERVICE = "service", "保养提醒"
    INSURANCE = "insurance", "保险续保"
    INSPECTION = "inspection", "年检提醒"
    WARRANTY = "warranty", "质保到期"
    ANNIVERSARY = "anniversary", "购车三周年（置换）"
    BIRTHDAY = "birthday", "生日关怀"
    HOLIDAY = "holiday", "节日问候"
    SEASONAL = "seasonal", "季节检查"
    RECALL = "recall", "召回通知"
    ADVICE = "advice", "技师建议"
    EV_BATTERY = "ev_battery", "电池健康检测"
    OTA = "ota", "OTA 升级通知"


class ServiceRule(models.Model):
    """Service intervals per brand/model/powertrain; blank means "any". The most specific rule of
    the vehicle's store (or the group, when the store has none) applies."""

    store = models.ForeignKey(
        "accounts.Store", on_delete=models.CASCADE, null=True, blank=True, related_name="+", help_text="留空为集团通用规则"
    )
    brand = models.CharField("品牌", max_length=40, blank=True, default="")
    model = models.CharField("车型", max_length=60, blank=True, default="")
    powertrain = models.CharField("动力类型", max_length=10, choices=Powertrain.choices, blank=True, default="")
    first_km = models.PositiveIntegerField("首保里程", default=5_000)
    first_months = models.PositiveSmallIntegerField("首保月数", default=6)
    interval_km = models.PositiveIntegerField("保养间隔里程", default=10_000)
    interval_months = models.PositiveSmallIntegerField("保养间隔月数", default=12)
    battery_check_months = models.PositiveSmallIntegerField("电池检测间隔月数", null=True, blank=True, default=12)
    parts_lead_days = models.PositiveSmallIntegerField(
        "备件订货周期（天）", default=0, help_text="大于 0 时在订货截止前增加一次回访"
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "保养规则"

    def __str__(self):
        scope = (
            " ".join(filter(None, [self.brand, self.model, self.get_powertrain_display() if self.powertrain else ""])) or "默认"
        )
        return f"{scope}：首保 {self.first_km}km/{self.first_months}月，之后每 {self.interval_km}km/{self.interval_months}月"

    @property
    def specificity(self) -> tuple:
        return (self.store_id is not None, bool(self.model), bool(self.brand), bool(self.powertrain))

    def as_schedule(self) -> Schedule:
        return Schedule(
            self.first_km,
            self.first_months,
            self.interval_km,
            self.interval_months,
            self.battery_check_months,
            self.parts_lead_days,
        )


class ReminderStep(models.Model):
    """One configurable step of a reminder plan for one store (DOMAIN §4: T−13 message, T−11 call…).
    The step codes and what they select are defined in reminders/steps.py; stores tune them here."""

    class Action(models.TextChoices):
        MESSAGE = "message", "发送消息"
        CALL = "call", "电话任务"

    class Assignee(models.TextChoices):
        SERVICE_ADVISOR = "service_advisor", "售后专员/服务顾问"
        SALESPERSON = "salesperson", "销售顾问"
        CALL_CENTRE = "call_centre", "客服专员"

    store = models.ForeignKey("accounts.Store", on_delete=models.CASCADE, related_name="reminder_steps")
    code = models.CharField("步骤代码", max_length=40)
    kind = models.CharField("提醒类型", max_length=20, choices=ReminderKind.choices)
    label = models.CharField("名称", max_length=60)
    enabled = models.BooleanField("启用", default=True)
    offset_days = models.SmallIntegerField("相对到期日（天）", help_text="负数表示到期前，如 -13")
    action = models.CharField("动作", max_length=10, choices=Action.choices)
    channel = models.CharField("消息渠道", max_length=10, choices=MessageChannel.choices, blank=True, default="")
    purpose = models.CharField("消息用途", max_length=10, choices=MessagePurpose.choices, blank=True, default="")
    template_code = models.CharField("消息模板代码", max_length=50, blank=True, default="")
    assignee_role = models.CharField("任务负责人", max_length=20, choices=Assignee.choices, blank=True, default="")
    script = models.TextField("电话话术", blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "提醒步骤"
        constraints = [models.UniqueConstraint(fields=["store", "code"], name="uniq_step_per_store")]
        ordering = ["kind", "offset_days"]

    def __str__(self):
        return f"{self.store} · {self.label}（T{self.offset_days:+d}）"


class Reminder(models.Model):
    """One step for one vehicle (or customer) in one due cycle — created exactly once (DOMAIN §4)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待执行"
        DONE = "done", "已执行"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="reminders")
    # The unique (vehicle, kind, cycle, step) index serves lookups by vehicle: no second index.
    vehicle = models.ForeignKey(
        "vehicles.Vehicle", on_delete=models.CASCADE, null=True, blank=True, related_name="reminders", db_index=False
    )
    kind = models.CharField("类型", max_length=20, choices=ReminderKind.choices)
    cycle = models.CharField("周期", max_length=40)
    step = models.CharField("步骤", max_length=40)
    action = models.CharField("动作", max_length=10, choices=ReminderStep.Action.choices)
    due_on = models.DateField("到期日")
    scheduled_on = models.DateField("执行日")
    topic = models.CharField("主题", max_length=200, blank=True, default="", help_text="节日、召回、建议等的具体内容")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    customer_ref = "customer_id"  # core.scoping: cross-entity visibility follows the customer's consent

    class Meta:
        verbose_name = verbose_name_plural = "提醒"
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle", "kind", "cycle", "step"],
                condition=models.Q(vehicle__isnull=False),
                name="uniq_vehicle_reminder",
            ),
            models.UniqueConstraint(
                fields=["customer", "kind", "cycle", "step"],
                condition=models.Q(vehicle__isnull=True),
                name="uniq_customer_reminder",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "scheduled_on"], name="reminder_dispatch"),
            models.Index(fields=["store", "-scheduled_on"], name="reminder_store_list"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.cycle} {self.step}"


class ReminderPlanStop(models.Model):
    """A plan ended early: booked, not interested, wrong number, car sold (DOMAIN §4 outcomes)."""

    vehicle = models.ForeignKey("vehicles.Vehicle", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    cycle = models.CharField(max_length=40)
    reason = models.CharField("原因", max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "已终止的提醒计划"
        constraints = [models.UniqueConstraint(fields=["vehicle", "kind", "cycle"], name="uniq_plan_stop")]

    def __str__(self):
        return f"{self.vehicle_id} {self.kind} {self.cycle}: {self.reason}"


class Holiday(models.Model):
    """The official calendar (DOMAIN §4): days off and adjusted working days (调休), seeded from
    chinese-calendar and editable by managers for years the library does not know yet."""

    date = models.DateField("日期", unique=True)
    name = models.CharField("节日", max_length=40, blank=True, default="")
    is_day_off = models.BooleanField("放假", default=True)
    greet = models.BooleanField("发送节日问候", default=False, help_text="节日第一天发送问候（需营销授权）")

    class Meta:
        verbose_name = verbose_name_plural = "法定节假日"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name} {'休' if self.is_day_off else '班'}"


class Recall(models.Model):
    """A recall campaign by model and/or an imported VIN list (DOMAIN §4)."""

    code = models.CharField("召回编号", max_length=40, unique=True)
    title = models.CharField("标题", max_length=200)
    brand = models.CharField("品牌", max_length=40, blank=True, default="")
    model = models.CharField("车型", max_length=60, blank=True, default="", help_text="留空则仅按 VIN 清单")
    is_active = models.BooleanField("进行中", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "召回活动"

    def __str__(self):
        return f"{self.code} {self.title}"


class RecallVehicle(models.Model):
    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="vins")
    vin = models.CharField("车架号", max_length=17)

    class Meta:
        verbose_name = verbose_name_plural = "召回车辆清单"
        constraints = [models.UniqueConstraint(fields=["recall", "vin"], name="uniq_recall_vin")]
        indexes = [models.Index(fields=["vin"], name="recall_vin")]

    def __str__(self):
        return self.vin


class ServiceAdvice(models.Model):
    """Technician advice left at a visit ("brake pads at 3 mm, replace next time") → a call."""

    vehicle = models.ForeignKey("vehicles.Vehicle", on_delete=models.CASCADE, related_name="advice")
    text = models.CharField("建议内容", max_length=300)
    remind_on = models.DateField("提醒日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "技师建议"
        indexes = [models.Index(fields=["remind_on"], name="advice_remind_on")]

    def __str__(self):
        return self.text


class SeasonalCampaign(models.Model):
    """Seasonal checks (winter antifreeze/battery, summer A/C): one message on a set day each year."""

    store = models.ForeignKey("accounts.Store", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("名称", max_length=60)
    send_month = models.PositiveSmallIntegerField("发送月")
    send_day = models.PositiveSmallIntegerField("发送日")
    powertrain = models.CharField("动力类型", max_length=10, choices=Powertrain.choices, blank=True, default="")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "季节性检查活动"

    def __str__(self):
        return f"{self.name}（{self.send_month}月{self.send_day}日）"


class OtaRelease(models.Model):
    """A software release for a model: owners still on an older version get a notice (DOMAIN §13)."""

    brand = models.CharField("品牌", max_length=40)
    model = models.CharField("车型", max_length=60)
    version = models.CharField("版本", max_length=40)
    released_on = models.DateField("发布日期")
    notes = models.CharField("说明", max_length=300, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "OTA 版本"
        constraints = [models.UniqueConstraint(fields=["brand", "model", "version"], name="uniq_ota_release")]

    def __str__(self):
        return f"{self.brand} {self.model} {self.version}"
