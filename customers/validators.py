"""Customer field rules (DOMAIN §2): CN mobiles in E.164, masking, pinyin search keys."""

import phonenumbers
from pypinyin import Style, lazy_pinyin

from core.errors import InvalidInput

_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalize_mobile(raw: str, field: str = "mobile") -> str:
    """A Chinese mobile number as E.164 (+8613812341234); anything else is an InvalidInput."""
    text = (raw or "").strip()
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise InvalidInput({field: "手机号格式不正确"}) from None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        raise InvalidInput({field: "请输入有效的中国大陆手机号"})
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise InvalidInput({field: "请输入手机号（不是座机号）"})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_digits(e164: str) -> str:
    return e164.removeprefix("+86")


def mask_mobile(e164: str) -> str:
    """DOMAIN §14: 138****1234 in lists and for roles that do not need the full number."""
    digits = national_digits(e164 or "")
    if len(digits) < 7:
        return "****"
    return f"{digits[:3]}****{digits[-4:]}"


def mask_id_number(value: str) -> str:
    """440106********1234: region code and last four only."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_address(value: str) -> str:
    """The district stays readable (first 6 characters); the street and number do not."""
    if not value:
        return ""
    return value[:6] + "****"


def name_search_keys(name: str) -> tuple[str, str]:
    """Full pinyin ("zhangsan") and initials ("zs") of a Chinese name, for exact indexed lookups."""
    compact = "".join(name.split())
    syllables = lazy_pinyin(compact, style=Style.NORMAL, errors="default")
    full = "".join(syllables).lower()
    initials = "".join(s[0] for s in syllables if s).lower()
    return full[:120], initials[:30]
