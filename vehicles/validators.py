"""Vehicle identifiers (DOMAIN §2): VIN with the ISO 3779 check digit, CN plates normalised."""

import re

from core.errors import InvalidInput

_VIN_CHARS = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_SEPARATORS = re.compile(r"[\s·•・.\-_]")
_ORDINARY_PLATE = re.compile(rf"^[{PROVINCES}][A-HJ-NP-Z][A-HJ-NP-Z0-9]{{4}}[A-HJ-NP-Z0-9挂学警港澳]$")
# New-energy plates: 6 characters after the city letter, D/F first (small cars) or last (large).
_NEW_ENERGY_PLATE = re.compile(rf"^[{PROVINCES}][A-HJ-NP-Z]([DF][A-HJ-NP-Z0-9][0-9]{{4}}|[0-9]{{5}}[DF])$")


def vin_check_digit(vin: str) -> str:
    total = sum(_TRANSLITERATION[ch] * weight for ch, weight in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def normalize_vin(raw: str, field: str = "vin") -> str:
    return re.sub(r"[\s\-]", "", raw or "").upper()


def validate_vin(raw: str, field: str = "vin") -> tuple[str, list[str]]:
    """17 characters without I/O/Q; a wrong check digit is a warning, not a block (non-NA VINs)."""
    vin = normalize_vin(raw)
    if len(vin) != 17:
        raise InvalidInput({field: "车架号（VIN）必须为 17 位"})
    if not _VIN_CHARS.match(vin):
        raise InvalidInput({field: "车架号只能包含数字和字母，且不含 I、O、Q"})
    warnings = []
    if vin[8] != vin_check_digit(vin):
        warnings.append(f"车架号第 9 位校验位不符（应为 {vin_check_digit(vin)}），请核对；非北美车辆可忽略")
    return vin, warnings


def normalize_plate(raw: str) -> str:
    """粤b·d12345 → 粤BD12345: upper case, no separators; used for storage and for search."""
    return _PLATE_SEPARATORS.sub("", raw or "").upper()


def is_valid_plate(plate: str) -> bool:
    return bool(_ORDINARY_PLATE.match(plate) or _NEW_ENERGY_PLATE.match(plate))


def validate_plate(raw: str, field: str = "plate") -> str:
    plate = normalize_plate(raw)
    if not is_valid_plate(plate):
        raise InvalidInput({field: "车牌号格式不正确（如 粤B12345 或新能源 粤BD12345）"})
    return plate
