"""Prospects, the pipeline, the needs interview and walk-in reception (DOMAIN §15, §1).

Pipeline: new → contacted → visited → test drive → quote → won / lost. Stages only move forward; each
stamps its column once. Lost needs a reason, won needs a quote. Test drives and quotes move the
prospect themselves (showroom.testdrives, showroom.quotes).
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import Perm, require
from core.errors import Conflict, InvalidInput
from core.policies import policy_value
from core.scoping import store_for_write
from customers.models import Customer, CustomerMobile
from customers.validators import national_digits, normalize_mobile
from showroom.models import (
    BudgetBand,
    CarModel,
    Concern,
    DecisionMaker,
    HiddenNeed,
    LostReason,
    PowertrainPreference,
    Prospect,
    ProspectEvent,
    ProspectSource,
    Quote,
    Usage,
    WalkIn,
)

STAGES = [
    Prospect.Status.NEW,
    Prospect.Status.CONTACTED,
    Prospect.Status.VISITED,
    Prospect.Status.TEST_DRIVE,
    Prospect.Status.QUOTE,
]
STAGE_COLUMN = {
    Prospect.Status.CONTACTED: "contacted_at",
    Prospect.Status.VISITED: "first_visit_at",
    Prospect.Status.TEST_DRIVE: "test_drive_at",
    Prospect.Status.QUOTE: "quoted_at",
}


class DuplicateProspect(Conflict):
    """DOMAIN §15: the same mobile already has an open prospect in this store — continue that one."""

    def __init__(self, existing: Prospect):
        super().__init__("该手机号已有跟进中的潜客，请继续跟进已有记录。", {"mobile": "该手机号已有跟进中的潜客"})
        self.existing_prospect_id = existing.pk


def _event(prospect: Prospect, kind: str, user, detail: str = "", at: dt.datetime | None = None) -> None:
    ProspectEvent.objects.create(prospect=prospect, kind=kind, actor=user, detail=detail[:300], at=at or timezone.now())


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput({"name": "请填写姓名"})
    if len(name) > 60:
        raise InvalidInput({"name": "姓名不能超过 60 个字符"})
    return name


def _choice(value: str, choices, field: str, *, blank: bool = False) -> str:
    if (blank and value == "") or value in choices.values:
        return value
    raise InvalidInput({field: "请选择有效的选项"})


def _owner(store_id: int, owner_id: int | None, default, field: str = "owner_id"):
    if owner_id is None:
        return default
    owner = get_user_model().objects.filter(pk=owner_id, is_active=True).first()
    if owner is None or store_id not in owner.accessible_store_ids():
        raise InvalidInput({field: "该员工不属于本店"})
    return owner


def _store_customer(store_id: int, customer_id: int | None, field: str) -> Customer | None:
    if customer_id is None:
        return None
    customer = Customer.objects.filter(pk=customer_id, store_id=store_id, erased_at__isnull=True).first()
    if customer is None:
        raise InvalidInput({field: "本店没有该客户"})
    return customer


def _car_model(store_id: int, car_model_id: int | None, field: str = "interested_model_id") -> CarModel | None:
    if car_model_id is None:
        return None
    car_model = CarModel.objects.filter(pk=car_model_id, store_id=store_id).first()
    if car_model is None:
        raise InvalidInput({field: "本店没有该车型"})
    return car_model


def open_prospect_for(store_id: int, mobile: str) -> Prospect | None:
    return Prospect.objects.filter(store_id=store_id, mobile=mobile).exclude(status__in=Prospect.CLOSED).first()


def customer_for_mobile(store_id: int, mobile: str) -> Customer | None:
    customer_id = CustomerMobile.objects.filter(store_id=store_id, number=mobile).values_list("customer_id", flat=True).first()
    return Customer.objects.filter(pk=customer_id, erased_at__isnull=True).first() if customer_id else None


@transaction.atomic
def prospect_create(
    *,
    user,
    name: str,
    mobile: str,
    source: str,
    store_id: int | None = None,
    owner_id: int | None = None,
    company: str = "",
    main_need: str = "",
    budget_band: str = "",
    interested_model_id: int | None = None,
    referrer_id: int | None = None,
    at: dt.datetime | None = None,
) -> Prospect:
    """A prospect from any channel. An open prospect with the same mobile is a duplicate (409); a
    customer with that mobile is linked, so reception sees who the visitor already is."""
    require(user, Perm.SHOWROOM_SELL)
    store_id = store_for_write(user, store_id)
    name, number = _clean_name(name), normalize_mobile(mobile)
    _choice(source, ProspectSource, "source")
    _choice(budget_band, BudgetBand, "budget_band", blank=True)
    existing = open_prospect_for(store_id, number)
    if existing is not None:
        raise DuplicateProspect(existing)
    customer = customer_for_mobile(store_id, number)
    referrer = _store_customer(store_id, referrer_id, "referrer_id") or (customer.referred_by if customer else None)
    prospect = Prospect(
        store_id=store_id,
        name=name,
        mobile=number,
        mobile_last4=national_digits(number)[-4:],
        source=ProspectSource.REFERRAL if referrer_id else source,
        owner=_owner(store_id, owner_id, user),
        customer=customer,
        referrer=referrer,
        company=(company or (customer.company if customer else "")).strip()[:100],
        main_need=main_need.strip()[:200],
        budget_band=budget_band,
        interested_model=_car_model(store_id, interested_model_id),
        created_at=at or timezone.now(),
        created_by=user,
    )
    try:
        with transaction.atomic():
            prospect.save()
    except IntegrityError:
        # Two clerks registering the same mobile at once: the partial unique index decides.
        raise DuplicateProspect(open_prospect_for(store_id, number)) from None
    _event(prospect, "created", user, f"来源：{prospect.get_source_display()}")
    return prospect


def _locked(prospect: Prospect) -> Prospect:
    prospect = Prospect.objects.select_for_update().get(pk=prospect.pk)
    if prospect.is_closed:
        raise Conflict("该潜客已成交或战败，不能再修改", {"status": "该潜客已关闭"})
    return prospect


def prospect_reach(prospect: Prospect, stage: str, *, user, at: dt.datetime | None = None) -> Prospect:
    """Move to `stage` if it is further than the current one; stamp the stage's column once.
    Called inside the caller's transaction (test drive, quote, walk-in)."""
    at = at or timezone.now()
    column = STAGE_COLUMN[stage]
    fields = []
    if getattr(prospect, column) is None:
        setattr(prospect, column, at)
        fields.append(column)
    if STAGES.index(stage) > STAGES.index(prospect.status):
        prospect.status = stage
        fields.append("status")
    if fields:
        prospect.save(update_fields=fields)
        _event(prospect, stage, user, at=at)
    return prospect


