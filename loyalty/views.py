"""会员与推荐: tier rules and benefits, the referral list, owner-club events, the customer's points
ledger and the loyalty card of the customer 360 page. Views parse input and call one service."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Store
from accounts.permissions import Perm, has_perm
from core.errors import InvalidInput
from core.forms import call_service
from core.scoping import get_scoped_or_404
from customers.models import Customer, CustomerMobile, MemberTier
from customers.validators import normalize_mobile
from loyalty import selectors, services
from loyalty.models import ClubEvent, EventSignup, Referral
from messaging.models import MessageChannel

PAGE_SIZE = 50


class RedeemForm(forms.Form):
    points = forms.IntegerField(label="积分", min_value=1, max_value=services.POINTS_MAX)
    service = forms.CharField(label="兑换服务项目", max_length=200)


class AdjustForm(forms.Form):
    points = forms.IntegerField(label="调整积分（负数为扣减）", min_value=-services.POINTS_MAX, max_value=services.POINTS_MAX)
    reason = forms.CharField(label="原因", max_length=200)


class ReferralForm(forms.Form):
    prospect_name = forms.CharField(label="被推荐人姓名", max_length=60)
    prospect_mobile = forms.CharField(label="被推荐人手机号", max_length=30)
    note = forms.CharField(label="备注", max_length=200, required=False)


class EventForm(forms.Form):
    title = forms.CharField(label="活动名称", max_length=100)
    theme = forms.ChoiceField(label="主题", choices=ClubEvent.Theme.choices)
    starts_at = forms.DateTimeField(label="活动时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    location = forms.CharField(label="地点", max_length=200, required=False)
    capacity = forms.IntegerField(label="名额", min_value=1, max_value=100_000)
    attendance_points = forms.IntegerField(label="到场积分", min_value=0, max_value=100_000, required=False)
    description = forms.CharField(label="说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InviteForm(forms.Form):
    tier = forms.ChoiceField(label="会员等级", choices=[("", "全部等级"), *MemberTier.choices], required=False)
    tag = forms.CharField(label="标签", max_length=50, required=False)
    vehicle_model = forms.CharField(label="车型", max_length=60, required=False)
    channel = forms.ChoiceField(label="渠道", choices=MessageChannel.choices, initial=MessageChannel.SMS)


class SignupByMobileForm(forms.Form):
    mobile = forms.CharField(label="客户手机号", max_length=30)


class FeedbackForm(forms.Form):
    score = forms.IntegerField(label="评分", min_value=1, max_value=5)
    text = forms.CharField(label="反馈", max_length=500, required=False)


def _blank_form() -> forms.Form:
    """A validated empty form, to carry the messages of a service called without form fields."""
    form = forms.Form({})
    form.is_valid()
    return form


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


# --- tiers ------------------------------------------------------------------------------------------


@login_required
def tier_overview(request):
    """The tier rules and benefits of the user's store (all of them policies a manager edits)."""
    stores = sorted(request.user.accessible_store_ids())
    raw = request.GET.get("store", "")
    store_id = int(raw) if raw.isascii() and raw.isdigit() and int(raw) in stores else (stores[0] if stores else None)
    rules = selectors.tier_rules(store_id=store_id)
    return render(request, "loyalty/tiers.html", {**rules, "stores": Store.objects.filter(pk__in=stores), "tab": "tiers"})


# --- referrals --------------------------------------------------------------------------------------


