"""The transactional outbox (DOMAIN §4): messages are rows written in the same transaction as the
change that causes them; a sender drains them through pluggable channel backends."""

from django.core.exceptions import ValidationError
from django.db import models


class MessageChannel(models.TextChoices):
    SMS = "sms", "短信"
    WECHAT = "wechat", "微信"
    EMAIL = "email", "邮件"


class MessagePurpose(models.TextChoices):
    """Service notices go unless the customer opted out; marketing only with a recorded yes."""

    SERVICE = "service", "服务通知"
    MARKETING = "marketing", "营销"


class MessageTemplate(models.Model):
    """A manager-editable text with variables such as {name} {plate} {due_date} {store_phone}."""

    store = models.ForeignKey(
        "accounts.Store", on_delete=models.CASCADE, null=True, blank=True, related_name="+", help_text="留空为集团通用模板"
    )
    code = models.CharField("模板代码", max_length=50)
    channel = models.CharField("渠道", max_length=10, choices=MessageChannel.choices)
    purpose = models.CharField("用途", max_length=10, choices=MessagePurpose.choices)
    name = models.CharField("名称", max_length=100)
    subject = models.CharField("邮件标题", max_length=200, blank=True, default="")
    body = models.TextField("正文", max_length=1000)
    provider_template_id = models.CharField(
        "服务商模板 ID", max_length=100, blank=True, default="", help_text="微信模板消息的 template_id；短信网关需要时填写"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "消息模板"
        constraints = [
            models.UniqueConstraint(fields=["store", "code", "channel"], name="uniq_template_per_store"),
            models.UniqueConstraint(
                fields=["code", "channel"], condition=models.Q(store__isnull=True), name="uniq_template_default"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_channel_display()}）"

    def clean(self):
        """Only documented variables; signature and opt-out line are the renderer's job (DOMAIN §4)."""
        from messaging.rendering import template_text_errors  # rendering reads this module's choices

        errors = {
            field: messages
            for field, messages in {
                "body": template_text_errors(self.body, channel=self.channel),
                "subject": template_text_errors(self.subject, channel=self.channel),
            }.items()
            if messages
        }
        if errors:
            raise ValidationError(errors)


class OutboxMessage(models.Model):
    customer_ref = "customer_id"  # core.scoping: cross-entity visibility follows the customer's consent

    class Status(models.TextChoices):
        QUEUED = "queued", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        DELIVERED = "delivered", "已送达"
        FAILED = "failed", "发送失败"
        SUPPRESSED = "suppressed", "已拦截"

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField("渠道", max_length=10, choices=MessageChannel.choices)
    purpose = models.CharField("用途", max_length=10, choices=MessagePurpose.choices)
    template_code = models.CharField("模板代码", max_length=50)
    variables = models.JSONField("模板变量", default=dict)
    idempotency_key = models.CharField(max_length=120, unique=True, help_text="e.g. reminder:123 — one message per cause, ever")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间")
    last_error = models.CharField("最近错误", max_length=300, blank=True, default="")
    suppressed_reason = models.CharField("拦截原因", max_length=100, blank=True, default="")
    provider_message_id = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "待发消息（发件箱）"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["customer", "-created_at"], name="outbox_customer"),
            models.Index(fields=["store", "-created_at"], name="outbox_store"),
        ]

    def __str__(self):
        return f"{self.idempotency_key} {self.get_status_display()}"


class InboundMessage(models.Model):
    """A customer's reply (e.g. "T" to opt out), kept with what was done about it."""

    channel = models.CharField("渠道", max_length=10, choices=MessageChannel.choices)
    sender = models.CharField("发送方", max_length=100)
    body = models.CharField("内容", max_length=500)
    received_at = models.DateTimeField(auto_now_add=True)
    action = models.CharField("处理结果", max_length=100, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "客户回复"

    def __str__(self):
        return f"{self.get_channel_display()} {self.received_at:%Y-%m-%d %H:%M} {self.action}"


class ChannelAddress(models.Model):
    """Where a customer is reached on a channel the archive holds no number for: a WeChat openid or
    an e-mail address. SMS goes to the customer's primary mobile (customers.Customer.mobile)."""

    customer_ref = "customer_id"  # core.scoping: cross-entity visibility follows the customer's consent

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="channel_addresses")
    channel = models.CharField("渠道", max_length=10, choices=[(MessageChannel.WECHAT, "微信"), (MessageChannel.EMAIL, "邮件")])
    address = models.CharField("地址", max_length=200, help_text="微信 openid 或邮箱地址")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "客户渠道地址"
        constraints = [models.UniqueConstraint(fields=["customer", "channel"], name="uniq_channel_address")]
        indexes = [models.Index(fields=["channel", "address"], name="channel_address_lookup")]

    def __str__(self):
        return f"{self.get_channel_display()} · 客户 {self.customer_id}"
