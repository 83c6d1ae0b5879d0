"""Staff tasks ("我的任务"): calls and visits with a named assignee, due time, script and outcome."""

from django.conf import settings
from django.db import models


class Outcome(models.TextChoices):
    BOOKED = "booked", "已预约"
    CALL_BACK = "call_back", "稍后再联系"
    NOT_INTERESTED = "not_interested", "不感兴趣"
    WRONG_NUMBER = "wrong_number", "号码错误"
    CAR_SOLD = "car_sold", "车辆已售"
    NO_ANSWER = "no_answer", "无人接听"
    DONE = "done", "已完成"


class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        DONE = "done", "已完成"
        CANCELLED = "cancelled", "已取消"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="tasks")
    vehicle = models.ForeignKey("vehicles.Vehicle", on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks", verbose_name="负责人"
    )
    kind = models.CharField("类型", max_length=40)
    title = models.CharField("标题", max_length=200)
    script = models.TextField("话术", blank=True, default="")
    due_at = models.DateTimeField("截止时间")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField("结果", max_length=20, choices=Outcome.choices, blank=True, default="")
    notes = models.TextField("备注", blank=True, default="", max_length=2000)
    source_key = models.CharField(max_length=120, unique=True, help_text="e.g. reminder:123 — one task per cause, ever")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "任务"
        indexes = [
            # The lists' full order (due_at, id): a night's batch gives thousands of tasks one due
            # time, and without the id the first page sorted all of them (0.7 s at 80,000 tasks).
            models.Index(fields=["assignee", "status", "due_at", "id"], name="task_my_list"),
            models.Index(fields=["store", "status", "due_at", "id"], name="task_store_list"),
            models.Index(fields=["completed_at"], condition=models.Q(completed_at__isnull=False), name="task_completed_day"),
        ]

    customer_ref = "customer_id"  # core.scoping: cross-entity visibility follows the customer's consent

    def __str__(self):
        return self.title
