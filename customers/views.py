"""Staff pages for the customer archive: search, 360 view, create/edit, timeline entries."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import Perm, has_perm
from core.errors import DuplicateCustomer
from core.forms import call_service
from customers import selectors, services
from customers.birthdays import lunar_label
from customers.forms import CustomerForm, InteractionForm
from privacy.forms import DataRequestForm
from reminders.selectors import vehicle_upcoming
from vehicles.forms import OdometerForm

PAGE_SIZE = 25


@login_required
def customer_list(request):
    q = request.GET.get("q", "").strip()
    if q:
        customers, has_next, page = selectors.customer_search(user=request.user, q=q), False, 1
    else:
        page = max(int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1, 1)
        rows = list(selectors.customer_list(user=request.user)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
        customers, has_next = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    context = {"customers": customers, "q": q, "page": page, "has_next": has_next}
    template = "customers/_results.html" if request.htmx else "customers/list.html"
    return render(request, template, context)


@login_required
def customer_detail(request, customer_id: int):
    customer = selectors.customer_get(user=request.user, customer_id=customer_id)
    vehicles = selectors.customer_vehicles(customer=customer)
    context = {
        "customer": customer,
        "birthday_label": lunar_label(customer.birthday) if customer.birthday and customer.birthday_is_lunar else "",
        "mobiles": list(customer.mobiles.all()),
        "consents": list(customer.consents.order_by("purpose")),
        "can_reveal": has_perm(request.user, Perm.PII_REVEAL),
        "can_request": has_perm(request.user, Perm.DATA_REQUEST_CREATE),
        "can_export": has_perm(request.user, Perm.DATA_REQUEST_APPROVE),
        "can_audit": has_perm(request.user, Perm.AUDIT_VIEW),
        "data_requests": list(customer.data_requests.order_by("-id")[:10]),
        "data_request_form": DataRequestForm(),
        "upcoming": [(v, vehicle_upcoming(vehicle=v, today=timezone.localdate())) for v in vehicles],
        "open_tasks": list(customer.tasks.filter(status="open").select_related("assignee").order_by("due_at")[:10]),
        "vehicles": vehicles,
        "odometer_series": _odometer_series(vehicles),
        "timeline": selectors.customer_timeline(customer=customer),
        "interaction_form": InteractionForm(),
        "odometer_form": OdometerForm(),
    }
    return render(request, "customers/detail.html", context)


def _odometer_series(vehicles) -> list[dict]:
    return [
        {
            "label": f"{v.plate or v.vin[-6:]} {v.model}",
            "points": [{"x": r.read_on.isoformat(), "y": r.km} for r in v.odometer_readings.all()],
        }
        for v in vehicles
    ]


@login_required
def customer_create(request):
    form = CustomerForm(request.POST or None, initial={"member_tier": "none"})
    duplicate_id = None
    if request.method == "POST" and form.is_valid():
        customer = call_service(form, services.customer_create, user=request.user, **form.service_kwargs())
        if customer is not None:
            return redirect("customers:detail", customer_id=customer.id)
        duplicate_id = _duplicate_of(form)
    return render(request, "customers/form.html", {"form": form, "duplicate_id": duplicate_id, "title": "新建客户"})


def _duplicate_of(form) -> int | None:
    """When the mobile is taken in this store, point the clerk at that customer (merge, not copy)."""
    error = getattr(form, "domain_error", None)
    return error.existing_customer_id if isinstance(error, DuplicateCustomer) else None


@login_required
def customer_edit(request, customer_id: int):
    customer = selectors.customer_get(user=request.user, customer_id=customer_id)
    form = CustomerForm(request.POST or None, initial=CustomerForm.initial_for(customer))
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        extra = data.pop("extra_mobiles")
        updated = call_service(form, services.customer_update, user=request.user, customer=customer, **data)
        for number in extra if updated else []:
            added = call_service(form, services.customer_mobile_add, user=request.user, customer=customer, mobile=number)
            updated = updated if added else None
        if updated is not None:
            return redirect("customers:detail", customer_id=customer.id)
    return render(request, "customers/form.html", {"form": form, "customer": customer, "title": f"编辑客户 · {customer.name}"})


@login_required
@require_POST
def interaction_add(request, customer_id: int):
    customer = selectors.customer_get(user=request.user, customer_id=customer_id)
    form = InteractionForm(request.POST)
    saved = form.is_valid() and call_service(
        form, services.interaction_create, user=request.user, customer=customer, **form.cleaned_data
    )
    if saved:
        form = InteractionForm()
    context = {"customer": customer, "timeline": selectors.customer_timeline(customer=customer), "interaction_form": form}
    return render(request, "customers/_timeline.html", context)