@transaction.atomic
def prospect_advance(*, user, prospect: Prospect, status: str) -> Prospect:
    """Record contact or a showroom visit by hand; later stages come from test drives and quotes."""
    require(user, Perm.SHOWROOM_SELL)
    if status not in (Prospect.Status.CONTACTED, Prospect.Status.VISITED):
        raise InvalidInput({"status": "只能手动标记“已联系”或“已到店”；试驾、报价、成交、战败请用相应操作"})
    return prospect_reach(_locked(prospect), status, user=user)


@transaction.atomic
def prospect_lose(*, user, prospect: Prospect, reason: str, note: str = "") -> Prospect:
    """DOMAIN §15: lost with a reason."""
    require(user, Perm.SHOWROOM_SELL)
    if reason not in LostReason.values:
        raise InvalidInput({"reason": "请选择战败原因"})
    if reason == LostReason.OTHER and not note.strip():
        raise InvalidInput({"note": "选择“其他”时请说明战败原因"})
    prospect = _locked(prospect)
    prospect.status, prospect.lost_reason, prospect.lost_note, prospect.lost_at = (
        Prospect.Status.LOST,
        reason,
        note.strip()[:300],
        timezone.now(),
    )
    prospect.save(update_fields=["status", "lost_reason", "lost_note", "lost_at"])
    _event(prospect, "lost", user, f"{prospect.get_lost_reason_display()} {prospect.lost_note}".strip())
    return prospect


