"""售后线索: the lead lists (the salesperson's own, those recorded by after-sales, late ones), a lead
with its follow-ups, the "record a lead" card of the 360 page and repair orders, trade-in proposals
and the conversion / bonus report."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import Perm, has_perm
from core.forms import call_service
from customers.selectors import customer_get
from leads import selectors, services
from leads.models import Lead

PAGE_SIZE = 50


class RecordForm(forms.Form):
    kind = forms.ChoiceField(label="线索类型", choices=Lead.Kind.choices, widget=forms.Select(attrs={"aria-label": "线索类型"}))
    grade = forms.ChoiceField(label="等级", choices=Lead.Grade.choices, widget=forms.Select(attrs={"aria-label": "等级"}))
    description = forms.CharField(label="需求描述", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.ChoiceField(
        label="来源",
        choices=Lead.Source.choices,
        initial=Lead.Source.CUSTOMER_PAGE,
        widget=forms.Select(attrs={"aria-label": "来源"}),
    )
    vehicle_id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    source_ref = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput)


class FollowUpForm(forms.Form):
    note = forms.CharField(label="跟进记录", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(
        label="结果", required=False, choices=[("", "继续跟进"), (Lead.Status.WON, "已成交"), (Lead.Status.LOST, "已战败")]
    )
    sale_amount = forms.DecimalField(label="成交金额（元）", required=False, min_value=0, max_digits=12, decimal_places=2)


class AssignForm(forms.Form):
    salesperson_id = forms.IntegerField(label="销售顾问", min_value=1)


def _page(request) -> int:
    page = request.GET.get("page", "1")
    return max(int(page) if page.isascii() and page.isdigit() and len(page) < 7 else 1, 1)


def _default_view(user) -> str:
    if user.role == Role.SALESPERSON:
        return "mine"
    return "open" if has_perm(user, Perm.LEAD_ASSIGN) else "recorded"


@login_required
def lead_list(request):
    view = request.GET.get("view") or _default_view(request.user)
    view = view if view in selectors.VIEWS else _default_view(request.user)
    page = _page(request)
    rows = list(selectors.lead_list(user=request.user, view=view)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    context = {
        "leads": rows[:PAGE_SIZE], "has_next": len(rows) > PAGE_SIZE, "page": page, "view": view,
        "views": selectors.VIEWS, "nav_section": "leads",
    }  # fmt: skip
    return render(request, "leads/list.html", context)


def _detail(request, lead: Lead, *, follow_up_form=None, assign_form=None, status: int = 200):
    user = request.user
    context = {
        "lead": lead,
        "follow_ups": list(selectors.lead_follow_ups(lead=lead)),
        "can_follow_up": not lead.is_closed and (lead.salesperson_id == user.pk or has_perm(user, Perm.LEAD_ASSIGN)),
        "can_assign": not lead.is_closed and has_perm(user, Perm.LEAD_ASSIGN),
        "team": list(selectors.sales_team(store_id=lead.store_id)) if has_perm(user, Perm.LEAD_ASSIGN) else [],
        "follow_up_form": follow_up_form or FollowUpForm(),
        "assign_form": assign_form or AssignForm(),
        "nav_section": "leads",
    }
    return render(request, "leads/detail.html", context, status=status)


@login_required
def lead_detail(request, lead_id: int):
    return _detail(request, selectors.lead_get(user=request.user, lead_id=lead_id))


@login_required
@require_POST
def lead_follow_up(request, lead_id: int):
    lead = selectors.lead_get(user=request.user, lead_id=lead_id)
    form = FollowUpForm(request.POST)
    if form.is_valid() and call_service(form, services.lead_follow_up, user=request.user, lead=lead, **form.cleaned_data):
        messages.success(request, "已记录跟进")
        return redirect("leads:detail", lead_id=lead.pk)
    return _detail(request, selectors.lead_get(user=request.user, lead_id=lead_id), follow_up_form=form, status=422)


@login_required
@require_POST
def lead_assign(request, lead_id: int):
    lead = selectors.lead_get(user=request.user, lead_id=lead_id)
    form = AssignForm(request.POST)
    if form.is_valid() and call_service(form, services.lead_assign, user=request.user, lead=lead, **form.cleaned_data):
        messages.success(request, "已转交给新的销售顾问")
        return redirect("leads:detail", lead_id=lead.pk)
    return _detail(request, selectors.lead_get(user=request.user, lead_id=lead_id), assign_form=form, status=422)


def _card(request, customer, form: RecordForm, *, saved: Lead | None = None, status: int = 200):
    context = {
        "customer": customer,
        "form": form,
        "saved": saved,
        "can_record": has_perm(request.user, Perm.LEAD_RECORD),
        "leads": selectors.leads_of_customer(customer_id=customer.pk, limit=5),
    }
    return render(request, "leads/_record_card.html", context, status=status)


@login_required
def record_card(request, customer_id: int):
    """The "record a lead" card (customer 360 page; repair orders pass source, vehicle and ref)."""
    customer = customer_get(user=request.user, customer_id=customer_id)
    source = request.GET.get("source", Lead.Source.CUSTOMER_PAGE)
    vehicle = request.GET.get("vehicle", "")
    initial = {
        "source": source if source in Lead.Source.values else Lead.Source.CUSTOMER_PAGE,
        "vehicle_id": int(vehicle) if vehicle.isascii() and vehicle.isdigit() and len(vehicle) < 12 else None,
        "source_ref": request.GET.get("ref", "")[:60],
        "grade": Lead.Grade.A,
    }
    return _card(request, customer, RecordForm(initial=initial))


def _vehicle_of(customer, vehicle_id: int | None):
    return customer.vehicles.filter(pk=vehicle_id).first() if vehicle_id else None


@login_required
@require_POST
def lead_record(request, customer_id: int):
    customer = customer_get(user=request.user, customer_id=customer_id)
    form = RecordForm(request.POST)
    lead = None
    if form.is_valid():
        data = dict(form.cleaned_data)
        vehicle = _vehicle_of(customer, data.pop("vehicle_id"))
        lead = call_service(form, services.lead_record, user=request.user, customer=customer, vehicle=vehicle, **data)
    if lead is None:
        return _card(request, customer, form, status=200 if request.htmx else 422)
    if not request.htmx:
        messages.success(request, "已记录线索并推送销售顾问")
        return redirect("leads:detail", lead_id=lead.pk)
    return _card(
        request, customer, RecordForm(initial={"source": form.cleaned_data["source"], "grade": Lead.Grade.A}), saved=lead
    )


@login_required
def suggestions(request):
    """Trade-in proposals: 3-year anniversaries and complaints about fuel use or space (DOMAIN §4, §11)."""
    context = {**selectors.trade_in_suggestions(user=request.user), "can_record": has_perm(request.user, Perm.LEAD_RECORD)}
    return render(request, "leads/suggestions.html", {**context, "views": selectors.VIEWS, "nav_section": "leads"})


@login_required
@require_POST
def suggestion_accept(request, customer_id: int):
    """Turn one proposal into a B-grade trade-in lead (idempotent per proposal)."""
    customer = customer_get(user=request.user, customer_id=customer_id)
    form = RecordForm(request.POST)
    lead = None
    if form.is_valid():
        data = dict(form.cleaned_data)
        vehicle = _vehicle_of(customer, data.pop("vehicle_id"))
        key = f"{data['source']}:{data['source_ref']}"
        lead = call_service(
            form, services.lead_record, user=request.user, customer=customer, vehicle=vehicle, source_key=key, **data
        )
    if lead is None:
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors) or "无法生成线索")
        return redirect("leads:suggestions")
    messages.success(request, f"已生成置换线索并推送给 {lead.salesperson or '销售团队'}")
    return redirect("leads:suggestions")


def _month(request) -> dt.date:
    value = request.GET.get("month", "")
    try:
        return dt.date.fromisoformat(f"{value}-01")
    except ValueError:
        return timezone.localdate().replace(day=1)


@login_required
def report(request):
    """Conversion rate (target ≥ 30 %), lead-to-sale time and the after-sales bonus of the month."""
    month = _month(request)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    context = {
        "month": month,
        "measures": selectors.lead_measures(user=request.user, since=month, until=following - dt.timedelta(days=1)),
        "bonus": selectors.lead_bonus_report(user=request.user, month=month),
        "views": selectors.VIEWS,
        "nav_section": "leads",
    }
    return render(request, "leads/report.html", context)
