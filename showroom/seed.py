"""Showroom demo data: the showroom catalogue built from the archive's demo catalogue
(core.seed.CATALOGUE: brand, model, powertrain, battery, options) plus showroom facts (price, body,
consumption), finance plans, packages, a needs → model matrix, a demo car and a few prospects of
sales_a. Idempotent: keyed on natural keys, safe to run again."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from core.seed import CATALOGUE
from customers.validators import national_digits
from showroom.models import (
    BodyType,
    CarModel,
    DemoCar,
    FinancePlan,
    Prospect,
    ProspectSource,
    RecommendationRule,
    ValuePackage,
)

# Showroom facts of the archive's models: (guide price, body, seats, L/100km, kWh/100km, range, maintenance/year, specs)
_FACTS = {
    "帕萨特": ("199900", BodyType.SEDAN, 5, "6.9", "0", None, "1800", ["2.0T 162kW", "轴距 2871mm"]),
    "途观L": ("229900", BodyType.SUV, 5, "7.8", "0", None, "2000", ["2.0T 162kW", "四驱可选"]),
    "凯美瑞双擎": ("219800", BodyType.SEDAN, 5, "4.2", "0", None, "1500", ["2.5L 混动", "综合功率 160kW"]),
    "雅阁": ("179800", BodyType.SEDAN, 5, "6.3", "0", None, "1600", ["1.5T 143kW"]),
    "GL8": ("329900", BodyType.MPV, 7, "8.9", "0", None, "2400", ["2.0T", "七座商务"]),
    "汉EV": ("209800", BodyType.SEDAN, 5, "0", "13.9", 605, "800", ["刀片电池 76.9kWh", "CLTC 605km"]),
    "宋PLUS DM-i": ("159800", BodyType.SUV, 5, "3.8", "14.5", 110, "1000", ["1.5L 插混", "纯电 110km"]),
    "L7": ("319800", BodyType.SUV, 5, "6.6", "20.0", 210, "1500", ["增程式", "纯电 210km"]),
}
_PLANS = [("一年免息", "0", 12, "2000", "30"), ("三年低息", "3.5", 36, "1500", "20"), ("五年分期", "4.2", 60, "1000", "20")]
_PACKAGES = [
    ("科技包", "全景影像、HUD 抬头显示、智能泊车", "8800"),
    ("极速交付 + VIP 服务通道", "7 天内交车；售后 VIP 通道与专属顾问", "3000"),
    ("养护无忧包", "3 年 6 次常规保养", "4800"),
]
_MATRIX = [
    ("150_200k", "family", "any", "宋PLUS DM-i"),
    ("150_200k", "commute", "any", "雅阁"),
    ("150_200k", "family", "hybrid", "宋PLUS DM-i"),
    ("200_300k", "family", "any", "途观L"),
    ("200_300k", "commute", "bev", "汉EV"),
    ("200_300k", "business", "any", "帕萨特"),
    ("over_300k", "business", "any", "GL8"),
    ("over_300k", "family", "hybrid", "L7"),
]
_PROSPECTS = [
    ("陈晓明", "13700001001", ProspectSource.ONLINE, "家用 SUV，关注油耗", "150_200k"),
    ("刘芳", "13700001002", ProspectSource.PHONE, "上下班通勤，想了解纯电", "200_300k"),
    ("赵强", "13700001003", ProspectSource.EVENT, "公司商务接待用车", "over_300k"),
]


def _car_models(store) -> dict[str, CarModel]:
    models = {}
    for entry in CATALOGUE:
        if entry.model not in _FACTS:
            continue
        price, body, seats, fuel, power, range_km, upkeep, specs = _FACTS[entry.model]
        models[entry.model], _ = CarModel.objects.get_or_create(
            store=store,
            brand=entry.brand,
            model=entry.model,
            trim="",
            defaults={
                "powertrain": entry.powertrain,
                "body_type": body,
                "seats": seats,
                "guide_price": Decimal(price),
                "fuel_l_per_100km": Decimal(fuel),
                "power_kwh_per_100km": Decimal(power),
                "battery_kwh": Decimal(entry.battery_kwh) if entry.battery_kwh else None,
                "range_km": range_km,
                "annual_maintenance": Decimal(upkeep),
                "key_specs": specs,
                "options": list(entry.options),
            },
        )
    return models


def _configuration(store, models: dict[str, CarModel]) -> None:
    for name, rate, term, fees, down in _PLANS:
        FinancePlan.objects.get_or_create(
            store=store,
            name=name,
            defaults={
                "annual_rate_percent": Decimal(rate),
                "term_months": term,
                "fees": Decimal(fees),
                "min_down_payment_percent": Decimal(down),
            },
        )
    for name, description, price in _PACKAGES:
        ValuePackage.objects.get_or_create(store=store, name=name, defaults={"description": description, "price": Decimal(price)})
    for rank, (budget, usage, preference, model) in enumerate(_MATRIX, start=1):
        RecommendationRule.objects.get_or_create(
            store=store,
            budget_band=budget,
            usage=usage,
            powertrain_preference=preference,
            car_model=models[model],
            defaults={"rank": rank},
        )
    DemoCar.objects.get_or_create(
        store=store, plate=f"{'粤A' if store.code == 'GZ01' else '粤B'}·SJ001", defaults={"car_model": models["宋PLUS DM-i"]}
    )
    DemoCar.objects.get_or_create(
        store=store, plate=f"{'粤A' if store.code == 'GZ01' else '粤B'}·SJ002", defaults={"car_model": models["汉EV"]}
    )


def seed_demo(*, stores, users) -> None:
    for store in stores.values():
        _configuration(store, _car_models(store))
    salesperson = next((user for user in users if user.username == "sales_a"), None)
    store = stores.get("GZ01")
    if salesperson is None or store is None:
        return
    now = timezone.now()
    for offset, (name, mobile, source, need, budget) in enumerate(_PROSPECTS):
        number = f"+86{mobile}"
        if Prospect.objects.filter(store=store, mobile=number).exists():
            continue
        Prospect.objects.create(
            store=store,
            name=name,
            mobile=number,
            mobile_last4=national_digits(number)[-4:],
            source=source,
            owner=salesperson,
            main_need=need,
            budget_band=budget,
            created_at=now - dt.timedelta(days=offset + 1),
            created_by=salesperson,
        )
