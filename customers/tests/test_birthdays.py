import datetime as dt

import pytest

from core.errors import InvalidInput
from customers.birthdays import birthday_in_year, lunar_label, validate_lunar_birthday


def test_a_lunar_birthday_moves_across_gregorian_dates():
    mid_autumn = dt.date(1985, 8, 15)  # 农历八月十五
    assert birthday_in_year(mid_autumn, True, 2025) == dt.date(2025, 10, 6)
    assert birthday_in_year(mid_autumn, True, 2026) == dt.date(2026, 9, 25)


def test_a_gregorian_birthday_stays_put_and_29_february_falls_back():
    assert birthday_in_year(dt.date(1990, 5, 1), False, 2026) == dt.date(2026, 5, 1)
    assert birthday_in_year(dt.date(1992, 2, 29), False, 2026) == dt.date(2026, 2, 28)


def test_day_30_of_a_short_lunar_month_is_kept_on_day_29():
    # 农历 2026 年十二月只有 29 天; a 腊月三十 birthday is celebrated on 腊月廿九.
    assert birthday_in_year(dt.date(1980, 12, 30), True, 2026) == birthday_in_year(dt.date(1980, 12, 29), True, 2026)


def test_it_rejects_a_lunar_date_that_does_not_exist():
    with pytest.raises(InvalidInput):
        validate_lunar_birthday(dt.date(2026, 12, 30))


def test_it_labels_lunar_birthdays_in_chinese():
    assert lunar_label(dt.date(1985, 8, 15)) == "农历一九八五年八月十五"
    assert lunar_label(dt.date(1990, 1, 1)) == "农历一九九〇年正月初一"
