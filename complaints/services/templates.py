"""Default texts of the customer's complaint notices (managers edit them in 消息模板)."""

from complaints.services.red_alerts import red_alert_keywords_ensure
from messaging.models import MessageChannel, MessagePurpose, MessageTemplate

DEFAULT_TEMPLATES = [
    (
        "complaint_received",
        "投诉受理通知",
        "尊敬的{name}，您反映的问题“{topic}”已受理，我们将于{due_date}前与您联系。如有疑问请致电{store_phone}。",
    ),
    (
        "complaint_progress",
        "投诉处理进展",
        "尊敬的{name}，您反映的问题有新进展：{topic}。如有疑问请致电{store_phone}。",
    ),
    (
        "complaint_closed",
        "投诉结案通知",
        "尊敬的{name}，您反映的问题“{topic}”已处理完毕，感谢您的理解与支持。如仍有疑问请致电{store_phone}。",
    ),
]


def complaint_templates_ensure() -> None:
    """The group-wide SMS texts of complaint notices and the brief's red-alert words (idempotent)."""
    for code, name, body in DEFAULT_TEMPLATES:
        MessageTemplate.objects.get_or_create(
            store=None,
            code=code,
            channel=MessageChannel.SMS,
            defaults={"purpose": MessagePurpose.SERVICE, "name": name, "body": body},
        )
    red_alert_keywords_ensure()
