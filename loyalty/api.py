"""/api/loyalty: member tiers, points ledger, referrals and owner-club events (DOMAIN §2, §10)."""

import datetime as dt

from django.utils import timezone
from ninja import Query, Router, Schema, Status

from core.api import paginate
from core.scoping import store_for_write
from loyalty import selectors, services
from loyalty.schemas import (
    AdjustIn,
    CustomerLoyaltyOut,
    EntryOut,
    EntryPage,
    EventIn,
    EventOut,
    EventPage,
    FeedbackIn,
    InviteIn,
    InviteOut,
    RedeemIn,
    ReferralIn,
    ReferralOut,
    ReferralPage,
    ReferralRewardIn,
    ReferralStatsOut,
    SignupIn,
    SignupOut,
    TierRulesOut,
)

router = Router(tags=["loyalty"])


class PageQuery(Schema):
    limit: int | None = None
    offset: int | None = None


class ReferralQuery(PageQuery):
    status: str = ""
    q: str = ""


class StatsQuery(Schema):
    since: dt.date
    until: dt.date | None = None


class EventQuery(PageQuery):
    upcoming: bool = False


@router.get("/tiers", response=TierRulesOut)
def tier_rules(request, store_id: int | None = None):
    """Tier thresholds (purchase amount, service frequency) and benefits of one of the user's stores."""
    return selectors.tier_rules(store_id=store_for_write(request.auth, store_id))


@router.get("/customers/{int:customer_id}", response=CustomerLoyaltyOut)
def customer_loyalty(request, customer_id: int):
    """Tier with its benefits, points balance, who referred the customer and whom they referred."""
    data = selectors.customer_loyalty(user=request.auth, customer_id=customer_id)
    customer, expiry = data["customer"], data["next_expiry"]
    return {
        "customer_id": customer.pk,
        "member_tier": customer.member_tier,
        "member_tier_label": customer.get_member_tier_display(),
        "benefits": data["benefits"],
        "balance": data["balance"],
        "next_expiry_on": expiry["expires_on"] if expiry else None,
        "next_expiry_points": expiry["points"] if expiry else None,
        "referred_by": data["referred_by"],
        "referrals": [{"depth": depth, "referral": r} for depth, r in selectors.referral_chain_down(customer=customer)],
    }


@router.get("/customers/{int:customer_id}/points", response=EntryPage)
def points_ledger(request, customer_id: int, params: Query[PageQuery]):
    return paginate(selectors.points_entries(user=request.auth, customer_id=customer_id), params.limit, params.offset)


@router.post("/customers/{int:customer_id}/points/redeem", response={201: EntryOut})
def points_redeem(request, customer_id: int, payload: RedeemIn):
    """Redeem for a service, oldest points first; more than the balance → 422, nothing changed."""
    return Status(201, services.points_redeem(user=request.auth, customer_id=customer_id, **payload.dict()))


@router.post("/customers/{int:customer_id}/points/adjust", response={201: EntryOut})
def points_adjust(request, customer_id: int, payload: AdjustIn):
    """A manager's manual entry with its reason (positive earns, negative deducts)."""
    return Status(201, services.points_adjust(user=request.auth, customer_id=customer_id, **payload.dict()))


@router.get("/referrals", response=ReferralPage)
def referral_list(request, params: Query[ReferralQuery]):
    rows = selectors.referral_list(user=request.auth, status=params.status, q=params.q)
    return paginate(rows, params.limit, params.offset)


@router.post("/referrals", response={201: ReferralOut})
def referral_create(request, payload: ReferralIn):
    return Status(201, services.referral_create(user=request.auth, **payload.dict()))


@router.get("/referrals/stats", response=ReferralStatsOut)
def referral_stats(request, params: Query[StatsQuery]):
    """Referral rate (DOMAIN §12): purchases by referred buyers / all purchases in [since, until]."""
    return selectors.referral_stats(user=request.auth, since=params.since, until=params.until or timezone.localdate())


@router.get("/referrals/{int:referral_id}", response=ReferralOut)
def referral_detail(request, referral_id: int):
    return selectors.referral_get(user=request.auth, referral_id=referral_id)


@router.post("/referrals/{int:referral_id}/reward", response=ReferralOut)
def referral_reward(request, referral_id: int, payload: ReferralRewardIn):
    """Confirm the referred buyer's purchase: both sides are rewarded once; a second time → 409."""
    return services.referral_reward(user=request.auth, referral_id=referral_id, buyer_id=payload.buyer_id)


@router.get("/events", response=EventPage)
def event_list(request, params: Query[EventQuery]):
    return paginate(selectors.event_list(user=request.auth, upcoming_only=params.upcoming), params.limit, params.offset)


@router.post("/events", response={201: EventOut})
def event_create(request, payload: EventIn):
    return Status(201, services.event_create(user=request.auth, **payload.dict()))


@router.get("/events/{int:event_id}", response=EventOut)
def event_detail(request, event_id: int):
    return selectors.event_get(user=request.auth, event_id=event_id)


@router.post("/events/{int:event_id}/cancel", response=EventOut)
def event_cancel(request, event_id: int):
    return services.event_cancel(user=request.auth, event_id=event_id)


@router.post("/events/{int:event_id}/invitations", response=InviteOut)
def event_invite(request, event_id: int, payload: InviteIn):
    """Invite customers with marketing consent matching tier / tag / vehicle model, through the outbox."""
    return services.event_invite(user=request.auth, event_id=event_id, **payload.dict())


@router.get("/events/{int:event_id}/signups", response=list[SignupOut])
def event_signups(request, event_id: int):
    event = selectors.event_get(user=request.auth, event_id=event_id)
    return list(selectors.event_signups(event=event)[:1000])


@router.post("/events/{int:event_id}/signups", response={201: SignupOut})
def event_signup(request, event_id: int, payload: SignupIn):
    """Sign up; the capacity holds also when two clerks take the last seat at once (409 "活动名额已满")."""
    return Status(201, services.event_signup(user=request.auth, event_id=event_id, customer_id=payload.customer_id))


@router.post("/signups/{int:signup_id}/attend", response=SignupOut)
def event_attend(request, signup_id: int):
    return services.event_attend(user=request.auth, signup_id=signup_id)


@router.post("/signups/{int:signup_id}/feedback", response=SignupOut)
def event_feedback(request, signup_id: int, payload: FeedbackIn):
    return services.event_feedback(user=request.auth, signup_id=signup_id, score=payload.score, text=payload.text)
