"""Birthdays kept by the Gregorian or the lunar (农历) calendar (DOMAIN §2)."""

import datetime as dt

from lunardate import LunarDate

from core.errors import InvalidInput

LUNAR_MONTHS = "正二三四五六七八九十冬腊"
_DIGITS = "〇一二三四五六七八九"


def validate_lunar_birthday(birthday: dt.date, field: str = "birthday") -> None:
    """A lunar birthday is entered as lunar year-month-day; that day must exist in the lunar calendar."""
    try:
        LunarDate(birthday.year, birthday.month, birthday.day).to_solar_date()
    except ValueError:
        raise InvalidInput({field: "该农历日期不存在，请核对（农历小月只有 29 天）"}) from None


def birthday_in_year(birthday: dt.date, is_lunar: bool, year: int) -> dt.date:
    """The Gregorian date on which the customer celebrates in `year`.

    A lunar birthday falls on a different Gregorian date every year; day 30 of a month that has
    only 29 days that year is celebrated on day 29. A Gregorian 29 February is kept on 28 February
    in common years.
    """
    if not is_lunar:
        try:
            return birthday.replace(year=year)
        except ValueError:
            return dt.date(year, 2, 28)
    for day in (birthday.day, 29):
        try:
            return LunarDate(year, birthday.month, day).to_solar_date()
        except ValueError:
            continue
    raise ValueError(f"no lunar {birthday.month}/{birthday.day} in {year}")


def lunar_label(birthday: dt.date) -> str:
    """农历 1985年八月十五 — how staff read a lunar birthday."""
    year = "".join(_DIGITS[int(d)] for d in str(birthday.year))
    day = birthday.day
    if day <= 10:
        day_text = "初" + "一二三四五六七八九十"[day - 1]
    elif day < 20:
        day_text = "十" + "一二三四五六七八九"[day - 11]
    elif day == 20:
        day_text = "二十"
    elif day < 30:
        day_text = "廿" + "一二三四五六七八九"[day - 21]
    else:
        day_text = "三十"
    return f"农历{year}年{LUNAR_MONTHS[birthday.month - 1]}月{day_text}"
