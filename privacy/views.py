"""Staff pages for PIPL: reveal one value with a reason, data-subject requests, export, history."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import Perm, has_perm
from core.api import client_ip
from core.forms import call_service
from customers.selectors import customer_get
from privacy import selectors, services
from privacy.forms import DataRequestForm, DecisionForm, ExportForm, RevealForm
from privacy.models import DataSubjectRequest


@login_required
def pii_reveal(request, customer_id: int, field: str):
    customer = customer_get(user=request.user, customer_id=customer_id)
    if field not in services.REVEALABLE_FIELDS:
        raise Http404
    form = RevealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        value = call_service(
            form,
            services.pii_reveal,
            user=request.user,
            customer=customer,
            field=field,
            reason=form.cleaned_data["reason"],
            ip_address=client_ip(request),
        )
        if value is not None:
            return render(request, "privacy/_revealed.html", {"value": value})
    context = {"form": form, "customer": customer, "field": field, "label": services.REVEALABLE_FIELDS[field]}
    return render(request, "privacy/_reveal_form.html", context)


@login_required
def data_request_queue(request):
    status = request.GET.get("status", DataSubjectRequest.Status.PENDING)
    requests = selectors.data_request_list(
        user=request.user, status=status if status in DataSubjectRequest.Status.values else None
    )[:200]
    context = {
        "requests": requests,
        "status": status,
        "statuses": DataSubjectRequest.Status.choices,
        "can_decide": has_perm(request.user, Perm.DATA_REQUEST_APPROVE),
    }
    return render(request, "privacy/queue.html", context)


@login_required
@require_POST
def data_request_create(request, customer_id: int):
    customer = customer_get(user=request.user, customer_id=customer_id)
    form = DataRequestForm(request.POST)
    if form.is_valid() and call_service(
        form, services.data_request_create, user=request.user, customer=customer, **form.cleaned_data
    ):
        messages.success(request, "已登记个人信息权利请求，待门店经理审批")
    else:
        _form_errors_to_messages(request, form)
    return redirect("customers:detail", customer_id=customer.id)


@login_required
@require_POST
def data_request_decide(request, request_id: int):
    data_request = selectors.data_request_get(user=request.user, request_id=request_id)
    form = DecisionForm(request.POST)
    if form.is_valid() and call_service(
        form,
        services.data_request_decide,
        user=request.user,
        request=data_request,
        ip_address=client_ip(request),
        **form.cleaned_data,
    ):
        messages.success(request, "已处理")
    else:
        _form_errors_to_messages(request, form)
    return redirect("privacy:queue")


@login_required
@require_POST
def customer_export(request, customer_id: int):
    customer = customer_get(user=request.user, customer_id=customer_id)
    form = ExportForm(request.POST)
    dossier = form.is_valid() and call_service(
        form,
        services.customer_export,
        user=request.user,
        customer=customer,
        reason=form.cleaned_data["reason"],
        ip_address=client_ip(request),
    )
    if not dossier:
        _form_errors_to_messages(request, form)
        return redirect("customers:detail", customer_id=customer.id)
    if form.cleaned_data["format"] == "json":
        response = HttpResponse(json.dumps(dossier, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="customer-{customer.id}.json"'
        return response
    return render(request, "privacy/dossier.html", {"customer": customer, "dossier": dossier})


@login_required
def customer_history(request, customer_id: int):
    customer = customer_get(user=request.user, customer_id=customer_id)
    if not has_perm(request.user, Perm.AUDIT_VIEW):
        return render(request, "privacy/forbidden.html", status=403)
    context = {
        "customer": customer,
        "entries": selectors.audit_trail_for(user=request.user, customer=customer),
        "access_log": selectors.access_log_for(user=request.user, customer=customer)[:200],
    }
    return render(request, "privacy/history.html", context)


def _form_errors_to_messages(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)