@transaction.atomic
def prospect_win(*, user, prospect: Prospect, quote_id: int | None = None) -> Prospect:
    """Won on a quote (the latest unless one is named): nothing is sold without a written quote."""
    require(user, Perm.SHOWROOM_SELL)
    prospect = _locked(prospect)
    quotes = Quote.objects.filter(prospect=prospect)
    quote = quotes.filter(pk=quote_id).first() if quote_id is not None else quotes.order_by("-version").first()
    if quote is None:
        raise InvalidInput({"quote_id": "尚未出具报价单，不能标记成交" if quote_id is None else "该报价单不属于此潜客"})
    prospect.status, prospect.won_quote, prospect.won_at = Prospect.Status.WON, quote, timezone.now()
    prospect.save(update_fields=["status", "won_quote", "won_at"])
    _event(prospect, "won", user, f"报价 V{quote.version}，合计 {quote.total} 元")
    return prospect


@transaction.atomic
def prospect_reassign(*, user, prospect: Prospect, owner_id: int) -> Prospect:
    """DOMAIN §1 first-contact ownership: a prospect changes hands only by an explicit transfer."""
    require(user, Perm.SHOWROOM_SELL)
    prospect = _locked(prospect)
    owner = _owner(prospect.store_id, owner_id, None)
    if owner.pk != prospect.owner_id:
        prospect.owner = owner
        prospect.save(update_fields=["owner"])
        _event(prospect, "reassigned", user, f"转交给 {owner}")
    return prospect


def _choices_list(values, choices, field: str, *, limit: int | None = None, required: bool = False) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise InvalidInput({field: "请选择有效的选项"})
    values = list(dict.fromkeys(values))
    if any(v not in choices.values for v in values):
        raise InvalidInput({field: "请选择有效的选项"})
    if required and not values:
        raise InvalidInput({field: "请至少选择一项"})
    if limit is not None and len(values) > limit:
        raise InvalidInput({field: f"最多选择 {limit} 项"})
    return values


@transaction.atomic
def prospect_interview(
    *,
    user,
    prospect: Prospect,
    usage_scenarios: list[str],
    top_concerns: list[str],
    hidden_needs: list[str] = (),
    powertrain_preference: str = PowertrainPreference.ANY,
    decision_maker: str = "",
    decision_notes: str = "",
    budget_band: str = "",
) -> Prospect:
    """The needs interview (三个黄金问题), stored as structured fields that become customer tags."""
    require(user, Perm.SHOWROOM_SELL)
    fields = {
        "usage_scenarios": _choices_list(usage_scenarios, Usage, "usage_scenarios", required=True),
        "top_concerns": _choices_list(
            top_concerns, Concern, "top_concerns", limit=policy_value(prospect.store_id, "showroom.max_concerns"), required=True
        ),
        "hidden_needs": _choices_list(list(hidden_needs), HiddenNeed, "hidden_needs"),
        "powertrain_preference": _choice(powertrain_preference, PowertrainPreference, "powertrain_preference"),
        "decision_maker": _choice(decision_maker, DecisionMaker, "decision_maker", blank=True),
        "decision_notes": decision_notes.strip()[:200],
    }
    if budget_band:
        fields["budget_band"] = _choice(budget_band, BudgetBand, "budget_band")
    prospect = _locked(prospect)
    for name, value in fields.items():
        setattr(prospect, name, value)
    prospect.interviewed_at = timezone.now()
    prospect.save(update_fields=[*fields, "interviewed_at"])
    _event(prospect, "interview", user, "、".join(needs_tags(prospect)))
    return prospect


