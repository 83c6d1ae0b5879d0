"""Staff pages: the complaint list and detail with live clocks and timeline, the escalation inbox, the
red-alert banner, the analysis; the contact queue (contact_views.py). Forms call the services."""

import datetime as dt
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import Perm, has_perm
from complaints import forms, selectors, services
from complaints.models import Complaint, TeamSide, Tier
from complaints.services.team import SIDE_CHECKS
from core.forms import call_service
from customers.selectors import customer_get

PAGE_SIZE = 50
ID_PATTERN = re.compile(r"[0-9]{1,18}")  # as core.urls.IdConverter: fits a BIGINT
STATUS_FILTERS = [("open", "未结案"), *Complaint.Status.choices, ("all", "全部")]


def colleagues(user):
    return User.objects.filter(stores__in=user.accessible_store_ids(), is_active=True).distinct().order_by("username")


@login_required
def complaint_list(request):
    status = request.GET.get("status", "open")
    status = status if status in dict(STATUS_FILTERS) else "open"
    tier = request.GET.get("tier") if request.GET.get("tier") in Tier.values else None
    complaints = selectors.complaint_list(user=request.user, status=None if status == "all" else status, tier=tier)
    context = {
        "complaints": list(complaints[:PAGE_SIZE]),
        "status": status,
        "tier": tier or "",
        "statuses": STATUS_FILTERS,
        "tiers": Tier.choices,
        "now": timezone.now(),
    }
    return render(request, "complaints/list.html", context)


@login_required
def complaint_create(request):
    """The staff form: opened from a customer's record (?customer=<id>)."""
    customer = customer_param(request, request.POST.get("customer_id") or request.GET.get("customer"))
    form = forms.ComplaintForm(request.POST or None)
    if request.method == "POST" and customer is not None and form.is_valid():
        complaint = call_service(form, services.complaint_open, user=request.user, customer=customer, **form.service_kwargs())
        if complaint is not None:
            return redirect("complaints:detail", complaint_id=complaint.id)
    return render(request, "complaints/form.html", {"form": form, "customer": customer})


def customer_param(request, value: str | None):
    """The customer a form is about, looked up in the user's stores (another store's id is 404)."""
    value = (value or "").strip()
    if not ID_PATTERN.fullmatch(value):
        return None
    return customer_get(user=request.user, customer_id=int(value))


@login_required
def complaint_detail(request, complaint_id: int):
    complaint = selectors.complaint_get(user=request.user, complaint_id=complaint_id)
    context = {
        "complaint": complaint,
        "clocks": selectors.complaint_clocks(complaint=complaint),
        "timeline": selectors.complaint_timeline(complaint=complaint),
        "team": selectors.complaint_team(complaint=complaint),
        "compensations": selectors.complaint_compensations(complaint=complaint),
        "can_handle": has_perm(request.user, Perm.COMPLAINT_HANDLE) and not complaint.is_closed,
        "colleagues": colleagues(request.user),
        "side_checks": [(side, label, SIDE_CHECKS[side][0]) for side, label in TeamSide.choices],
        "forms": {
            "compensation": forms.CompensationForm(),
            "close": forms.CloseForm(initial={"solution": complaint.solution, "cause": complaint.cause}),
            "finding": forms.FindingForm(),
        },
    }
    return render(request, "complaints/detail.html", context)


# One view for every action on a complaint: the URL names the action, the table its form and service.
ACTIONS = {
    "respond": (forms.RespondForm, services.complaint_respond, "已记录首次响应"),
    "note": (forms.NoteForm, services.complaint_note, "已添加处理记录"),
    "pause": (forms.ReasonForm, services.complaint_pause, "已暂停计时（等待客户）"),
    "resume": (forms.EmptyForm, services.complaint_resume, "已恢复计时"),
    "escalate": (forms.ReasonForm, services.complaint_escalate, "投诉已升级"),
    "transfer": (forms.TransferForm, services.complaint_transfer, "投诉已转交"),
    "compensate": (forms.CompensationForm, services.compensation_grant, "已记录补偿"),
    "team": (forms.TeamForm, services.complaint_team_form, "联合小组已成立"),
    "finding": (forms.FindingForm, services.complaint_finding_record, "已提交小组结论"),
    "solution": (forms.SolutionForm, services.complaint_joint_solution, "已提交联合方案"),
    "close": (forms.CloseForm, services.complaint_close, "投诉已结案"),
}


@login_required
@require_POST
def complaint_action(request, complaint_id: int, action: str):
    complaint = selectors.complaint_get(user=request.user, complaint_id=complaint_id)
    form_class, service, done = ACTIONS[action]
    form = form_class(request.POST)
    if (
        form.is_valid()
        and call_service(form, service, user=request.user, complaint=complaint, **form.service_kwargs()) is not None
    ):
        messages.success(request, done)
    else:
        form_errors_to_messages(request, form)
    return redirect("complaints:detail", complaint_id=complaint.id)


def form_errors_to_messages(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


@login_required
def escalation_inbox(request):
    inbox = selectors.escalation_inbox(user=request.user)
    context = {"inbox": inbox, "now": timezone.now(), "can_acknowledge": has_perm(request.user, Perm.RED_ALERT_ACK)}
    return render(request, "complaints/inbox.html", context)


@login_required
def red_alert_banner(request):
    """Polled by every page (HTMX): managers see the unacknowledged red alerts of their stores."""
    return render(request, "complaints/_red_alert_banner.html", {"alerts": selectors.red_alert_banner(user=request.user)})


@login_required
@require_POST
def red_alert_acknowledge(request, alert_id: int):
    alert = selectors.red_alert_get(user=request.user, alert_id=alert_id)
    form = forms.EmptyForm(request.POST)
    form.is_valid()
    if call_service(form, services.red_alert_acknowledge, user=request.user, alert=alert) is not None:
        messages.success(request, "已确认红色预警")
    else:
        form_errors_to_messages(request, form)
    return redirect("complaints:inbox")


@login_required
def complaint_analysis(request):
    """DOMAIN §9: categories, causes and recurring causes of this month (or a chosen period)."""
    today = timezone.localdate()
    since, until = _date_param(request, "since", today.replace(day=1)), _date_param(request, "until", today)
    if until < since:
        since, until = until, since
    period = {"user": request.user, "since": since, "until": until}
    context = {
        "since": since,
        "until": until,
        "breakdowns": [
            (label, selectors.complaint_breakdown(**period, by=by))
            for by, label in (
                ("category", "按类别"),
                ("cause", "按根本原因"),
                ("store", "按门店"),
                ("advisor", "按顾问"),
                ("month", "按月"),
            )
        ],
        "recurring": selectors.recurring_causes(**period),
        "rates": selectors.complaint_on_time_rates(**period),
        "contact_rates": selectors.contact_response_rates(**period),
    }
    return render(request, "complaints/analysis.html", context)


def _date_param(request, name: str, default: dt.date) -> dt.date:
    try:
        value = dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default
    return value if 2000 <= value.year <= 2100 else default
