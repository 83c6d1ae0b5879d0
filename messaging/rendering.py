"""Message texts from manager-edited templates (DOMAIN §4): documented variables only, the store's SMS
signature first, and marketing texts ending with the opt-out line "回T退订"."""

import datetime as dt
import hashlib
import re
from collections.abc import Callable

from django.utils import timezone

from core.errors import InvalidInput
from messaging.backends import RenderedMessage
from messaging.models import MessageChannel, MessagePurpose, MessageTemplate, OutboxMessage

# The documented variables a template may use. The first three (and those registered below) are
# filled when the message is sent (current values, and no copy of the customer's name in the outbox row).
KNOWN_VARIABLES = {
    "name": "客户姓名（自动填写）",
    "store_name": "门店名称（自动填写）",
    "store_phone": "门店服务电话（自动填写）",
    "plate": "车牌号",
    "model": "车型",
    "due_date": "到期日期",
    "due_km": "保养里程（公里）",
    "appointment_time": "预约时间",
    "topic": "主题（节日、召回项目、升级内容等）",
    "link": "链接（预约、问卷）",
}
AUTO_VARIABLES = {"name", "store_name", "store_phone"}
# Variables another module fills when the message is sent, from the message's customer (e.g. the
# signed self-booking link: made at send time, so its lifetime starts when the customer gets it).
_SEND_TIME_FILLERS: dict[str, Callable[[OutboxMessage], str]] = {}
OPT_OUT_LINE = "回T退订"
MAX_VALUE_LENGTH = 100

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2})(?::\d{2})?)?")
_SENTENCE_END = tuple("。！？!?.…")


class RenderError(Exception):
    """The message cannot be built (no template, missing variable, no SMS signature): retrying won't help."""


def register_send_time_variable(name: str, label: str, fill: Callable[[OutboxMessage], str]) -> None:
    """Called from an AppConfig.ready(): `{name}` becomes a documented variable of every template,
    filled by `fill(message)` when the message is sent."""
    KNOWN_VARIABLES[name] = label
    AUTO_VARIABLES.add(name)
    _SEND_TIME_FILLERS[name] = fill


def variables_help() -> str:
    return "可用变量：" + "、".join(f"{{{name}}} {label}" for name, label in KNOWN_VARIABLES.items())


def template_variables(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def template_text_errors(text: str, *, channel: str) -> list[str]:
    """Why a template text would be refused on save, in words a manager understands."""
    errors = []
    unknown = sorted(template_variables(text) - set(KNOWN_VARIABLES))
    if unknown:
        errors.append(f"未知变量 {'、'.join('{' + v + '}' for v in unknown)}。{variables_help()}")
    outside_placeholders = _PLACEHOLDER.sub("", text)
    if "{" in outside_placeholders or "}" in outside_placeholders:
        errors.append("花括号只能用于变量，例如 {name}")
    if OPT_OUT_LINE in text:
        errors.append(f"营销消息的退订提示“{OPT_OUT_LINE}”由系统自动添加，请勿写入模板")
    if channel == MessageChannel.SMS and ("【" in text or "】" in text):
        errors.append("短信签名【…】由系统按门店自动添加，请勿写入模板")
    return errors


def clean_variables(variables: dict) -> dict[str, str]:
    """A caller's template variables as plain strings; dates and times as ISO text (2026-12-01,
    2026-12-01 14:30 local), which the renderer shows the Chinese way."""
    if not isinstance(variables, dict):
        raise InvalidInput({"variables": "模板变量必须是键值对"})
    errors = {}
    cleaned = {}
    for name, value in variables.items():
        if name in AUTO_VARIABLES:
            errors[name] = "该变量由系统自动填写，请勿传入"
        elif name not in KNOWN_VARIABLES:
            errors[name] = f"未知变量。{variables_help()}"
        elif (text := _plain(value)) is None or len(text) > MAX_VALUE_LENGTH:
            errors[name] = f"变量值须为不超过 {MAX_VALUE_LENGTH} 字的文字、数字或日期"
        else:
            cleaned[name] = text
    if errors:
        raise InvalidInput({f"variables.{name}": message for name, message in errors.items()})
    return cleaned


def _plain(value) -> str | None:
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    return None


def template_check(template: MessageTemplate | None, *, purpose: str, variables: dict[str, str]) -> None:
    """Raise RenderError unless this template can render a message of this purpose with these variables.
    Service notices and marketing never share a template (DOMAIN §14: marketing only with consent)."""
    if template is None:
        raise RenderError("未找到消息模板")
    if template.purpose != purpose:
        raise RenderError(f"模板用途为“{template.get_purpose_display()}”，与消息用途不符")
    missing = sorted(template_variables(template.body + template.subject) - AUTO_VARIABLES - set(variables))
    if missing:
        raise RenderError(f"缺少模板变量 {'、'.join(missing)}")


def render_message(message: OutboxMessage, *, template: MessageTemplate | None, recipient: str) -> RenderedMessage:
    """What the vendor receives for one outbox row: the address, the text and the used variables."""
    if not isinstance(message.variables, dict):
        raise RenderError("模板变量格式错误")
    given = {name: _display(str(value)) for name, value in message.variables.items()}
    template_check(template, purpose=message.purpose, variables=given)
    values = {**given, "name": message.customer.name, "store_name": message.store.name, "store_phone": message.store.phone}
    wanted = template_variables(template.body + template.subject)
    values.update({name: fill(message) for name, fill in _SEND_TIME_FILLERS.items() if name in wanted})
    used = {name: values[name] for name in sorted(wanted)}
    unset = [KNOWN_VARIABLES[name] for name in AUTO_VARIABLES & set(used) if not used[name].strip()]
    if unset:
        raise RenderError(f"未设置：{'、'.join(sorted(unset))}")
    return RenderedMessage(
        idempotency_key=delivery_key(message.idempotency_key),
        channel=message.channel,
        recipient=recipient,
        text=_text(template, message, values),
        subject=_fill(template.subject, values),
        variables=used,
        provider_template_id=template.provider_template_id,
        opt_out_line=OPT_OUT_LINE if message.purpose == MessagePurpose.MARKETING else "",
    )


def _text(template: MessageTemplate, message: OutboxMessage, values: dict[str, str]) -> str:
    text = _fill(template.body, values).strip()
    if message.purpose == MessagePurpose.MARKETING:
        text = f"{text}{'' if text.endswith(_SENTENCE_END) else '。'}{OPT_OUT_LINE}"
    if message.channel == MessageChannel.SMS:
        if not message.store.sms_signature:
            raise RenderError("门店未设置短信签名")
        text = f"【{message.store.sms_signature}】{text}"
    return text


def _display(value: str) -> str:
    """ISO dates read the Chinese way in a message: 2026-12-01 → 2026年12月1日."""
    match = _ISO_DATE.fullmatch(value)
    if match is None:
        return value
    year, month, day, time = match.groups()
    return f"{int(year)}年{int(month)}月{int(day)}日" + (f" {time}" if time else "")


def _fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def delivery_key(idempotency_key: str) -> str:
    """The key gateways dedupe on: a digest of ours, so ids such as "reminder:123" stay in-house."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()
