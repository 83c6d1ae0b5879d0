"""Delivery (DOMAIN §15 → §3): PDI checklist (shared with the customer by a signed link), the
delivery checklist with the "three explanations", then delivered — the customer and vehicle enter
the archive, the handover clock (24 h) and the first-service reminder plan start, the delivery
follow-up calls are planned and the purchase reaches loyalty (spend, referral reward)."""

import datetime as dt

from django.core import signing
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Perm, require
from core.errors import Conflict, DomainError, DuplicateCustomer, InvalidInput
from core.policies import policy_value
from customers.models import Customer
from showroom.models import Delivery, PdiItem, PdiPhoto, Prospect
from showroom.quotes import quote_promises_for_handover
from showroom.services import _event, needs_tags
from vehicles.models import Vehicle
from vehicles.validators import validate_plate, validate_vin

PDI_LINK_SALT = "showroom.pdi"
PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
MAX_PHOTOS = 24


class PdiLinkInvalid(DomainError):
    status = 410


@transaction.atomic
def delivery_start(*, user, prospect: Prospect, vin: str, plate: str = "", colour: str = "") -> tuple[Delivery, list[str]]:
    """Open the delivery of a won prospect for the car being handed over (VIN warnings returned)."""
    require(user, Perm.SHOWROOM_SELL)
    prospect = Prospect.objects.select_for_update().get(pk=prospect.pk)
    if prospect.status != Prospect.Status.WON:
        raise InvalidInput({"status": "潜客尚未成交，不能安排交车"})
    if Delivery.objects.filter(prospect=prospect).exists():
        raise Conflict("该潜客已有交车记录")
    vin, warnings = validate_vin(vin)
    delivery = Delivery.objects.create(
        store_id=prospect.store_id,
        prospect=prospect,
        quote_id=prospect.won_quote_id,
        vin=vin,
        plate=validate_plate(plate) if plate.strip() else "",
        colour=(colour or prospect.won_quote.colour).strip()[:20],
        created_by=user,
    )
    return delivery, warnings


def _open(delivery: Delivery) -> Delivery:
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.delivered_at is not None:
        raise Conflict("该车辆已交车，不能再修改")
    return delivery


@transaction.atomic
def pdi_record(*, user, delivery: Delivery, results: dict[str, dict]) -> Delivery:
    """Record the PDI result of every item. The PDI is finished when every item passed; an item
    with a problem needs a note and is re-checked after the fix."""
    require(user, Perm.SHOWROOM_SELL)
    if not isinstance(results, dict):
        raise InvalidInput({"results": "请逐项填写检查结果"})
    missing = [item.label for item in PdiItem if not isinstance(results.get(item.value), dict)]
    if missing:
        raise InvalidInput({"results": f"请填写以下检查项：{'、'.join(missing)}"})
    clean = {}
    for item in PdiItem:
        entry = results[item.value]
        ok, note = entry.get("ok"), str(entry.get("note") or "").strip()[:200]
        if not isinstance(ok, bool):
            raise InvalidInput({f"results.{item.value}": "请选择“合格”或“有问题”"})
        if not ok and not note:
            raise InvalidInput({f"results.{item.value}": f"“{item.label}”有问题时请说明"})
        clean[item.value] = {"ok": ok, "note": note}
    delivery = _open(delivery)
    passed = all(entry["ok"] for entry in clean.values())
    delivery.pdi_results = clean
    delivery.pdi_completed_at, delivery.pdi_completed_by = (timezone.now(), user) if passed else (None, None)
    delivery.save(update_fields=["pdi_results", "pdi_completed_at", "pdi_completed_by"])
    return delivery


@transaction.atomic
def pdi_photo_add(*, user, delivery: Delivery, item: str, data: bytes) -> PdiPhoto:
    """A JPEG or PNG photo of a checklist item (at most 2 MB)."""
    require(user, Perm.SHOWROOM_SELL)
    if item not in PdiItem.values:
        raise InvalidInput({"item": "请选择检查项"})
    if not data or len(data) > PHOTO_MAX_BYTES:
        raise InvalidInput({"photo": "照片不能为空且不能超过 2 MB"})
    content_type = next((kind for magic, kind in PHOTO_SIGNATURES.items() if data.startswith(magic)), None)
    if content_type is None:
        raise InvalidInput({"photo": "只支持 JPEG 或 PNG 照片"})
    delivery = _open(delivery)
    if delivery.photos.count() >= MAX_PHOTOS:
        raise InvalidInput({"photo": f"每次交车最多 {MAX_PHOTOS} 张照片"})
    return PdiPhoto.objects.create(delivery=delivery, item=item, content_type=content_type, data=data)


def pdi_token(delivery: Delivery) -> str:
    return signing.TimestampSigner(salt=PDI_LINK_SALT).sign(str(delivery.pk))


def delivery_for_pdi_token(token: str) -> Delivery:
    """The delivery behind a customer's PDI link; expired or tampered links are refused (410)."""
    signer = signing.TimestampSigner(salt=PDI_LINK_SALT)
    try:
        delivery_id = int(signer.unsign(token))
    except (signing.BadSignature, ValueError):
        raise PdiLinkInvalid("链接无效，请联系您的销售顾问") from None
    delivery = Delivery.objects.select_related("prospect", "quote__car_model").filter(pk=delivery_id).first()
    if delivery is None:
        raise PdiLinkInvalid("链接无效，请联系您的销售顾问")
    try:
        signer.unsign(token, max_age=dt.timedelta(days=policy_value(delivery.store_id, "showroom.pdi_link_days")))
    except signing.SignatureExpired:
        raise PdiLinkInvalid("链接已过期，请联系您的销售顾问") from None
    return delivery


