from django.db import models

from core.policies import policy_choices


class JobRun(models.Model):
    """One run of a daily job for one day; the unique key stops two schedulers running it twice."""

    job = models.CharField(max_length=60)
    day = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务记录"
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="uniq_job_day")]

    def __str__(self):
        return f"{self.job} {self.day}"


class StoreSetting(models.Model):
    """A manager's override of one configurable number of the brief for one store."""

    store = models.ForeignKey("accounts.Store", on_delete=models.CASCADE, related_name="settings")
    key = models.CharField("参数", max_length=80, choices=policy_choices)
    value = models.JSONField("取值")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "门店参数"
        verbose_name_plural = "门店参数"
        constraints = [models.UniqueConstraint(fields=["store", "key"], name="uniq_store_setting")]

    def __str__(self):
        return f"{self.store} · {self.key} = {self.value}"
