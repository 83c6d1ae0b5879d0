from django import forms
from django.contrib import admin

from messaging.models import ChannelAddress, InboundMessage, MessageTemplate, OutboxMessage
from messaging.rendering import OPT_OUT_LINE, variables_help


class MessageTemplateForm(forms.ModelForm):
    """The model's clean() refuses unknown variables; the help text lists the known ones."""

    class Meta:
        model = MessageTemplate
        fields = ["store", "code", "channel", "purpose", "name", "subject", "body", "provider_template_id"]
        help_texts = {"body": f"{variables_help()}。短信签名【…】和营销消息末尾的“{OPT_OUT_LINE}”由系统自动添加。"}


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ["name", "code", "channel", "purpose", "store", "updated_at"]
    list_filter = ["channel", "purpose", "store"]
    search_fields = ["code", "name"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """The outbox and the replies are written by the system only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "idempotency_key",
        "store",
        "customer_id",
        "channel",
        "purpose",
        "template_code",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "suppressed_reason",
        "last_error",
    ]
    list_filter = ["status", "channel", "purpose", "store"]
    list_select_related = ["store"]
    search_fields = ["=idempotency_key", "template_code"]
    show_full_result_count = False


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "channel", "body", "action"]
    list_filter = ["channel"]


@admin.register(ChannelAddress)
class ChannelAddressAdmin(admin.ModelAdmin):
    list_display = ["customer_id", "channel", "created_at"]
    list_filter = ["channel"]
    raw_id_fields = ["customer"]