@transaction.atomic
def delivery_checklist(
    *, user, delivery: Delivery, explained_features: bool, explained_after_sales: bool, explained_membership: bool
) -> Delivery:
    """The three explanations (三个讲解): vehicle features, after-sales rights, membership rules."""
    require(user, Perm.SHOWROOM_SELL)
    delivery = _open(delivery)
    delivery.explained_features = bool(explained_features)
    delivery.explained_after_sales = bool(explained_after_sales)
    delivery.explained_membership = bool(explained_membership)
    delivery.save(update_fields=["explained_features", "explained_after_sales", "explained_membership"])
    return delivery


@transaction.atomic
def delivery_complete(*, user, delivery: Delivery, delivered_at: dt.datetime | None = None) -> Delivery:
    """Mark delivered. Refused (nothing changed) without a finished PDI or the three explanations."""
    require(user, Perm.SHOWROOM_SELL)
    delivery = _open(delivery)
    errors = {}
    if not delivery.pdi_finished:
        errors["pdi"] = "PDI 检查未完成（须全部项目合格），不能交车"
    if not delivery.explanations_done:
        errors["explanations"] = "请先完成三个讲解：车辆功能、售后权益、会员规则"
    if errors:
        raise InvalidInput(errors)
    delivered_at = delivered_at or timezone.now()
    prospect = (
        Prospect.objects.select_for_update(of=("self",)).select_related("won_quote__car_model").get(pk=delivery.prospect_id)
    )
    customer = _archive_customer(user, prospect)
    vehicle = _archive_vehicle(user, delivery, prospect, customer, timezone.localdate(delivered_at))
    delivery.delivered_at, delivery.customer, delivery.vehicle = delivered_at, customer, vehicle
    delivery.save(update_fields=["delivered_at", "customer", "vehicle"])
    if prospect.customer_id != customer.pk:
        prospect.customer = customer
        prospect.save(update_fields=["customer"])
    _event(prospect, "delivered", user, f"车架号 {delivery.vin}")
    _after_sales_start(user, delivery, prospect, customer, vehicle)
    return delivery


def _archive_customer(user, prospect: Prospect) -> Customer:
    """The prospect's customer record: the linked one (tags merged) or a new one; the needs
    interview becomes customer tags (DOMAIN §15 → §2)."""
    from customers.services import customer_create, customer_update

    tags = needs_tags(prospect)
    customer = prospect.customer
    if customer is None:
        profile = {"source": prospect.source, "company": prospect.company, "manual_tags": tags}
        if prospect.decision_maker:
            profile["decision_maker"] = prospect.get_decision_maker_display()
        try:
            with transaction.atomic():
                return customer_create(
                    user=user,
                    name=prospect.name,
                    mobile=prospect.mobile,
                    store_id=prospect.store_id,
                    referred_by_id=prospect.referrer_id,
                    **profile,
                )
        except DuplicateCustomer as exc:  # registered in the archive meanwhile: link it
            customer = Customer.objects.get(pk=exc.existing_customer_id)
    new_tags = [tag for tag in tags if tag not in customer.manual_tags]
    if new_tags:
        customer = customer_update(user=user, customer=customer, manual_tags=[*customer.manual_tags, *new_tags])
    return customer


def _archive_vehicle(user, delivery: Delivery, prospect: Prospect, customer: Customer, day: dt.date) -> Vehicle:
    """Create the vehicle in the archive, or link the customer's vehicle with this VIN."""
    from reminders.services import vehicle_schedule_refresh
    from vehicles.services import vehicle_create

    vehicle = Vehicle.objects.filter(store_id=delivery.store_id, vin=delivery.vin).first()
    if vehicle is not None and vehicle.owner_id != customer.pk:
        raise Conflict("该车架号已登记在其他客户名下", {"vin": "该车架号已登记在其他客户名下"})
    car_model = prospect.won_quote.car_model
    if vehicle is None:
        vehicle, _ = vehicle_create(
            user=user,
            owner=customer,
            vin=delivery.vin,
            plate=delivery.plate,
            brand=car_model.brand,
            model=car_model.model,
            trim=car_model.trim,
            powertrain=car_model.powertrain,
            colour=delivery.colour,
            battery_capacity_kwh=car_model.battery_kwh,
            purchase_date=day,
            delivery_date=day,
        )
    elif vehicle.delivery_date is None:
        vehicle.delivery_date = day
        vehicle.save(update_fields=["delivery_date", "updated_at"])
        vehicle_schedule_refresh(vehicle)  # the first-service plan counts from delivery
    Vehicle.objects.filter(pk=vehicle.pk).update(salesperson=prospect.owner)
    vehicle.salesperson = prospect.owner
    return vehicle


def _after_sales_start(user, delivery: Delivery, prospect: Prospect, customer: Customer, vehicle: Vehicle) -> None:
    """Handover with every promise of the quote (24 h clock), delivery follow-up calls, loyalty."""
    from followups.services import visit_follow_ups_plan
    from handover.services import handover_open
    from loyalty.services import referral_purchase, spend_record

    source_key = f"showroom.delivery:{delivery.pk}"
    handover_open(
        user=user,
        customer=customer,
        vehicle=vehicle,
        salesperson=prospect.owner,
        delivered_at=delivery.delivered_at,
        promises=quote_promises_for_handover(delivery.quote),
        source_key=source_key,
    )
    visit_follow_ups_plan(vehicle=vehicle, visited_on=timezone.localdate(delivery.delivered_at), kind="delivery")
    spend_record(
        customer=customer, amount=delivery.quote.total, kind="purchase", occurred_at=delivery.delivered_at, source_key=source_key
    )
    referral_purchase(customer=customer, source_key=source_key)
