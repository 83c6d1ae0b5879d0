"""What the store manager keeps up to date (DOMAIN §15: a configurable needs → model matrix, value-added
packages, finance rates): the showroom's model catalogue, the matrix, packages, finance plans and
demo cars. Every write validates the model's own rules and is limited to the manager's stores."""

from django.db import IntegrityError, transaction

from accounts.permissions import Perm, require
from core.errors import Conflict, InvalidInput, full_clean_or_invalid
from core.scoping import store_for_write
from showroom.models import CarModel, DemoCar, FinancePlan, RecommendationRule, ValuePackage

CAR_MODEL_FIELDS = (
    "brand",
    "model",
    "trim",
    "powertrain",
    "body_type",
    "seats",
    "guide_price",
    "fuel_l_per_100km",
    "power_kwh_per_100km",
    "battery_kwh",
    "range_km",
    "annual_maintenance",
    "key_specs",
    "options",
    "is_active",
)
PACKAGE_FIELDS = ("name", "description", "price", "is_active")
PLAN_FIELDS = ("name", "annual_rate_percent", "term_months", "fees", "min_down_payment_percent", "is_active")


def _save(instance, fields: dict, allowed: tuple[str, ...], duplicate: str):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise InvalidInput({name: "不可修改的字段" for name in unknown})
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(instance, name, value)
    full_clean_or_invalid(instance, exclude=["store", "car_model"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise Conflict(duplicate, {"name": duplicate}) from None
    return instance


def _text_list(value, field: str) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and len(v) <= 60 for v in value) or len(value) > 30:
        raise InvalidInput({field: "请填写文字列表（每项不超过 60 字，最多 30 项）"})


@transaction.atomic
def car_model_save(*, user, car_model: CarModel | None = None, store_id: int | None = None, **fields) -> CarModel:
    require(user, Perm.SHOWROOM_CONFIGURE)
    if car_model is None:
        car_model = CarModel(store_id=store_for_write(user, store_id))
    for name in ("key_specs", "options"):
        if name in fields:
            _text_list(fields[name], name)
    return _save(car_model, fields, CAR_MODEL_FIELDS, "本店已有同名车型配置")


@transaction.atomic
def value_package_save(*, user, package: ValuePackage | None = None, store_id: int | None = None, **fields) -> ValuePackage:
    require(user, Perm.SHOWROOM_CONFIGURE)
    package = package or ValuePackage(store_id=store_for_write(user, store_id))
    return _save(package, fields, PACKAGE_FIELDS, "套餐重复")


@transaction.atomic
def finance_plan_save(*, user, plan: FinancePlan | None = None, store_id: int | None = None, **fields) -> FinancePlan:
    """Finance rates are configurable (DOMAIN §15)."""
    require(user, Perm.SHOWROOM_CONFIGURE)
    plan = plan or FinancePlan(store_id=store_for_write(user, store_id))
    return _save(plan, fields, PLAN_FIELDS, "方案重复")


def _store_car_model(store_id: int, car_model_id: int) -> CarModel:
    car_model = CarModel.objects.filter(pk=car_model_id, store_id=store_id).first()
    if car_model is None:
        raise InvalidInput({"car_model_id": "本店没有该车型"})
    return car_model


@transaction.atomic
def demo_car_save(
    *, user, demo_car: DemoCar | None = None, store_id: int | None = None, car_model_id: int, plate: str, is_active: bool = True
) -> DemoCar:
    require(user, Perm.SHOWROOM_CONFIGURE)
    store_id = demo_car.store_id if demo_car else store_for_write(user, store_id)
    demo_car = demo_car or DemoCar(store_id=store_id)
    demo_car.car_model = _store_car_model(store_id, car_model_id)
    if not plate.strip():
        raise InvalidInput({"plate": "请填写车牌号"})
    return _save(
        demo_car, {"plate": plate.strip()[:12], "is_active": is_active}, ("plate", "is_active"), "本店已有该车牌的试驾车"
    )


@transaction.atomic
def recommendation_rule_add(
    *,
    user,
    budget_band: str,
    usage: str,
    powertrain_preference: str,
    car_model_id: int,
    rank: int = 1,
    store_id: int | None = None,
) -> RecommendationRule:
    """One cell of the needs → model matrix."""
    require(user, Perm.SHOWROOM_CONFIGURE)
    store_id = store_for_write(user, store_id)
    rule = RecommendationRule(
        store_id=store_id,
        budget_band=budget_band,
        usage=usage,
        powertrain_preference=powertrain_preference,
        car_model=_store_car_model(store_id, car_model_id),
        rank=rank,
    )
    full_clean_or_invalid(rule, exclude=["store", "car_model"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        raise Conflict("矩阵中已有该推荐", {"car_model_id": "矩阵中已有该推荐"}) from None
    return rule


@transaction.atomic
def recommendation_rule_remove(*, user, rule: RecommendationRule) -> None:
    require(user, Perm.SHOWROOM_CONFIGURE)
    RecommendationRule.objects.filter(pk=rule.pk).delete()
