"""Appointments (DOMAIN §5, EV service types §13): bays, technicians, service types, bookings,
the slot claims that make double booking impossible in the database, parts pre-orders and walk-ins."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

# Bookings claim fixed 15-minute granules of a bay and of a technician; the unique constraints on
# the claims are what make a double booking impossible on SQLite and PostgreSQL alike.
GRANULE = dt.timedelta(minutes=15)


class BayKind(models.TextChoices):
    GENERAL = "general", "通用工位"
    LIFT = "lift", "举升机工位"
    EV_HIGH_VOLTAGE = "ev_high_voltage", "新能源高压工位"
    PAINT = "paint", "喷漆房"
    BODY = "body", "钣金工位"
    WASH = "wash", "洗车美容工位"
    INSPECTION = "inspection", "检测工位"


class Skill(models.TextChoices):
    MAINTENANCE = "maintenance", "保养"
    MECHANICAL = "mechanical", "机修"
    ELECTRICAL = "electrical", "电器诊断"
    BODYWORK = "bodywork", "钣金"
    PAINT = "paint", "喷漆"
    EV_HIGH_VOLTAGE = "ev_high_voltage", "新能源高压作业"
    CHARGER_INSTALLATION = "charger_installation", "充电桩安装"
    INSPECTION = "inspection", "检测"


class ServiceType(models.Model):
    """What a customer books: its labour time, the skill a technician needs and the bay it needs."""

    store = models.ForeignKey("accounts.Store", on_delete=models.CASCADE, related_name="+")
    code = models.CharField("代码", max_length=40)
    name = models.CharField("名称", max_length=60)
    labour_minutes = models.PositiveSmallIntegerField("预计工时（分钟）", validators=[MinValueValidator(1)])
    labour_amount = models.DecimalField("预计工时费（元）", max_digits=10, decimal_places=2, default=Decimal("0"))
    required_skill = models.CharField("所需技能", max_length=30, choices=Skill.choices)
    bay_kind = models.CharField("所需工位类型", max_length=20, choices=BayKind.choices)
    customer_notice = models.CharField(
        "到店须知", max_length=200, blank=True, default="", help_text="预约确认短信中提醒客户携带或知悉的事项"
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务类型"
        ordering = ["store", "code"]
        constraints = [models.UniqueConstraint(fields=["store", "code"], name="uniq_service_type_code")]

    def __str__(self):
        return self.name


class ServiceBay(models.Model):
    """A workshop bay (工位) of one kind."""

    store = models.ForeignKey("accounts.Store", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("名称", max_length=40)
    kind = models.CharField("类型", max_length=20, choices=BayKind.choices, default=BayKind.GENERAL)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "工位"
        ordering = ["store", "name"]
        constraints = [models.UniqueConstraint(fields=["store", "name"], name="uniq_bay_name")]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"


def _default_weekdays() -> list[int]:
    return [0, 1, 2, 3, 4, 5, 6]


# Callables, not fixed times: Django's check W161 flags a fixed time default whenever `check --deploy`
# happens to run within 10 seconds of that time of day (CI failed once at 17:30).
def _default_works_from() -> dt.time:
    return dt.time(8, 30)


def _default_works_until() -> dt.time:
    return dt.time(17, 30)


class TechnicianProfile(models.Model):
    """A technician's store, skills and working hours (DOMAIN §5 capacity)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="technician_profile")
    store = models.ForeignKey("accounts.Store", on_delete=models.CASCADE, related_name="+")
    skills = models.JSONField("技能", default=list, blank=True, help_text='技能代码列表，如 ["maintenance", "ev_high_voltage"]')
    works_from = models.TimeField("上班时间", default=_default_works_from)
    works_until = models.TimeField("下班时间", default=_default_works_until)
    weekdays = models.JSONField("工作日（0=周一）", default=_default_weekdays, blank=True)
    is_active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "技师档案"
        indexes = [models.Index(fields=["store", "is_active"], name="technician_store")]

    def __str__(self):
        return str(self.user)

    def has_skill(self, skill: str) -> bool:
        return skill in (self.skills or [])

    def works_on(self, day: dt.date) -> bool:
        return day.weekday() in (self.weekdays or [])


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "已预约"
    CONFIRMED = "confirmed", "已确认"
    ARRIVED = "arrived", "已到店"
    IN_SERVICE = "in_service", "维修中"
    COMPLETED = "completed", "已完成"
    NO_SHOW = "no_show", "爽约"
    CANCELLED = "cancelled", "已取消"


# Statuses that hold their bay and technician (their claims exist).
HOLDING_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.IN_SERVICE,
)


class BookingChannel(models.TextChoices):
    STAFF = "staff", "门店前台"
    PHONE = "phone", "电话预约"
    SELF_SERVICE = "self_service", "客户自助（H5）"
    REMINDER_LINK = "reminder_link", "提醒短信链接"


