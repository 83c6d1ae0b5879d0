"""Cell rules for imported rows — the same rules the customer and vehicle services apply, made fast
enough for 50,000 rows/s: every normaliser keeps a cache of the values it has seen (dates, names,
mobile prefixes repeat a lot in a DMS export) and falls back to the services' own validators."""

import datetime as dt
import re
from functools import lru_cache

from django.utils import timezone

from core.errors import InvalidInput
from customers.validators import name_search_keys, normalize_mobile
from vehicles.models import Powertrain
from vehicles.validators import validate_plate, validate_vin

MAX_ERRORS_KEPT = 5_000  # the report keeps this many lines; the counts stay exact


class Bad(Exception):
    """One cell breaks a rule; the message is shown to the user as is."""


class Report:
    """Errors block the commit, warnings do not; both carry the spreadsheet row and the column."""

    def __init__(self):
        self.errors: list[tuple[int, str, str]] = []
        self.warnings: list[tuple[int, str, str]] = []
        self.error_count = 0
        self.warning_count = 0

    def error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append((row, column, message))

    def warning(self, row: int, column: str, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_ERRORS_KEPT:
            self.warnings.append((row, column, message))


_MOBILE_NOISE = re.compile(r"[\s\-()（）]")
_PLAIN_MOBILE = re.compile(r"^(?:\+?86|0086)?(1\d{10})$")


@lru_cache(maxsize=10_000)
def _prefix_valid(prefix5: str) -> bool:
    """Whether normalize_mobile accepts 11-digit numbers starting with these 5 digits: libphonenumber's
    CN mobile pattern is decided by at most the first 5 (1740[0-5]…, 1610…), the rest is \\d{6}."""
    try:
        normalize_mobile(prefix5 + "000000")
    except InvalidInput:
        return False
    return True


def mobile(text: str) -> str:
    """customers.validators.normalize_mobile, with a fast path for the plain 11-digit form."""
    match = _PLAIN_MOBILE.match(_MOBILE_NOISE.sub("", text))
    if match:
        digits = match.group(1)
        if _prefix_valid(digits[:5]):
            return "+86" + digits
        raise Bad("请输入有效的中国大陆手机号")
    try:
        return normalize_mobile(text)
    except InvalidInput as exc:
        raise Bad(next(iter(exc.errors.values()))) from None


_HAN_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")


@lru_cache(maxsize=200_000)
def name_keys(name: str) -> tuple[str, str]:
    """customers.validators.name_search_keys, 5x faster: pypinyin reads a name character by character
    unless part of it is an entry of its phrase dictionary, so an all-Han name without such a part
    is the concatenation of its characters' keys (cached); any other name goes the slow way."""
    compact = "".join(name.split())
    if not _HAN_ONLY.match(compact) or _has_phrase(compact):
        return name_search_keys(name)
    parts = [_char_keys(ch) for ch in compact]
    return "".join(p[0] for p in parts)[:120], "".join(p[1] for p in parts)[:30]


def _has_phrase(text: str) -> bool:
    from pypinyin.constants import PHRASES_DICT

    return any(text[i:j] in PHRASES_DICT for i in range(len(text)) for j in range(i + 2, len(text) + 1))


@lru_cache(maxsize=30_000)
def _char_keys(ch: str) -> tuple[str, str]:
    return name_search_keys(ch)


def name(text: str) -> str:
    """customers.services._clean_name: collapsed spaces, required, at most 60 characters."""
    value = " ".join(text.split())
    if not value:
        raise Bad("请填写客户姓名")
    if len(value) > 60:
        raise Bad("姓名不能超过 60 个字符")
    return value


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


@lru_cache(maxsize=50_000)
def date(text: str) -> dt.date:
    """2021-03-05, 2021/3/5, 2021.3.5, 2021年3月5日, 20210305 (Excel dates arrive as ISO text)."""
    value = text.strip()
    match = _DATE.match(value) or _COMPACT_DATE.match(value)
    if not match:
        raise Bad(f"日期格式不正确：“{value}”（应为 2024-03-05 或 2024/3/5）")
    try:
        day = dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise Bad(f"不存在的日期：“{value}”") from None
    if day.year < 1900:
        raise Bad("日期年份不正确")
    return day


def past_date(text: str, today: dt.date, label: str) -> dt.date:
    day = date(text)
    if day > today:
        raise Bad(f"{label}不能晚于今天")
    return day


_GENDERS = {"": "", "男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F", "先生": "M", "女士": "F", "未知": ""}


def gender(text: str) -> str:
    try:
        return _GENDERS[text.strip().lower()]
    except KeyError:
        raise Bad("性别只能填 男 或 女") from None


_POWERTRAINS = {
    **{value: value for value in Powertrain.values},
    **{label.lower(): value for value, label in Powertrain.choices},
    "汽油": "petrol",
    "燃油": "petrol",
    "柴油": "diesel",
    "混动": "hybrid",
    "油电混合": "hybrid",
    "hev": "hybrid",
    "插电混动": "phev",
    "插混": "phev",
    "增程": "phev",
    "增程式": "phev",
    "纯电": "bev",
    "纯电动": "bev",
    "电动": "bev",
    "ev": "bev",
}


def powertrain(text: str) -> str:
    try:
        return _POWERTRAINS[text.strip().lower()]
    except KeyError:
        raise Bad("动力类型应为 汽油/柴油/混动/插电混动/纯电 之一") from None


@lru_cache(maxsize=300_000)
def vin(text: str) -> tuple[str, list[str]]:
    try:
        return validate_vin(text)
    except InvalidInput as exc:
        raise Bad(next(iter(exc.errors.values()))) from None


def plate(text: str) -> str:
    try:
        return validate_plate(text) if text.strip() else ""
    except InvalidInput as exc:
        raise Bad(next(iter(exc.errors.values()))) from None


def km(text: str) -> int:
    value = text.strip().replace(",", "")
    if value.endswith(".0"):
        value = value[:-2]
    if not value.isdigit() or int(value) > 2_000_000:
        raise Bad("里程必须是 0–2,000,000 之间的整数（公里）")
    return int(value)


def text_field(text: str, max_length: int, label: str) -> str:
    value = " ".join(text.split())
    if len(value) > max_length:
        raise Bad(f"{label}不能超过 {max_length} 个字符")
    return value


def flag(text: str) -> bool:
    return text.strip().lower() in ("是", "y", "yes", "true", "1", "√")


def today() -> dt.date:
    return timezone.localdate()
