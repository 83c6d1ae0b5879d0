"""Channel backends behind one interface: console (development), JSON-lines file, SMTP e-mail, an SMS
gateway and a WeChat template-message relay over HTTP. The channel → backend choice is a setting.

A backend returns the provider's message id, or raises TransientError (try again later) or
PermanentError (the vendor refused this message for good). What a backend sends is a
RenderedMessage: the recipient's address and the text or template variables, nothing else about the
customer (DOMAIN §14). Every send carries an idempotency key, so a gateway drops a repeat.
"""

import json
import smtplib
import sys
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection

from customers.validators import mask_mobile


@dataclass(frozen=True)
class RenderedMessage:
    """Everything a vendor gets for one message (DOMAIN §14: only the address and the message)."""

    idempotency_key: str
    channel: str
    recipient: str
    text: str
    subject: str = ""
    variables: dict[str, str] = field(default_factory=dict)
    provider_template_id: str = ""
    opt_out_line: str = ""  # marketing only (DOMAIN §4); already at the end of `text`


class TransientError(Exception):
    """The vendor could not take the message now (down, timeout, 5xx, 429): retry with back-off."""


class PermanentError(Exception):
    """The vendor refused the message (4xx, unknown recipient): retrying cannot help."""


class Backend(Protocol):
    def send(self, message: RenderedMessage) -> str: ...


def mask_recipient(channel: str, recipient: str) -> str:
    """Recipients in logs and on the console are masked like everywhere else (DOMAIN §14)."""
    if channel == "sms":
        return mask_mobile(recipient)
    if channel == "email":
        local, _, domain = recipient.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{recipient[:4]}****"


class ConsoleBackend:
    """Development default: print the message with the recipient masked."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: RenderedMessage) -> str:
        subject = f"《{message.subject}》" if message.subject else ""
        self.stream.write(f"[{message.channel}] {mask_recipient(message.channel, message.recipient)} {subject}{message.text}\n")
        self.stream.flush()
        return f"console-{uuid.uuid4().hex}"


class FileBackend:
    """Append one JSON line per message (demo, load tests, hand-off to a batch uploader)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def send(self, message: RenderedMessage) -> str:
        provider_id = f"file-{uuid.uuid4().hex}"
        line = json.dumps({"id": provider_id, **_payload(message)}, ensure_ascii=False)
        try:
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line + "\n")
        except OSError as exc:
            raise TransientError(f"写入文件失败：{exc.strerror}") from None
        return provider_id


def _payload(message: RenderedMessage) -> dict:
    return {
        "idempotency_key": message.idempotency_key,
        "channel": message.channel,
        "to": message.recipient,
        "subject": message.subject,
        "text": message.text,
        "variables": message.variables,
    }


class SmtpBackend:
    """E-mail through Django's SMTP backend with the EMAIL_* settings. The Message-ID derives from the
    idempotency key, so a repeat after a crash is the same e-mail to the receiving servers."""

    def send(self, message: RenderedMessage) -> str:
        message_id = f"<{message.idempotency_key}@pitstop>"
        email = EmailMessage(
            subject=message.subject,
            body=message.text,
            to=[message.recipient],
            headers={"Message-ID": message_id},
            connection=get_connection("django.core.mail.backends.smtp.EmailBackend", fail_silently=False),
        )
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise _smtp_error(min(codes), "收件人被拒绝") from None
        except smtplib.SMTPResponseException as exc:
            raise _smtp_error(exc.smtp_code, "邮件服务器拒绝") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientError(f"邮件服务器不可达：{type(exc).__name__}") from None
        return message_id


def _smtp_error(code: int, what: str) -> Exception:
    error = PermanentError if 500 <= code < 600 else TransientError
    return error(f"{what}（SMTP {code}）")


class HttpGateway:
    """POST JSON with an Idempotency-Key header; 5xx, 408, 429 and network errors are transient."""

    def __init__(self, url: str, token: str, timeout: float):
        if not url.startswith(("http://", "https://")):
            raise ImproperlyConfigured(f"消息网关地址必须以 http:// 或 https:// 开头：{url!r}")
        self.url, self.token, self.timeout = url, token, timeout

    def post(self, payload: dict, idempotency_key: str) -> dict:
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": idempotency_key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = json.dumps(payload, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            # the scheme is http(s), checked in __init__
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # nosec B310
                return _json_object(response.read())
        except urllib.error.HTTPError as exc:
            error = TransientError if exc.code >= 500 or exc.code in (408, 429) else PermanentError
            raise error(f"网关返回 HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise TransientError(f"网关不可达：{getattr(exc, 'reason', exc)}") from None


def _json_object(raw: bytes) -> dict:
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


class SmsGatewayBackend(HttpGateway):
    """Generic SMS gateway: {"to": "+8613812341234", "text": "【签名】…"} → {"id": "…"}."""

    def send(self, message: RenderedMessage) -> str:
        answer = self.post({"to": message.recipient, "text": message.text}, message.idempotency_key)
        return str(answer.get("id", ""))[:100]


class WechatTemplateBackend(HttpGateway):
    """WeChat template message via the official-account relay: openid, template_id and the template's
    variables; WeChat answers HTTP 200 with errcode (-1 = busy, retry; other non-zero = refused)."""

    def send(self, message: RenderedMessage) -> str:
        data = {name: {"value": value} for name, value in message.variables.items()}
        if message.opt_out_line:
            data["remark"] = {"value": message.opt_out_line}
        payload = {"openid": message.recipient, "template_id": message.provider_template_id, "data": data}
        answer = self.post(payload, message.idempotency_key)
        errcode = answer.get("errcode", 0)
        if errcode == -1:
            raise TransientError("微信系统繁忙（errcode -1）")
        if errcode:
            raise PermanentError(f"微信拒绝（errcode {errcode}）")
        return str(answer.get("msgid", ""))[:100]


def backend_for(channel: str) -> Backend:
    """The backend configured for a channel (settings MESSAGING_SMS_BACKEND etc.; default console)."""
    setting = f"MESSAGING_{channel.upper()}_BACKEND"
    name = getattr(settings, setting)
    if name == "console":
        return ConsoleBackend()
    if name == "file":
        return FileBackend(settings.MESSAGING_FILE_PATH)
    if name == "smtp" and channel == "email":
        return SmtpBackend()
    if name == "http" and channel == "sms":
        return SmsGatewayBackend(settings.MESSAGING_SMS_URL, settings.MESSAGING_SMS_TOKEN, settings.MESSAGING_HTTP_TIMEOUT)
    if name == "http" and channel == "wechat":
        return WechatTemplateBackend(
            settings.MESSAGING_WECHAT_URL, settings.MESSAGING_WECHAT_TOKEN, settings.MESSAGING_HTTP_TIMEOUT
        )
    raise ImproperlyConfigured(f"{setting}={name!r} 无效：短信/微信可用 console、file、http，邮件可用 console、file、smtp")
