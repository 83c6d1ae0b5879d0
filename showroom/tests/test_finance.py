"""DOMAIN §15 finance comparison, against figures worked out by hand (annuity formula, to the fen)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.errors import InvalidInput
from showroom.finance import finance_compare, loan_option, monthly_payment


def plan(rate: str, term: int, fees: str = "0", minimum: str = "0", name: str = "方案"):
    return SimpleNamespace(
        pk=None,
        name=name,
        annual_rate_percent=Decimal(rate),
        term_months=term,
        fees=Decimal(fees),
        min_down_payment_percent=Decimal(minimum),
    )


def test_it_computes_the_textbook_annuity():
    # 120 000 at 12 %/year over 12 months: r = 1 %, M = 1200 · 1.01^12 / (1.01^12 − 1) = 10 661.85
    assert monthly_payment(Decimal("120000"), Decimal("12"), 12) == Decimal("10661.85")


def test_total_cost_is_price_plus_interest_plus_fees():
    # 200 000, 60 000 down, 3.5 %, 36 months, 1 500 fees: principal 140 000, M = 4 102.29,
    # interest = 36 · 4 102.29 − 140 000 = 7 682.44, total = 200 000 + 7 682.44 + 1 500 = 209 182.44
    option = loan_option(price=Decimal("200000"), down_payment=Decimal("60000"), plan=plan("3.5", 36, "1500", "20"))
    assert option.principal == Decimal("140000.00")
    assert option.monthly_payment == Decimal("4102.29")
    assert option.total_interest == Decimal("7682.44")
    assert option.total_cost == Decimal("209182.44")
    assert option.extra_vs_cash == Decimal("9182.44")
    assert option.total_cost == option.down_payment + option.monthly_payment * 36 + option.fees


def test_a_zero_rate_plan_only_costs_its_fees():
    option = loan_option(price=Decimal("120000"), down_payment=Decimal("36000"), plan=plan("0", 12, "2000", "30"))
    assert (option.monthly_payment, option.total_interest, option.total_cost) == (
        Decimal("7000.00"),
        Decimal("0.00"),
        Decimal("122000.00"),
    )


def test_a_five_year_loan():
    # 100 000 borrowed at 4.2 % over 60 months: M = 1 850.69, interest = 60 · 1 850.69 − 100 000 = 11 041.40
    option = loan_option(price=Decimal("150000"), down_payment=Decimal("50000"), plan=plan("4.2", 60, "1000", "20"))
    assert option.monthly_payment == Decimal("1850.69")
    assert option.total_interest == Decimal("11041.40")
    assert option.total_cost == Decimal("162041.40")


def test_the_arithmetic_is_decimal_not_float():
    option = loan_option(price=Decimal("0.30"), down_payment=Decimal("0.10"), plan=plan("0", 2))
    assert option.monthly_payment == Decimal("0.10") and isinstance(option.total_cost, Decimal)


def test_a_down_payment_below_the_plans_minimum_is_refused():
    with pytest.raises(InvalidInput) as exc:
        loan_option(price=Decimal("120000"), down_payment=Decimal("30000"), plan=plan("0", 12, "0", "30"))
    assert "36000.00" in exc.value.errors["down_payment"]


def test_the_comparison_lists_cash_every_plan_and_the_plans_out_of_reach():
    result = finance_compare(
        price=Decimal("120000"),
        down_payment=Decimal("30000"),
        plans=[plan("12", 12, name="一年"), plan("0", 12, "0", "30", name="免息")],
    )
    assert result["cash_total"] == Decimal("120000.00")
    assert [loan.plan_name for loan in result["loans"]] == ["一年"]
    assert result["unavailable"][0]["plan_name"] == "免息"


@pytest.mark.parametrize(
    ("price", "down", "field"), [("0", "0", "price"), ("100", "-1", "down_payment"), ("100", "101", "down_payment")]
)
def test_bad_amounts_are_field_errors_in_chinese(price, down, field):
    with pytest.raises(InvalidInput) as exc:
        finance_compare(price=Decimal(price), down_payment=Decimal(down), plans=[])
    assert field in exc.value.errors
