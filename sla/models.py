"""Service clocks (DOMAIN §1 response standards, §9 complaint deadlines): store opening hours and the
columns every item with deadlines carries, so "what is about to breach" is one indexed query."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models


class StoreHours(models.Model):
    """A store's opening hours on one weekday; working-time deadlines run only inside them (on the
    official working days). A weekday without a row uses the store's default hours (门店参数)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "星期一"
        TUESDAY = 1, "星期二"
        WEDNESDAY = 2, "星期三"
        THURSDAY = 3, "星期四"
        FRIDAY = 4, "星期五"
        SATURDAY = 5, "星期六"
        SUNDAY = 6, "星期日"

    store = models.ForeignKey("accounts.Store", on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField("星期", choices=Weekday.choices)
    opens_at = models.TimeField("开始营业")
    closes_at = models.TimeField("结束营业", help_text="与开始时间相同表示当天不营业")

    class Meta:
        verbose_name = verbose_name_plural = "门店营业时间"
        ordering = ["store", "weekday"]
        constraints = [models.UniqueConstraint(fields=["store", "weekday"], name="uniq_store_weekday_hours")]

    def __str__(self):
        return f"{self.store} {self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at < self.opens_at:
            raise ValidationError({"closes_at": "结束营业时间不能早于开始营业时间"})


class SlaState(models.TextChoices):
    """Where an item's clocks stand. `warning` is set by the escalation job once it has warned."""

    RUNNING = "running", "计时中"
    WARNING = "warning", "即将超时"
    OVERDUE = "overdue", "已超时"
    PAUSED = "paused", "暂停（等待客户）"
    STOPPED = "stopped", "已完成"


@dataclass(frozen=True)
class Clock:
    """One deadline of an item, named by the item's columns: it starts at `starts`, is due at
    `due`, stops when `done` is stamped, and `breached` is stamped once when the job handles its
    breach. `escalates`: a breach moves the item up a tier (else it notifies)."""

    name: str
    label: str
    starts: str
    due: str
    done: str
    breached: str
    escalates: bool = True

    def due_at(self, item) -> dt.datetime | None:
        return getattr(item, self.due)

    def is_open(self, item) -> bool:
        """Set and not yet stopped (a breached clock stays open until it is met)."""
        return self.due_at(item) is not None and getattr(item, self.done) is None

    def is_running(self, item) -> bool:
        """Open and its breach not handled yet: it still counts for the earliest deadline."""
        return self.is_open(item) and getattr(item, self.breached) is None


class SlaTracked(models.Model):
    """Columns for an item with clocks (DOMAIN §1, §9). Subclasses list their `SLA_CLOCKS` and the
    policy key of their warning time, and add `sla_indexes(...)` to their Meta.indexes.

    `earliest_deadline_at` is the earliest due time among the running clocks (empty when none runs
    or the item is paused), so the job and the queues find what is about to breach by one range
    scan on an index, among millions of open and closed items."""

    SLA_CLOCKS: tuple[Clock, ...] = ()
    SLA_WARNING_POLICY = ""

    earliest_deadline_at = models.DateTimeField("最近截止时间", null=True, blank=True, editable=False)
    sla_warn_at = models.DateTimeField("预警时间", null=True, blank=True, editable=False)
    sla_state = models.CharField("时限状态", max_length=10, choices=SlaState.choices, default=SlaState.RUNNING)
    sla_paused_at = models.DateTimeField("暂停于", null=True, blank=True, editable=False)
    sla_paused_seconds = models.PositiveIntegerField("累计暂停（秒）", default=0, editable=False)

    SLA_FIELDS = ["earliest_deadline_at", "sla_warn_at", "sla_state", "sla_paused_at", "sla_paused_seconds"]

    class Meta:
        abstract = True


def sla_indexes(prefix: str) -> list[models.Index]:
    """The two indexes of the clock columns: deadlines in order (closed and paused items are left
    out of the partial index), and warnings not yet given."""
    return [
        models.Index(
            fields=["earliest_deadline_at"],
            condition=models.Q(earliest_deadline_at__isnull=False),
            name=f"{prefix}_deadline",
        ),
        models.Index(fields=["sla_state", "sla_warn_at"], name=f"{prefix}_warning"),
    ]
