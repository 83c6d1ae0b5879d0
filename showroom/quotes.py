"""Transparent quotes (DOMAIN §15): a printable price list with packages, the finance option, the
after-sales policy and every promise as a structured line — "no verbal promises". A quote is never
edited: a change is the next version. Amounts are non-negative; discounts are their own line kind."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.permissions import Perm, require
from core.errors import Conflict, InvalidInput
from core.policies import policy_value
from showroom.finance import loan_option, money
from showroom.models import CarModel, FinancePlan, PromiseKind, Prospect, Quote, QuoteLine, QuotePromise, ValuePackage
from showroom.services import _event, _locked, prospect_reach

MAX_LINES = 30
MAX_AMOUNT = Decimal("99999999.99")


@dataclass(frozen=True)
class LineIn:
    kind: str
    description: str
    amount: Decimal


@dataclass(frozen=True)
class PromiseIn:
    kind: str
    description: str
    value: Decimal | None = None
    valid_until: dt.date | None = None


def _amount(value, field: str) -> Decimal:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput({field: "请输入有效金额"}) from None
    if not amount.is_finite():
        raise InvalidInput({field: "请输入有效金额"})
    if amount < 0:
        raise InvalidInput({field: "金额不能为负数"})
    if amount > MAX_AMOUNT:
        raise InvalidInput({field: "金额过大"})
    return money(amount)


def _lines(vehicle_price: Decimal, car_model: CarModel, lines: list[LineIn], packages: list[ValuePackage]) -> list[QuoteLine]:
    built = [
        QuoteLine(kind=QuoteLine.Kind.VEHICLE, description=f"{car_model} 车价", amount=_amount(vehicle_price, "vehicle_price"))
    ]
    for index, line in enumerate(lines):
        if line.kind not in (QuoteLine.Kind.OPTION, QuoteLine.Kind.FEE, QuoteLine.Kind.DISCOUNT):
            raise InvalidInput({f"lines.{index}.kind": "项目类别须为选装、费用或优惠"})
        if not line.description.strip():
            raise InvalidInput({f"lines.{index}.description": "请填写项目名称"})
        amount = _amount(line.amount, f"lines.{index}.amount")
        built.append(QuoteLine(kind=line.kind, description=line.description.strip()[:120], amount=amount))
    built += [QuoteLine(kind=QuoteLine.Kind.PACKAGE, description=p.name, amount=p.price, package=p) for p in packages]
    return built


def _promises(promises: list[PromiseIn]) -> list[QuotePromise]:
    today, built = timezone.localdate(), []
    for index, promise in enumerate(promises):
        if promise.kind not in PromiseKind.values:
            raise InvalidInput({f"promises.{index}.kind": "请选择承诺类别"})
        if not promise.description.strip():
            raise InvalidInput({f"promises.{index}.description": "请填写承诺内容"})
        if promise.valid_until is not None and promise.valid_until < today:
            raise InvalidInput({f"promises.{index}.valid_until": "有效期不能早于今天"})
        value = _amount(promise.value, f"promises.{index}.value") if promise.value is not None else None
        built.append(
            QuotePromise(
                kind=promise.kind, description=promise.description.strip()[:200], value=value, valid_until=promise.valid_until
            )
        )
    return built


def _finance(store_id: int, plan_id: int | None, down_payment, total: Decimal) -> tuple[FinancePlan | None, Decimal | None, dict]:
    if plan_id is None:
        return None, None, {}
    plan = FinancePlan.objects.filter(pk=plan_id, store_id=store_id, is_active=True).first()
    if plan is None:
        raise InvalidInput({"finance_plan_id": "本店没有该金融方案"})
    if down_payment is None:
        raise InvalidInput({"down_payment": "选择贷款方案时请填写首付"})
    down_payment = _amount(down_payment, "down_payment")
    return plan, down_payment, loan_option(price=total, down_payment=down_payment, plan=plan).as_json()


@transaction.atomic
def quote_create(
    *,
    user,
    prospect: Prospect,
    car_model_id: int,
    vehicle_price: Decimal | None = None,
    lines: list[LineIn] = (),
    package_ids: list[int] = (),
    promises: list[PromiseIn] = (),
    finance_plan_id: int | None = None,
    down_payment: Decimal | None = None,
    colour: str = "",
    notes: str = "",
    after_sales_policy: str = "",
) -> Quote:
    """The next version of the prospect's quote; the prospect reaches "quote"."""
    require(user, Perm.SHOWROOM_SELL)
    car_model = CarModel.objects.filter(pk=car_model_id, store_id=prospect.store_id).first()
    if car_model is None:
        raise InvalidInput({"car_model_id": "本店没有该车型"})
    if len(lines) + len(package_ids) + len(promises) > MAX_LINES:
        raise InvalidInput({"lines": f"报价项目最多 {MAX_LINES} 行"})
    packages = list(ValuePackage.objects.filter(pk__in=list(package_ids), store_id=prospect.store_id, is_active=True))
    if len(packages) != len(set(package_ids)):
        raise InvalidInput({"package_ids": "本店没有该增值套餐"})
    built_lines = _lines(car_model.guide_price if vehicle_price is None else vehicle_price, car_model, list(lines), packages)
    total = money(sum((line.signed_amount for line in built_lines), Decimal("0")))
    if total < 0:
        raise InvalidInput({"lines": "优惠合计不能超过报价金额"})
    built_promises = _promises(list(promises))
    plan, down, summary = _finance(prospect.store_id, finance_plan_id, down_payment, total)
    prospect = _locked(prospect)
    version = (Quote.objects.filter(prospect=prospect).order_by("-version").values_list("version", flat=True).first() or 0) + 1
    quote = Quote(
        store_id=prospect.store_id,
        prospect=prospect,
        version=version,
        car_model=car_model,
        colour=colour.strip()[:20],
        total=total,
        finance_plan=plan,
        down_payment=down,
        finance_summary=summary,
        after_sales_policy=(after_sales_policy.strip() or policy_value(prospect.store_id, "showroom.after_sales_policy"))[:4000],
        valid_until=timezone.localdate() + dt.timedelta(days=policy_value(prospect.store_id, "showroom.quote_valid_days")),
        notes=notes.strip()[:500],
        created_by=user,
    )
    try:
        with transaction.atomic():
            quote.save()
    except IntegrityError:
        raise Conflict("报价单版本冲突，请刷新后重试") from None
    for position, line in enumerate(built_lines, start=1):
        line.quote, line.position = quote, position
    QuoteLine.objects.bulk_create(built_lines)
    for position, promise in enumerate(built_promises, start=1):
        promise.quote, promise.position = quote, position
    QuotePromise.objects.bulk_create(built_promises)
    prospect_reach(prospect, Prospect.Status.QUOTE, user=user)
    _event(prospect, "quote", user, f"报价 V{version}，合计 {total} 元")
    return quote


def quote_promises_for_handover(quote: Quote) -> list[dict]:
    """The quote's promises in the shape of handover.services.handover_open (DOMAIN §3)."""
    return [
        {"kind": p.kind, "description": p.description, "value": p.value, "valid_until": p.valid_until}
        for p in quote.promises.order_by("position")
    ]
