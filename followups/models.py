"""Follow-up calls after a visit (DOMAIN §7): one row per call task, with its outcome and, when the
customer raised an issue, how it was resolved — the columns the follow-up KPIs read."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class FollowUp(models.Model):
    class Kind(models.TextChoices):
        SERVICE = "service", "售后回访"
        DELIVERY = "delivery", "交车回访"

    class Outcome(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        ISSUE_RAISED = "issue_raised", "提出问题"
        UNREACHABLE = "unreachable", "联系不上"
        REFUSED = "refused", "拒绝回访"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="follow_ups")
    vehicle = models.ForeignKey("vehicles.Vehicle", on_delete=models.CASCADE, related_name="follow_ups")
    task = models.OneToOneField("tasks.Task", on_delete=models.CASCADE, related_name="follow_up")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    visited_on = models.DateField("到店日期")
    offset_days = models.PositiveIntegerField("回访间隔（天）")
    due_on = models.DateField("应回访日期")
    window_ends_on = models.DateField("回访窗口截止")
    attempts = models.PositiveIntegerField("联系次数", default=0)
    outcome = models.CharField("结果", max_length=20, choices=Outcome.choices, blank=True, default="")
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    issue_description = models.TextField("问题描述", blank=True, default="", max_length=2000)
    resolution = models.TextField("处理结果", blank=True, default="", max_length=2000)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "回访"
        indexes = [
            models.Index(fields=["store", "due_on"], name="follow_up_store_due"),
            models.Index(fields=["window_ends_on"], name="follow_up_window_end"),  # KPI rollup by day
            models.Index(fields=["recorded_at"], condition=models.Q(outcome="issue_raised"), name="follow_up_issue_day"),
        ]

    customer_ref = "customer_id"  # core.scoping: cross-entity visibility follows the customer's consent

    def __str__(self):
        return f"{self.get_kind_display()} {self.vehicle_id} {self.due_on}"

    def is_on_time(self) -> bool:
        """Recorded (any final outcome) no later than the end of its window."""
        return self.recorded_at is not None and timezone.localdate(self.recorded_at) <= self.window_ends_on


class Survey(models.Model):
    """A satisfaction survey of a store (DOMAIN §7: 3–5 questions on a 1–10 scale)."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    name = models.CharField("名称", max_length=100)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "满意度调查"
        indexes = [models.Index(fields=["store", "-id"], name="survey_store_recent")]

    def __str__(self):
        return self.name


class Question(models.Model):
    SCALE_MIN, SCALE_MAX = 1, 10

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.CharField("问题", max_length=200)
    allows_comment = models.BooleanField("可填写意见", default=False)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="uniq_question_position")]

    def __str__(self):
        return self.text


class SurveyInvitation(models.Model):
    """One link sent to one customer; its signed token carries the id, the signature its age."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="survey_invitations")
    vehicle = models.ForeignKey("vehicles.Vehicle", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["store", "created_at"], name="survey_invite_store")]

    customer_ref = "customer_id"

    def __str__(self):
        return f"{self.survey_id} → {self.customer_id}"


class SurveyResponse(models.Model):
    """The answers of one link, at most once (the 1:1 with the invitation is the guarantee)."""

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="response")
    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="survey_responses")
    lowest_score = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField(auto_now_add=True)

    customer_ref = "customer_id"

    class Meta:
        indexes = [models.Index(fields=["submitted_at"], name="survey_response_day")]  # KPI rollup by day

    def __str__(self):
        return f"{self.survey_id}: {self.lowest_score}"


class Answer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, default="", max_length=1000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="uniq_answer_per_question"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=10), name="answer_score_1_10"),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.score}"


class MissedService(models.Model):
    """A service cycle whose due date passed by more than the grace period without a visit
    (DOMAIN §8). Written nightly; a late visit later does not remove it — it was still missed."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    vehicle = models.ForeignKey("vehicles.Vehicle", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    cycle = models.PositiveIntegerField(help_text="vehicle.service_cycle when the service was missed")
    due_on = models.DateField()
    detected_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vehicle", "cycle"], name="uniq_missed_service")]
        indexes = [models.Index(fields=["store", "detected_on"], name="missed_service_night")]

    customer_ref = "customer_id"

    def __str__(self):
        return f"{self.vehicle_id} #{self.cycle} {self.due_on}"


class WinBack(models.Model):
    """A vehicle on the win-back list (DOMAIN §8), once per cycle and reason; it was won back when
    the vehicle's service cycle has moved past `cycle` (a visit happened)."""

    class Reason(models.TextChoices):
        LOST = "lost", "流失客户"
        CHURN_RISK = "churn_risk", "流失风险"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    vehicle = models.ForeignKey("vehicles.Vehicle", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    cycle = models.PositiveIntegerField()
    flagged_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vehicle", "cycle", "reason"], name="uniq_win_back")]
        indexes = [models.Index(fields=["store", "flagged_on"], name="win_back_store_day")]

    customer_ref = "customer_id"

    def __str__(self):
        return f"{self.vehicle_id} {self.reason} #{self.cycle}"
