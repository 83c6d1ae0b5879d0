"""Staff pages for vehicles: register, edit, odometer readings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.forms import call_service
from customers.selectors import customer_get
from vehicles import selectors, services
from vehicles.forms import OdometerForm, VehicleForm

PAGE_SIZE = 25


@login_required
def vehicle_list(request):
    page = int(request.GET["page"]) if request.GET.get("page", "").isdigit() and int(request.GET["page"]) > 0 else 1
    rows = list(selectors.vehicle_list(user=request.user)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    context = {"vehicles": rows[:PAGE_SIZE], "page": page, "has_next": len(rows) > PAGE_SIZE}
    return render(request, "vehicles/list.html", context)


@login_required
def vehicle_create(request, customer_id: int):
    owner = customer_get(user=request.user, customer_id=customer_id)
    form = VehicleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = call_service(form, services.vehicle_create, user=request.user, owner=owner, **form.service_kwargs())
        if saved is not None:
            _warn(request, saved[1])
            return redirect("customers:detail", customer_id=owner.id)
    return render(request, "vehicles/form.html", {"form": form, "owner": owner, "title": f"为 {owner.name} 登记车辆"})


@login_required
def vehicle_edit(request, vehicle_id: int):
    vehicle = selectors.vehicle_get(user=request.user, vehicle_id=vehicle_id)
    form = VehicleForm(request.POST or None, initial=VehicleForm.initial_for(vehicle))
    if request.method == "POST" and form.is_valid():
        saved = call_service(form, services.vehicle_update, user=request.user, vehicle=vehicle, **form.service_kwargs())
        if saved is not None:
            _warn(request, saved[1])
            return redirect("customers:detail", customer_id=vehicle.owner_id)
    return render(request, "vehicles/form.html", {"form": form, "owner": vehicle.owner, "title": f"编辑车辆 · {vehicle}"})


def _warn(request, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


@login_required
@require_POST
def odometer_add(request, vehicle_id: int):
    vehicle = selectors.vehicle_get(user=request.user, vehicle_id=vehicle_id)
    form = OdometerForm(request.POST)
    if form.is_valid():
        reading = call_service(form, services.odometer_record, user=request.user, vehicle=vehicle, **form.cleaned_data)
        if reading is not None:
            if reading.is_flagged:
                messages.warning(request, f"里程已记录但被标记：{reading.flag_reason}")
            else:
                messages.success(request, "里程已记录")
            return redirect("customers:detail", customer_id=vehicle.owner_id)
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(request, f"{form.fields[field].label + '：' if field in form.fields else ''}{error}")
    return redirect("customers:detail", customer_id=vehicle.owner_id)