@login_required
def referral_list(request):
    status = request.GET.get("status", "")
    status = status if status in Referral.Status.values else ""
    q = request.GET.get("q", "")[:60]
    page = Paginator(selectors.referral_list(user=request.user, status=status, q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    context = {
        "page": page,
        "status": status,
        "q": q,
        "statuses": Referral.Status.choices,
        "stats": selectors.referral_stats(user=request.user, since=today - dt.timedelta(days=29), until=today),
        "can_reward": has_perm(request.user, Perm.LOYALTY_REFERRAL_REWARD),
        "tab": "referrals",
    }
    return render(request, "loyalty/referrals.html", context)


@login_required
def referral_chain(request, customer_id: int):
    customer = get_scoped_or_404(Customer.objects.all(), request.user, pk=customer_id)
    context = {
        "customer": customer,
        "up": selectors.referral_chain_up(customer=customer),
        "down": selectors.referral_chain_down(customer=customer),
        "tab": "referrals",
    }
    return render(request, "loyalty/chain.html", context)


@login_required
@require_POST
def referral_reward(request, referral_id: int):
    """Confirm a referred buyer's purchase: the buyer is the linked customer or the one with that mobile."""
    referral = selectors.referral_get(user=request.user, referral_id=referral_id)
    buyer_id = referral.prospect_id or (
        CustomerMobile.objects.filter(store_id=referral.store_id, number=referral.prospect_mobile)
        .values_list("customer_id", flat=True)
        .first()
    )
    form = _blank_form()
    if buyer_id is None:
        messages.error(request, "被推荐人尚未建立客户档案，请先建档后再确认成交")
    elif call_service(form, services.referral_reward, user=request.user, referral_id=referral.pk, buyer_id=buyer_id):
        messages.success(request, f"已确认成交并奖励推荐人 {referral.referrer.name} 与被推荐人 {referral.prospect_name}")
    else:
        _form_errors(request, form)
    return redirect("loyalty:referrals")


# --- events -----------------------------------------------------------------------------------------


@login_required
def event_list(request):
    form = EventForm(request.POST or None)
    if request.method == "POST":
        data = form.cleaned_data if form.is_valid() else None
        event = data is not None and call_service(form, services.event_create, user=request.user, **data)
        if event:
            messages.success(request, f"已创建活动：{event.title}")
            return redirect("loyalty:event", event.pk)
    page = Paginator(selectors.event_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "can_manage": has_perm(request.user, Perm.LOYALTY_EVENT_MANAGE), "tab": "events"}
    return render(request, "loyalty/events.html", context, status=422 if form.errors else 200)


@login_required
def event_detail(request, event_id: int):
    event = selectors.event_get(user=request.user, event_id=event_id)
    context = {
        "event": event,
        "signups": list(selectors.event_signups(event=event)[:1000]),
        "invite_form": InviteForm(),
        "signup_form": SignupByMobileForm(),
        "can_manage": has_perm(request.user, Perm.LOYALTY_EVENT_MANAGE),
        "can_sign_up": has_perm(request.user, Perm.LOYALTY_EVENT_SIGNUP),
        "invited": event.invitations.count(),
        "tab": "events",
    }
    return render(request, "loyalty/event_detail.html", context)


@login_required
@require_POST
def event_cancel(request, event_id: int):
    event = selectors.event_get(user=request.user, event_id=event_id)
    form = _blank_form()
    if call_service(form, services.event_cancel, user=request.user, event_id=event.pk):
        messages.success(request, f"已取消活动：{event.title}")
    else:
        _form_errors(request, form)
    return redirect("loyalty:event", event.pk)


@login_required
@require_POST
def event_invite(request, event_id: int):
    event = selectors.event_get(user=request.user, event_id=event_id)
    form = InviteForm(request.POST)
    result = form.is_valid() and call_service(
        form, services.event_invite, user=request.user, event_id=event.pk, **form.cleaned_data
    )
    if result:
        waiting = f"，还有 {result['waiting']} 位待下一批邀请" if result["waiting"] else ""
        messages.success(request, f"已通过消息队列邀请 {result['invited']} 位有营销授权的客户{waiting}")
    else:
        _form_errors(request, form)
    return redirect("loyalty:event", event.pk)


@login_required
@require_POST
def event_signup(request, event_id: int):
    event = selectors.event_get(user=request.user, event_id=event_id)
    form = SignupByMobileForm(request.POST)
    customer_id = None
    if form.is_valid():
        try:
            number = normalize_mobile(form.cleaned_data["mobile"])
        except InvalidInput as exc:
            form.add_error("mobile", exc.errors["mobile"])
        else:
            mobile = CustomerMobile.objects.filter(store_id=event.store_id, number=number).first()
            customer_id = mobile.customer_id if mobile else None
            if customer_id is None:
                form.add_error("mobile", "本店没有该手机号的客户")
    if customer_id and call_service(form, services.event_signup, user=request.user, event_id=event.pk, customer_id=customer_id):
        messages.success(request, "已报名")
    else:
        _form_errors(request, form)
    return redirect("loyalty:event", event.pk)


@login_required
@require_POST
def event_attend(request, signup_id: int):
    signup = get_scoped_or_404(EventSignup.objects.all(), request.user, pk=signup_id)
    form = _blank_form()
    if call_service(form, services.event_attend, user=request.user, signup_id=signup.pk):
        messages.success(request, "已签到，到场积分已发放")
    else:
        _form_errors(request, form)
    return redirect("loyalty:event", signup.event_id)


@login_required
@require_POST
def event_feedback(request, signup_id: int):
    signup = get_scoped_or_404(EventSignup.objects.all(), request.user, pk=signup_id)
    form = FeedbackForm(request.POST)
    if form.is_valid() and call_service(
        form, services.event_feedback, user=request.user, signup_id=signup.pk, **form.cleaned_data
    ):
        messages.success(request, "已记录反馈")
    else:
        _form_errors(request, form)
    return redirect("loyalty:event", signup.event_id)


# --- the customer's loyalty --------------------------------------------------------------------------


@login_required
def points_ledger(request, customer_id: int):
    entries = selectors.points_entries(user=request.user, customer_id=customer_id)
    customer = Customer.objects.get(pk=customer_id)
    form = AdjustForm(request.POST or None)
    if request.method == "POST":
        data = form.cleaned_data if form.is_valid() else None
        if data is not None and call_service(form, services.points_adjust, user=request.user, customer_id=customer.pk, **data):
            messages.success(request, "已记录积分调整")
            return redirect("loyalty:ledger", customer.pk)
    context = {
        "customer": customer,
        "page": Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
        "balance": services.points_balance(customer_id=customer.pk),
        "form": form,
        "can_adjust": has_perm(request.user, Perm.LOYALTY_POINTS_ADJUST),
    }
    return render(request, "loyalty/ledger.html", context, status=422 if form.errors else 200)


@login_required
def customer_card(request, customer_id: int):
    """The loyalty section of the customer 360 page (loaded by htmx)."""
    return _card(request, customer_id)


def _card(request, customer_id: int, *, redeem_form=None, referral_form=None, notice: str = "", status: int = 200):
    data = selectors.customer_loyalty(user=request.user, customer_id=customer_id)
    context = {
        **data,
        "redeem_form": redeem_form or RedeemForm(),
        "referral_form": referral_form or ReferralForm(),
        "events": list(
            selectors.event_list(user=request.user, upcoming_only=True).filter(store_id=data["customer"].store_id)[:20]
        ),
        "notice": notice,
        "can_redeem": has_perm(request.user, Perm.LOYALTY_POINTS_REDEEM),
        "can_refer": has_perm(request.user, Perm.LOYALTY_REFERRAL_RECORD),
        "can_sign_up": has_perm(request.user, Perm.LOYALTY_EVENT_SIGNUP),
    }
    # htmx swaps only 2xx answers: the card with its error messages goes back as 200 to htmx.
    return render(request, "loyalty/_customer_card.html", context, status=200 if request.htmx else status)


@login_required
@require_POST
def card_redeem(request, customer_id: int):
    form = RedeemForm(request.POST)
    entry = form.is_valid() and call_service(
        form, services.points_redeem, user=request.user, customer_id=customer_id, **form.cleaned_data
    )
    if entry:
        return _card(request, customer_id, notice=f"已兑换 {-entry.points} 积分：{entry.reason}")
    return _card(request, customer_id, redeem_form=form, status=422)


@login_required
@require_POST
def card_refer(request, customer_id: int):
    form = ReferralForm(request.POST)
    referral = form.is_valid() and call_service(
        form, services.referral_create, user=request.user, referrer_id=customer_id, **form.cleaned_data
    )
    if referral:
        return _card(request, customer_id, notice=f"已登记推荐：{referral.prospect_name}")
    return _card(request, customer_id, referral_form=form, status=422)


@login_required
@require_POST
def card_signup(request, customer_id: int):
    form = _blank_form()
    raw = request.POST.get("event_id", "")
    event_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else 0
    signup = call_service(form, services.event_signup, user=request.user, event_id=event_id, customer_id=customer_id)
    if signup:
        return _card(request, customer_id, notice=f"已报名活动：{signup.event.title}")
    return _card(request, customer_id, notice="；".join(form.non_field_errors()) or "报名失败", status=409)
