"""Writes to the customer archive. Views and API call these; every rule lives here."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.permissions import Perm, require
from core.errors import DuplicateCustomer, InvalidInput, full_clean_or_invalid
from core.policies import policy_value
from core.scoping import store_for_write
from customers.birthdays import birthday_in_year, validate_lunar_birthday
from customers.models import Consent, ConsentEvent, ConsentPurpose, Customer, CustomerMobile, Interaction
from customers.validators import name_search_keys, national_digits, normalize_mobile

# Fields a caller may set directly; everything else is derived or has its own service.
PROFILE_FIELDS = (
    "gender",
    "birthday",
    "birthday_is_lunar",
    "id_type",
    "id_number",
    "address",
    "company",
    "preferred_channel",
    "preferred_time",
    "decision_maker",
    "source",
    "member_tier",
    "manual_tags",
    "guardian_name",
)


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput({"name": "请填写客户姓名"})
    if len(name) > 60:
        raise InvalidInput({"name": "姓名不能超过 60 个字符"})
    return name


def _check_birthday(birthday: dt.date | None, is_lunar: bool) -> None:
    if birthday is None:
        return
    if birthday > timezone.localdate():
        raise InvalidInput({"birthday": "生日不能晚于今天"})
    if birthday.year < 1900:
        raise InvalidInput({"birthday": "生日年份不正确"})
    if is_lunar:
        validate_lunar_birthday(birthday)


def _ensure_mobile_free(store_id: int, number: str, *, field: str, except_customer_id: int | None = None):
    existing = CustomerMobile.objects.filter(store_id=store_id, number=number).values_list("customer_id", flat=True).first()
    if existing is not None and existing != except_customer_id:
        raise DuplicateCustomer(existing, field=field)


def _add_mobile(customer: Customer, number: str, *, is_primary: bool, label: str = "") -> CustomerMobile:
    try:
        with transaction.atomic():
            return CustomerMobile.objects.create(
                store_id=customer.store_id,
                customer=customer,
                number=number,
                last4=national_digits(number)[-4:],
                is_primary=is_primary,
                label=label,
            )
    except IntegrityError:
        # Two clerks saving the same number at once: the unique constraint decides, we explain.
        existing = CustomerMobile.objects.get(store_id=customer.store_id, number=number).customer_id
        raise DuplicateCustomer(existing) from None


def _apply_profile(customer: Customer, fields: dict) -> None:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput({name: "不可修改的字段" for name in unknown})
    for name, value in fields.items():
        field = Customer._meta.get_field(name)
        setattr(customer, name, field.get_default() if value is None and not field.null else value)
    _check_birthday(customer.birthday, customer.birthday_is_lunar)
    customer.birthday_md = customer.birthday.strftime("%m-%d") if customer.birthday else ""
    if not isinstance(customer.manual_tags, list) or not all(isinstance(t, str) for t in customer.manual_tags):
        raise InvalidInput({"manual_tags": "标签必须是文字列表"})
    full_clean_or_invalid(customer, exclude=["store", "created_by", "referred_by"], validate_unique=False)


@transaction.atomic
def customer_create(
    *,
    user,
    name: str,
    mobile: str,
    store_id: int | None = None,
    extra_mobiles: list[str] = (),
    referred_by_id: int | None = None,
    guardian_consent: bool = False,
    **profile,
) -> Customer:
    """Create a customer in the caller's store. DOMAIN §2: the same mobile twice in a store is refused
    with a pointer to the existing customer (merge), never stored as a silent duplicate."""
    require(user, Perm.CUSTOMER_EDIT)
    store_id = store_for_write(user, store_id)
    name = _clean_name(name)
    number = normalize_mobile(mobile)
    _ensure_mobile_free(store_id, number, field="mobile")
    extra = [normalize_mobile(m, field="extra_mobiles") for m in extra_mobiles if m and m.strip()]
    for other in extra:
        _ensure_mobile_free(store_id, other, field="extra_mobiles")
    pinyin, initials = name_search_keys(name)
    customer = Customer(store_id=store_id, name=name, name_pinyin=pinyin, name_initials=initials, mobile=number, created_by=user)
    _apply_profile(customer, profile)
    customer.member_tier_floor = customer.member_tier
    _check_guardian(customer, guardian_consent)
    customer.referred_by = _referrer(store_id, referred_by_id)
    if customer.referred_by:
        customer.source = "referral"
    customer.save()
    _add_mobile(customer, number, is_primary=True)
    for other in dict.fromkeys(extra):
        if other != number:
            _add_mobile(customer, other, is_primary=False)
    return customer


def _check_guardian(customer: Customer, guardian_consent: bool) -> None:
    """PIPL Art. 31: a customer under 14 is recorded only with a guardian's consent."""
    if customer.birthday is None:
        return
    born = birthday_in_year(customer.birthday, customer.birthday_is_lunar, customer.birthday.year)
    today = timezone.localdate()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age >= policy_value(customer.store_id, "privacy.guardian_age"):
        return
    errors = {}
    if not customer.guardian_name.strip():
        errors["guardian_name"] = "未满 14 周岁的客户须登记监护人"
    if not guardian_consent:
        errors["guardian_consent"] = "未满 14 周岁的客户须取得监护人同意"
    if errors:
        raise InvalidInput(errors)
    customer.guardian_consent_at = timezone.now()


