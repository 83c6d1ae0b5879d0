"""接待队列 (DOMAIN §1): the inbound requests with live clocks, first-contact ownership, transfers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from complaints import forms, selectors, services
from complaints.views import colleagues, customer_param, form_errors_to_messages
from core.forms import call_service

PAGE_SIZE = 100


@login_required
def contact_queue(request):
    """Unanswered requests by deadline; the table refreshes itself every 30 s (HTMX)."""
    context = {"contacts": list(selectors.contact_queue(user=request.user)[:PAGE_SIZE]), "now": timezone.now()}
    template = "complaints/_contact_rows.html" if request.htmx else "complaints/contact_queue.html"
    return render(request, template, context)


@login_required
def contact_create(request):
    form = forms.ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        customer = customer_param(request, str(data.pop("customer_id") or ""))
        contact = call_service(form, services.contact_receive, user=request.user, customer=customer, **data)
        if contact is not None:
            messages.success(request, f"已登记，响应时限 {timezone.localtime(contact.respond_due_at):%H:%M:%S}")
            return redirect("contacts:queue")
    return render(request, "complaints/contact_form.html", {"form": form})


@login_required
def contact_detail(request, contact_id: int):
    contact = selectors.contact_get(user=request.user, contact_id=contact_id)
    context = {
        "contact": contact,
        "timeline": selectors.contact_timeline(contact=contact),
        "colleagues": colleagues(request.user),
        "complaint_form": forms.ContactComplaintForm(),
        "now": timezone.now(),
    }
    return render(request, "complaints/contact_detail.html", context)


ACTIONS = {
    "take": (forms.EmptyForm, services.contact_take, "已认领（首问负责）"),
    "respond": (forms.ContactRespondForm, services.contact_respond, "已记录响应"),
    "transfer": (forms.TransferForm, services.contact_transfer, "已转交"),
    "close": (forms.OutcomeForm, services.contact_close, "已关闭"),
}


@login_required
@require_POST
def contact_action(request, contact_id: int, action: str):
    contact = selectors.contact_get(user=request.user, contact_id=contact_id)
    form_class, service, done = ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        data = form.service_kwargs()
        if "customer_id" in data:
            data["customer"] = customer_param(request, str(data.pop("customer_id") or ""))
        if call_service(form, service, user=request.user, contact=contact, **data) is not None:
            messages.success(request, done)
            return redirect("contacts:detail", contact_id=contact.id)
    form_errors_to_messages(request, form)
    return redirect("contacts:detail", contact_id=contact.id)


@login_required
@require_POST
def contact_to_complaint(request, contact_id: int):
    contact = selectors.contact_get(user=request.user, contact_id=contact_id)
    form = forms.ContactComplaintForm(request.POST)
    complaint = form.is_valid() and call_service(
        form, services.contact_to_complaint, user=request.user, contact=contact, **form.service_kwargs()
    )
    if complaint:
        return redirect("complaints:detail", complaint_id=complaint.id)
    form_errors_to_messages(request, form)
    return redirect("contacts:detail", contact_id=contact.id)
