"""DOMAIN §15 transparent quotes: versioned, price lines, packages, finance option, after-sales
policy, every promise as a line; negative amounts are refused and change nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import Conflict, InvalidInput
from showroom.models import Quote
from showroom.quotes import LineIn, PromiseIn, quote_create, quote_promises_for_handover


def test_a_quote_has_lines_packages_promises_and_the_policy(quote, prospect, song, tech_pack):
    prospect.refresh_from_db()
    lines = list(quote.lines.values_list("kind", "description", "amount"))
    assert lines == [("vehicle", "比亚迪 宋PLUS DM-i 车价", Decimal("159800.00")), ("package", "科技包", Decimal("8800.00"))]
    assert quote.total == Decimal("168600.00") and quote.version == 1
    assert [p.kind for p in quote.promises.all()] == ["gift", "free_service"]
    assert "质保" in quote.after_sales_policy and quote.valid_until == timezone.localdate() + dt.timedelta(days=7)
    assert prospect.status == "quote" and prospect.quoted_at


def test_discounts_subtract_and_each_change_is_a_new_version(sales_sam, prospect, song, quote):
    second = quote_create(
        user=sales_sam,
        prospect=prospect,
        car_model_id=song.id,
        vehicle_price=Decimal("155800"),
        lines=[LineIn("fee", "上牌服务费", Decimal("500")), LineIn("discount", "店庆优惠", Decimal("3000"))],
    )
    assert second.version == 2 and second.total == Decimal("153300.00")
    assert Quote.objects.get(pk=quote.pk).total == Decimal("168600.00")  # version 1 untouched


def test_the_finance_option_is_snapshotted(sales_sam, prospect, song, plan_36):
    quote = quote_create(
        user=sales_sam,
        prospect=prospect,
        car_model_id=song.id,
        vehicle_price=Decimal("200000"),
        finance_plan_id=plan_36.id,
        down_payment=Decimal("60000"),
    )
    assert quote.finance_summary["monthly_payment"] == "4102.29"
    assert quote.finance_summary["total_cost"] == "209182.44"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"vehicle_price": Decimal("-1")}, "vehicle_price"),
        ({"lines": [LineIn("option", "真皮座椅", Decimal("-500"))]}, "lines.0.amount"),
        ({"lines": [LineIn("discount", "优惠", Decimal("-5"))]}, "lines.0.amount"),
        ({"promises": [PromiseIn("gift", "脚垫", Decimal("-1"))]}, "promises.0.value"),
        ({"lines": [LineIn("discount", "超额优惠", Decimal("999999"))]}, "lines"),
        ({"promises": [PromiseIn("verbal", "口头承诺")]}, "promises.0.kind"),
        ({"lines": [LineIn("vehicle", "再来一辆", Decimal("1"))]}, "lines.0.kind"),
    ],
)
def test_bad_amounts_are_refused_and_change_nothing(sales_sam, prospect, song, kwargs, field):
    with pytest.raises(InvalidInput) as exc:
        quote_create(user=sales_sam, prospect=prospect, car_model_id=song.id, **kwargs)
    assert field in exc.value.errors and exc.value.status == 422
    prospect.refresh_from_db()
    assert not Quote.objects.exists() and prospect.status == "new"


def test_a_closed_prospect_gets_no_new_quote(sales_sam, prospect, song, quote):
    from showroom.services import prospect_win

    prospect_win(user=sales_sam, prospect=prospect)
    with pytest.raises(Conflict):
        quote_create(user=sales_sam, prospect=prospect, car_model_id=song.id)


def test_promises_are_handed_over_in_the_handover_shape(quote):
    promises = quote_promises_for_handover(quote)
    assert promises[0] == {
        "kind": "gift",
        "description": "全车脚垫与行车记录仪",
        "value": Decimal("1200.00"),
        "valid_until": None,
    }
    assert promises[1]["kind"] == "free_service" and promises[1]["value"] is None