class Appointment(models.Model):
    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="appointments")
    vehicle = models.ForeignKey(
        "vehicles.Vehicle", on_delete=models.CASCADE, null=True, blank=True, related_name="appointments", verbose_name="车辆"
    )
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="appointments", verbose_name="服务类型")
    bay = models.ForeignKey(ServiceBay, on_delete=models.PROTECT, related_name="appointments", verbose_name="工位")
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="technician_appointments", verbose_name="技师"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advised_appointments",
        verbose_name="服务顾问",
    )
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间", help_text="不含，[开始, 结束)")
    status = models.CharField("状态", max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED)
    channel = models.CharField("预约渠道", max_length=16, choices=BookingChannel.choices, default=BookingChannel.STAFF)
    estimated_labour_minutes = models.PositiveIntegerField("预计工时（分钟）", default=0)
    estimated_labour_amount = models.DecimalField("预计工时费（元）", max_digits=10, decimal_places=2, default=Decimal("0"))
    estimated_parts_amount = models.DecimalField("预计配件费（元）", max_digits=10, decimal_places=2, default=Decimal("0"))
    notes = models.TextField("备注", blank=True, default="", max_length=2000)
    reschedule_count = models.PositiveSmallIntegerField("改约次数", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    reminded_at = models.DateTimeField("提前一天提醒时间", null=True, blank=True)
    arrived_at = models.DateTimeField("到店时间", null=True, blank=True)
    in_service_at = models.DateTimeField("开始维修时间", null=True, blank=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    no_show_at = models.DateTimeField("爽约标记时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True, default="")

    customer_ref = "customer_id"  # core.scoping: cross-entity visibility follows the customer's consent

    class Meta:
        verbose_name = verbose_name_plural = "预约"
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="appointment_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["store", "starts_at"], name="appointment_store_day"),
            models.Index(fields=["customer", "starts_at"], name="appointment_customer"),
            models.Index(fields=["status", "starts_at"], name="appointment_status_time"),
        ]

    def __str__(self):
        return f"{self.service_type} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def holds_resources(self) -> bool:
        return self.status in HOLDING_STATUSES


class SlotClaim(models.Model):
    """One granule of one bay or one technician held by an appointment. The partial unique
    constraints forbid two active bookings on the same bay or technician at the same time."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="claims")
    bay = models.ForeignKey(ServiceBay, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    slot_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "资源占用"
        constraints = [
            models.UniqueConstraint(fields=["bay", "slot_at"], condition=models.Q(bay__isnull=False), name="uniq_bay_granule"),
            models.UniqueConstraint(
                fields=["technician", "slot_at"], condition=models.Q(technician__isnull=False), name="uniq_technician_granule"
            ),
            models.CheckConstraint(
                condition=models.Q(bay__isnull=True, technician__isnull=False)
                | models.Q(bay__isnull=False, technician__isnull=True),
                name="claim_one_resource",
            ),
        ]

    def __str__(self):
        return f"{self.bay_id or self.technician_id} @ {self.slot_at:%Y-%m-%d %H:%M}"


class PartStatus(models.TextChoices):
    IN_STOCK = "in_stock", "有库存"
    ORDERED = "ordered", "已预订"
    ARRIVED = "arrived", "已到货"
    CANCELLED = "cancelled", "已取消"


class AppointmentPart(models.Model):
    """A part the booked job needs (DOMAIN §5 preparation); one not in stock is a pre-order whose
    lead time feeds the "second call before the parts order deadline" (DOMAIN §4)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="parts")
    part_number = models.CharField("配件编号", max_length=40, blank=True, default="")
    name = models.CharField("配件名称", max_length=80)
    quantity = models.PositiveSmallIntegerField("数量", default=1, validators=[MinValueValidator(1)])
    unit_price = models.DecimalField("单价（元）", max_digits=10, decimal_places=2, default=Decimal("0"))
    status = models.CharField("状态", max_length=10, choices=PartStatus.choices, default=PartStatus.IN_STOCK)
    lead_days = models.PositiveSmallIntegerField("订货周期（天）", default=0)
    order_by = models.DateField("最晚订货日", null=True, blank=True)
    expected_on = models.DateField("预计到货日", null=True, blank=True)
    ordered_at = models.DateTimeField("预订时间", null=True, blank=True)
    arrived_at = models.DateTimeField("到货时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预约配件"
        indexes = [models.Index(fields=["status", "expected_on"], name="appointment_part_status")]

    def __str__(self):
        return f"{self.name} × {self.quantity}"

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


class WalkIn(models.Model):
    """A customer without a booking waiting for service; appointments go first (DOMAIN §5)."""

    class Status(models.TextChoices):
        WAITING = "waiting", "等待中"
        SERVED = "served", "已接待"
        LEFT = "left", "已离开"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField("称呼", max_length=60)
    plate = models.CharField("车牌", max_length=16, blank=True, default="")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+", verbose_name="服务类型")
    arrived_at = models.DateTimeField("到店时间")
    estimated_start_at = models.DateTimeField("预计开始时间")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.WAITING)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    served_at = models.DateTimeField("接待时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "未预约到店"
        indexes = [models.Index(fields=["store", "status", "arrived_at"], name="walk_in_queue")]

    def __str__(self):
        return f"{self.name} {self.arrived_at:%H:%M}"


class IdempotentRequest(models.Model):
    """The stored response of a POST with an Idempotency-Key: the same key and body replay it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="uniq_idempotency_key")]

    def __str__(self):
        return self.key


class BookingCode(models.Model):
    """A 6-digit code texted to a mobile for the self-booking page: expiring, attempts capped."""

    store = models.ForeignKey("accounts.Store", on_delete=models.CASCADE, related_name="+")
    mobile = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["store", "mobile", "created_at"], name="booking_code_lookup")]

    def __str__(self):
        return f"{self.mobile[:5]}… {self.created_at:%Y-%m-%d %H:%M}"
