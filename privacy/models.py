"""Personal-information protection (DOMAIN §14, PIPL): the access log and data-subject requests."""

from django.conf import settings
from django.db import models


class ImmutableRow(models.Model):
    """A row that is written once and never changed or deleted through the application."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(f"{self._meta.verbose_name} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.verbose_name} cannot be deleted")


class AccessLog(ImmutableRow):
    """Who saw or exported whose personal data, when, why and from where."""

    class Action(models.TextChoices):
        REVEAL = "reveal", "查看完整信息"
        EXPORT = "export", "导出"
        ERASE = "erase", "匿名化"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="操作人"
    )
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="access_logs", verbose_name="客户")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    field = models.CharField("字段", max_length=30, blank=True, default="")
    reason = models.CharField("原因", max_length=200)
    ip_address = models.GenericIPAddressField("来源 IP", null=True, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "个人信息访问日志"
        indexes = [
            models.Index(fields=["customer", "-at"], name="accesslog_customer"),
            models.Index(fields=["store", "-at"], name="accesslog_store"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()} {self.field}"


class DataSubjectRequest(models.Model):
    """A customer's request to export, correct or erase their data; due within 15 days (PIPL Art. 50)."""

    customer_ref = "customer_id"  # core.scoping: whose consent gates cross-entity visibility

    class Kind(models.TextChoices):
        EXPORT = "export", "导出个人信息"
        CORRECTION = "correction", "更正个人信息"
        ERASURE = "erasure", "删除（匿名化）"

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        COMPLETED = "completed", "已完成"
        REJECTED = "rejected", "已驳回"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="data_requests", verbose_name="客户"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    details = models.TextField("说明", blank=True, default="", max_length=2000)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    requested_at = models.DateTimeField("登记时间", auto_now_add=True)
    due_on = models.DateField("办理期限")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审批人"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "个人信息权利请求"
        indexes = [models.Index(fields=["store", "status", "due_on"], name="dsr_queue")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.customer_id} · {self.get_status_display()}"
