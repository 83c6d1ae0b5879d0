"""Finance comparison, cash vs. loan (DOMAIN §15: loan total = price + interest + fees vs. cash).

All arithmetic is Decimal. The monthly payment is the equal-instalment annuity
    M = P · r · (1 + r)^n / ((1 + r)^n − 1),   r = annual rate / 12,
rounded to the fen (ROUND_HALF_UP); interest is then n · M − P, so the figures the customer sees add
up exactly: total cost = price + interest + fees = down payment + n · M + fees.
"""

from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from core.errors import InvalidInput

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LoanOption:
    plan_id: int | None
    plan_name: str
    annual_rate_percent: Decimal
    term_months: int
    down_payment: Decimal
    principal: Decimal
    monthly_payment: Decimal
    total_interest: Decimal
    fees: Decimal
    total_cost: Decimal
    extra_vs_cash: Decimal

    def as_json(self) -> dict:
        return {key: str(value) if isinstance(value, Decimal) else value for key, value in asdict(self).items()}


def monthly_payment(principal: Decimal, annual_rate_percent: Decimal, term_months: int) -> Decimal:
    """The annuity instalment; a 0 % plan simply divides the principal."""
    if principal <= 0:
        return Decimal("0.00")
    with localcontext() as context:
        context.prec = 34
        rate = annual_rate_percent / HUNDRED / 12
        if rate == 0:
            return money(principal / term_months)
        growth = (1 + rate) ** term_months
        return money(principal * rate * growth / (growth - 1))


def loan_option(*, price: Decimal, down_payment: Decimal, plan) -> LoanOption:
    """One loan plan for a price and a down payment; `plan` is a FinancePlan (or anything with its fields)."""
    check_amounts(price=price, down_payment=down_payment)
    minimum = money(price * plan.min_down_payment_percent / HUNDRED)
    if down_payment < minimum:
        raise InvalidInput({"down_payment": f"该方案首付不得低于 {plan.min_down_payment_percent}%（{minimum} 元）"})
    principal = money(price - down_payment)
    instalment = monthly_payment(principal, plan.annual_rate_percent, plan.term_months)
    interest = money(instalment * plan.term_months - principal) if principal > 0 else Decimal("0.00")
    total = money(price + interest + plan.fees)
    return LoanOption(
        plan_id=getattr(plan, "pk", None),
        plan_name=plan.name,
        annual_rate_percent=plan.annual_rate_percent,
        term_months=plan.term_months,
        down_payment=money(down_payment),
        principal=principal,
        monthly_payment=instalment,
        total_interest=interest,
        fees=money(plan.fees),
        total_cost=total,
        extra_vs_cash=money(total - price),
    )


def check_amounts(*, price: Decimal, down_payment: Decimal) -> None:
    errors = {}
    if price is None or price <= 0:
        errors["price"] = "车价必须大于 0"
    if down_payment is None or down_payment < 0:
        errors["down_payment"] = "首付不能为负数"
    elif price is not None and down_payment > price:
        errors["down_payment"] = "首付不能超过车价"
    if errors:
        raise InvalidInput(errors)


def finance_compare(*, price: Decimal, down_payment: Decimal, plans) -> dict:
    """Cash against every given plan; a plan whose minimum down payment is not met is listed as unavailable."""
    check_amounts(price=price, down_payment=down_payment)
    options, unavailable = [], []
    for plan in plans:
        try:
            options.append(loan_option(price=price, down_payment=down_payment, plan=plan))
        except InvalidInput as exc:
            unavailable.append({"plan_id": plan.pk, "plan_name": plan.name, "reason": exc.errors["down_payment"]})
    return {"price": money(price), "cash_total": money(price), "loans": options, "unavailable": unavailable}