# Customer tags (客户画像, DOMAIN §2) that a needs interview yields.
_TAGS = {
    ("usage", Usage.COMMUTE): "通勤用车",
    ("usage", Usage.LONG_TRIP): "长途出行",
    ("usage", Usage.BUSINESS): "商务用车",
    ("usage", Usage.FAMILY): "家庭用车",
    ("concern", Concern.ENERGY_COST): "关注用车成本",
    ("concern", Concern.SPACE): "重视空间",
    ("concern", Concern.TECH): "科技配置爱好者",
    ("concern", Concern.SAFETY): "重视安全",
    ("concern", Concern.PRICE): "价格敏感",
    ("concern", Concern.COMFORT): "重视舒适",
    ("concern", Concern.BRAND): "品牌导向",
    ("hidden", HiddenNeed.EV_INTEREST): "新能源意向",
    ("hidden", HiddenNeed.TRADE_IN): "有置换计划",
    ("hidden", HiddenNeed.RESIDUAL_VALUE): "关注保值",
    ("hidden", HiddenNeed.FINANCING): "分期购车意向",
}


def needs_tags(prospect: Prospect) -> list[str]:
    tags = [_TAGS[("usage", v)] for v in prospect.usage_scenarios if ("usage", v) in _TAGS]
    tags += [_TAGS[("concern", v)] for v in prospect.top_concerns if ("concern", v) in _TAGS]
    tags += [_TAGS[("hidden", v)] for v in prospect.hidden_needs if ("hidden", v) in _TAGS]
    if prospect.decision_maker == DecisionMaker.COMPANY or prospect.company:
        tags.append("企业客户")
    return list(dict.fromkeys(tags))


# --- walk-in reception ----------------------------------------------------------------------------


@transaction.atomic
def walk_in_arrive(
    *, user, store_id: int | None = None, visitor_label: str = "", service_advisor_id: int | None = None, at=None
) -> WalkIn:
    """A visitor comes through the door: the registration clock starts (DOMAIN §1: 3 minutes)."""
    require(user, Perm.SHOWROOM_SELL)
    store_id = store_for_write(user, store_id)
    arrived_at = at or timezone.now()
    minutes = policy_value(store_id, "contacts.walk_in_register_minutes")
    advisor = _owner(store_id, service_advisor_id, None, "service_advisor_id")
    if advisor is not None and advisor.role != Role.ADVISOR:
        raise InvalidInput({"service_advisor_id": "请选择本店的服务顾问"})
    return WalkIn.objects.create(
        store_id=store_id,
        arrived_at=arrived_at,
        register_due_at=arrived_at + dt.timedelta(minutes=minutes),
        visitor_label=visitor_label.strip()[:60],
        salesperson=user,
        service_advisor=advisor,
        created_by=user,
    )


@transaction.atomic
def walk_in_register(
    *,
    user,
    walk_in: WalkIn,
    name: str,
    mobile: str,
    main_need: str,
    budget_band: str = "",
    interested_model_id: int | None = None,
    referrer_id: int | None = None,
    company: str = "",
) -> WalkIn:
    """Basic registration (name, mobile, main need) stops the clock. The visitor's open prospect is
    continued, otherwise a walk-in prospect is created; either way it reaches "visited"."""
    require(user, Perm.SHOWROOM_SELL)
    if not (main_need or "").strip():
        raise InvalidInput({"main_need": "请填写主要需求"})
    name, number = _clean_name(name), normalize_mobile(mobile)
    walk_in = WalkIn.objects.select_for_update().get(pk=walk_in.pk)
    if walk_in.registered_at is not None:
        raise Conflict("该到店客户已登记", {"walk_in": "已登记"})
    prospect = open_prospect_for(walk_in.store_id, number)
    if prospect is None:
        prospect = prospect_create(
            user=user,
            name=name,
            mobile=number,
            source=ProspectSource.WALK_IN,
            store_id=walk_in.store_id,
            main_need=main_need,
            budget_band=budget_band,
            interested_model_id=interested_model_id,
            referrer_id=referrer_id,
            company=company,
            at=walk_in.arrived_at,
        )
    elif not prospect.main_need:
        prospect.main_need = main_need.strip()[:200]
        prospect.save(update_fields=["main_need"])
    prospect_reach(prospect, Prospect.Status.VISITED, user=user, at=walk_in.arrived_at)
    walk_in.registered_at, walk_in.prospect = timezone.now(), prospect
    walk_in.save(update_fields=["registered_at", "prospect"])
    return walk_in
