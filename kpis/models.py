"""Daily rollups of every measure, and the improvement loop they drive (DOMAIN §12)."""

from django.conf import settings
from django.db import models


class KpiDaily(models.Model):
    """One measure of one store on one local day: the sum of its source rows. Dashboards read only
    these rows, so any period costs the same whatever the number of underlying events."""

    kpi = models.CharField(max_length=40)
    store = models.ForeignKey("accounts.Store", on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    numerator = models.DecimalField(max_digits=18, decimal_places=4)
    denominator = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "day", "kpi"], name="uniq_kpi_daily")]

    def __str__(self):
        return f"{self.kpi} {self.store_id} {self.day}: {self.numerator}/{self.denominator}"


class KpiStaffDaily(models.Model):
    """The same figure per staff member (advisor, salesperson, agent) where the source knows one."""

    kpi = models.CharField(max_length=40)
    store = models.ForeignKey("accounts.Store", on_delete=models.CASCADE, related_name="+", db_index=False)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    numerator = models.DecimalField(max_digits=18, decimal_places=4)
    denominator = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "day", "kpi", "staff"], name="uniq_kpi_staff_daily")]

    def __str__(self):
        return f"{self.kpi} {self.staff_id} {self.day}: {self.numerator}/{self.denominator}"


class ImprovementAction(models.Model):
    """A measure below target two weeks running (DOMAIN §12): an owner, a cross-department meeting
    within 24 h, a plan within 48 h, verification the next month, and the outcome."""

    class Status(models.TextChoices):
        OPEN = "open", "待开会"
        MEETING_HELD = "meeting_held", "已开会，待方案"
        PLANNED = "planned", "方案执行中，待验证"
        CLOSED = "closed", "已验证关闭"

    class Result(models.TextChoices):
        IMPROVED = "improved", "已改善"
        NOT_IMPROVED = "not_improved", "未改善"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    kpi = models.CharField("指标", max_length=40)
    weeks = models.CharField("连续低于目标的周", max_length=60)
    value = models.DecimalField("最近一周数值", max_digits=12, decimal_places=1)
    target = models.DecimalField("目标", max_digits=12, decimal_places=1)
    status = models.CharField("状态", max_length=15, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="负责人"
    )
    opened_at = models.DateTimeField("亮红灯时间")
    meeting_due_at = models.DateTimeField("会议时限")
    meeting_held_at = models.DateTimeField("会议时间", null=True, blank=True)
    meeting_notes = models.TextField("会议纪要（参会部门、原因分析）", blank=True, default="", max_length=4000)
    plan_due_at = models.DateTimeField("方案时限")
    plan = models.TextField("改进方案", blank=True, default="", max_length=4000)
    planned_at = models.DateTimeField("方案提交时间", null=True, blank=True)
    verify_month = models.DateField("验证月份（次月）")
    result = models.CharField("验证结果", max_length=15, choices=Result.choices, blank=True, default="")
    outcome = models.TextField("结论", blank=True, default="", max_length=4000)
    verified_at = models.DateTimeField("验证时间", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "改进行动"
        constraints = [
            # at most one open action per store and measure: the weekly check can rerun safely
            models.UniqueConstraint(
                fields=["store", "kpi"], condition=~models.Q(status="closed"), name="uniq_open_improvement_action"
            ),
        ]
        indexes = [models.Index(fields=["store", "-opened_at"], name="improvement_store_recent")]

    def __str__(self):
        return f"{self.kpi} {self.weeks}"


class BestPractice(models.Model):
    """A monthly "best practice" case a store records and shares with the group (DOMAIN §12)."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    month = models.DateField("月份")
    kpi = models.CharField("相关指标", max_length=40, blank=True, default="")
    title = models.CharField("标题", max_length=100)
    body = models.TextField("做法与效果", max_length=4000)
    shared = models.BooleanField("分享给集团各店", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "最佳实践"
        indexes = [models.Index(fields=["store", "-month"], name="best_practice_store_month")]

    def __str__(self):
        return self.title
