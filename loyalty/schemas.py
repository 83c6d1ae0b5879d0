import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from customers.validators import mask_mobile


class BenefitsOut(Schema):
    points_multiplier: float
    priority_service: bool = False
    free_washes_per_year: int = 0
    birthday_gift: str = ""


class TierRuleOut(Schema):
    tier: str
    label: str
    min_spend: int
    min_visits: int
    benefits: BenefitsOut


class TierRulesOut(Schema):
    store_id: int
    spend_window_months: int
    visit_window_months: int
    points_valid_months: int
    tiers: list[TierRuleOut]


class EntryOut(Schema):
    id: int
    kind: str
    kind_label: str
    points: int
    reason: str
    created_at: dt.datetime
    consumed: list

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


class EntryPage(Schema):
    items: list[EntryOut]
    count: int | None
    limit: int
    offset: int


class ReferralOut(Schema):
    id: int
    store_id: int
    referrer_id: int
    referrer_name: str
    prospect_name: str
    prospect_mobile: str
    prospect_id: int | None
    status: str
    note: str
    created_at: dt.datetime
    rewarded_at: dt.datetime | None

    @staticmethod
    def resolve_referrer_name(obj):
        return obj.referrer.name

    @staticmethod
    def resolve_prospect_mobile(obj):
        return mask_mobile(obj.prospect_mobile)


class ReferralPage(Schema):
    items: list[ReferralOut]
    count: int | None
    limit: int
    offset: int


class ChainLinkOut(Schema):
    depth: int
    referral: ReferralOut


class CustomerLoyaltyOut(Schema):
    customer_id: int
    member_tier: str
    member_tier_label: str
    benefits: BenefitsOut
    balance: int
    next_expiry_on: dt.date | None
    next_expiry_points: int | None
    referred_by: list[ReferralOut]
    referrals: list[ChainLinkOut]


class RedeemIn(Schema):
    points: int
    service: str = Field(max_length=200)


class AdjustIn(Schema):
    points: int
    reason: str = Field(max_length=200)


class ReferralIn(Schema):
    referrer_id: int
    prospect_name: str = Field(max_length=60)
    prospect_mobile: str = Field(max_length=30)
    note: str = Field("", max_length=200)


class ReferralRewardIn(Schema):
    buyer_id: int


class ReferralStatsOut(Schema):
    since: dt.date
    until: dt.date
    purchases: int
    referred: int
    rate: float | None


class EventIn(Schema):
    title: str = Field(max_length=100)
    theme: str = Field(max_length=20)
    starts_at: dt.datetime
    location: str = Field("", max_length=200)
    capacity: int
    attendance_points: int | None = None
    description: str = Field("", max_length=2000)
    store_id: int | None = None


class EventOut(Schema):
    id: int
    store_id: int
    title: str
    theme: str
    theme_label: str
    starts_at: dt.datetime
    location: str
    capacity: int
    attendance_points: int
    description: str
    status: str
    signed_up: int = 0
    attended: int = 0

    @staticmethod
    def resolve_theme_label(obj):
        return obj.get_theme_display()


class EventPage(Schema):
    items: list[EventOut]
    count: int | None
    limit: int
    offset: int


class InviteIn(Schema):
    tier: str = Field("", max_length=10)
    tag: str = Field("", max_length=50)
    vehicle_model: str = Field("", max_length=60)
    channel: str = Field("sms", max_length=10)


class InviteOut(Schema):
    invited: int
    waiting: int


class SignupIn(Schema):
    customer_id: int


class SignupOut(Schema):
    id: int
    event_id: int
    customer_id: int
    customer_name: str
    signed_up_at: dt.datetime
    attended_at: dt.datetime | None
    feedback_score: int | None
    feedback_text: str

    @staticmethod
    def resolve_customer_name(obj):
        return obj.customer.name


class FeedbackIn(Schema):
    score: int
    text: str = Field("", max_length=500)


class SpendOut(Schema):
    id: int
    kind: str
    amount: Decimal
    occurred_at: dt.datetime