def _referrer(store_id: int, referred_by_id: int | None) -> Customer | None:
    if referred_by_id is None:
        return None
    referrer = Customer.objects.filter(store_id=store_id, pk=referred_by_id).first()
    if referrer is None:
        raise InvalidInput({"referred_by_id": "推荐人不存在"})
    return referrer


@transaction.atomic
def customer_update(*, user, customer: Customer, name: str | None = None, mobile: str | None = None, **profile) -> Customer:
    """Change a customer's profile; a new primary mobile keeps the old one as a secondary number."""
    require(user, Perm.CUSTOMER_EDIT)
    customer = Customer.objects.select_for_update(no_key=True).get(pk=customer.pk)
    if name is not None:
        customer.name = _clean_name(name)
        customer.name_pinyin, customer.name_initials = name_search_keys(customer.name)
    if mobile is not None:
        number = normalize_mobile(mobile)
        if number != customer.mobile:
            _ensure_mobile_free(customer.store_id, number, field="mobile", except_customer_id=customer.pk)
            customer.mobiles.update(is_primary=False)
            if not customer.mobiles.filter(number=number).update(is_primary=True):
                _add_mobile(customer, number, is_primary=True)
            customer.mobile = number
    if profile.get("member_tier") not in (None, customer.member_tier):
        customer.member_tier_floor = profile["member_tier"]  # set by hand: the nightly tiers keep it as a floor
    _apply_profile(customer, profile)
    customer.save()
    return customer


@transaction.atomic
def customer_mobile_add(*, user, customer: Customer, mobile: str, label: str = "") -> CustomerMobile:
    require(user, Perm.CUSTOMER_EDIT)
    number = normalize_mobile(mobile)
    _ensure_mobile_free(customer.store_id, number, field="mobile", except_customer_id=None)
    return _add_mobile(customer, number, is_primary=False, label=label)


@transaction.atomic
def consent_record(
    *, user, customer: Customer, purpose: str, granted: bool, source: str, text_version: str | None = None
) -> Consent:
    """Record a customer's yes or no for one purpose with time, source and consent-text version
    (DOMAIN §14). A withdrawal takes effect at once: every channel reads the same Consent row."""
    require(user, Perm.CUSTOMER_EDIT)
    return consent_write(
        customer=customer, purpose=purpose, granted=granted, source=source, text_version=text_version, recorded_by=user
    )


@transaction.atomic
def consent_write(
    *, customer: Customer, purpose: str, granted: bool, source: str, text_version: str | None = None, recorded_by=None
) -> Consent:
    """The one place consent rows are written — by staff (consent_record) or by the customer
    directly, e.g. an SMS reply "T" (no staff member: recorded_by is empty)."""
    if purpose not in ConsentPurpose.values:
        raise InvalidInput({"purpose": "未知的授权用途"})
    if not source.strip():
        raise InvalidInput({"source": "请填写授权来源"})
    values = {
        "granted": granted,
        "recorded_at": timezone.now(),
        "source": source.strip()[:50],
        "text_version": str(text_version or policy_value(customer.store_id, "consent.text_version"))[:20],
    }
    ConsentEvent.objects.create(customer=customer, purpose=purpose, recorded_by=recorded_by, **values)
    consent, _ = Consent.objects.update_or_create(customer=customer, purpose=purpose, defaults=values)
    return consent


@transaction.atomic
def interaction_create(
    *,
    user,
    customer: Customer,
    channel: str,
    direction: str,
    summary: str,
    occurred_at: dt.datetime | None = None,
    outcome: str = "",
    vehicle=None,
) -> Interaction:
    """DOMAIN §1: log one contact (channel, direction, staff, customer, vehicle, time, summary, outcome)."""
    require(user, Perm.INTERACTION_LOG)
    errors = {}
    if channel not in dict(Interaction.Channel.choices):
        errors["channel"] = "未知的接触渠道"
    if direction not in dict(Interaction.Direction.choices):
        errors["direction"] = "方向必须是 in 或 out"
    if not (summary or "").strip():
        errors["summary"] = "请填写内容摘要"
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        errors["occurred_at"] = "时间不能晚于现在"
    if vehicle is not None and vehicle.store_id != customer.store_id:
        errors["vehicle_id"] = "车辆不存在"
    if errors:
        raise InvalidInput(errors)
    interaction = Interaction.objects.create(
        store_id=customer.store_id,
        customer=customer,
        vehicle=vehicle,
        staff=user,
        channel=channel,
        direction=direction,
        occurred_at=occurred_at,
        summary=summary.strip()[:2000],
        outcome=(outcome or "").strip()[:200],
    )
    from complaints.services import red_alert_scan  # complaints builds on the archive

    red_alert_scan(
        store_id=customer.store_id,
        text=f"{interaction.summary} {interaction.outcome}",
        source=f"interaction:{interaction.pk}",
        customer=customer,
    )
    return interaction
