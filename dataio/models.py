"""Bulk import batches (issue 11): one uploaded file, its column mapping, dry-run report and commit.

A batch is all-or-nothing: its rows are written in one transaction, so a killed worker leaves
nothing behind and the batch simply runs again (the lease below tells a dead run from a live one).
"""

from django.conf import settings
from django.db import models


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", "客户与车辆"
    HISTORY = "history", "保养记录与里程"


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", "待设置列对应"
        CHECK_QUEUED = "check_queued", "等待校验"
        CHECKING = "checking", "校验中"
        CHECKED = "checked", "校验完成"
        COMMIT_QUEUED = "commit_queued", "等待导入"
        COMMITTING = "committing", "导入中"
        DONE = "done", "导入完成"
        FAILED = "failed", "导入失败"

    RUNNING = (Status.CHECKING, Status.COMMITTING)
    QUEUED = (Status.CHECK_QUEUED, Status.COMMIT_QUEUED)

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField("导入类型", max_length=20, choices=ImportKind.choices)
    file_name = models.CharField("文件名", max_length=200)
    file_format = models.CharField("格式", max_length=10)
    encoding = models.CharField("编码", max_length=20, blank=True, default="")
    columns = models.JSONField("文件列名", default=list)
    mapping = models.JSONField("列对应", default=dict, help_text="{目标字段: 文件列名}")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    progress_done = models.PositiveIntegerField("已处理行数", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    warning_count = models.PositiveIntegerField("提示数", default=0)
    report = models.JSONField("报告", default=dict, help_text="计数与错误明细（行、列、说明）")
    detail = models.CharField("说明", max_length=300, blank=True, default="")
    attempts = models.PositiveSmallIntegerField("运行次数", default=0)
    lease_until = models.DateTimeField("租约到期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "数据导入批次"
        indexes = [
            models.Index(fields=["store", "-id"], name="importbatch_store_recent"),
            models.Index(fields=["status", "lease_until"], name="importbatch_status"),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING or self.status in self.QUEUED

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.progress_done / self.total_rows) if self.total_rows else 0

    @property
    def can_commit(self) -> bool:
        return self.status == self.Status.CHECKED and self.error_count == 0


class ImportFile(models.Model):
    """The uploaded bytes, kept in the database so any worker host can read them, and the dry run's
    parse of them for the commit."""

    batch = models.OneToOneField(ImportBatch, on_delete=models.CASCADE, related_name="upload", primary_key=True)
    content = models.BinaryField()
    parsed = models.BinaryField(null=True, blank=True, help_text="校验结果（dataio.parsed），导入时免去重新清洗")

    class Meta:
        verbose_name = verbose_name_plural = "导入文件"

    def __str__(self):
        return f"导入文件 #{self.batch_id}"
