"""维修工单: the list, opening an order, the detail page with its seven steps and every action, the
itemised bill, the technician's jobs, the customer 360 card and the public progress page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from accounts.models import Role, User
from accounts.permissions import Perm, has_perm
from core.api import client_ip
from core.forms import call_service
from core.scoping import scoped
from customers.selectors import customer_get
from vehicles.models import Vehicle
from vehicles.selectors import vehicle_get
from vehicles.validators import normalize_plate
from workshop import forms, selectors, services
from workshop.models import RepairOrder
from workshop.progress import ProgressLinkInvalid, order_for_token, progress_link

PAGE_SIZE = 50


def _page(request) -> int:
    raw = request.GET.get("page", "1")
    return max(int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1, 1)


def _technicians(store_id: int):
    return User.objects.filter(stores__id=store_id, role__in=(Role.TECHNICIAN, Role.TEAM_LEADER), is_active=True).order_by("id")


def _advisors(user):
    return User.objects.filter(stores__id__in=user.accessible_store_ids(), role=Role.ADVISOR, is_active=True).distinct()


@login_required
def order_list(request):
    form = forms.FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = _page(request)
    queryset = selectors.repair_order_list(
        user=request.user,
        state=filters.get("state", ""),
        advisor_id=filters.get("advisor"),
        repeat_only=filters.get("repeat", False),
    )
    rows = list(queryset[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "orders": rows[:PAGE_SIZE],
        "has_next": len(rows) > PAGE_SIZE,
        "page": page,
        "filter_query": query.urlencode(),
        "advisors": _advisors(request.user),
        "advisor": filters.get("advisor"),
        "now": timezone.now(),
        "tab": "list",
    }
    return render(request, "workshop/list.html", context)


@login_required
def my_jobs(request):
    orders = list(selectors.repair_order_jobs(user=request.user)[:200])
    return render(request, "workshop/my_jobs.html", {"orders": orders, "now": timezone.now(), "tab": "mine"})


def _vehicle_for_new(request) -> Vehicle | None:
    vehicle_id = request.GET.get("vehicle", "")
    if vehicle_id.isascii() and vehicle_id.isdigit() and len(vehicle_id) < 19:
        return vehicle_get(user=request.user, vehicle_id=int(vehicle_id))
    plate = request.GET.get("plate", "").strip()
    if plate:
        return scoped(Vehicle.objects, request.user).filter(plate=normalize_plate(plate)).select_related("owner").first()
    return None


@login_required
def order_new(request):
    """Step 1: reception — find the car (from the customer page or by plate) and open the order."""
    vehicle = _vehicle_for_new(request)
    if vehicle is None:
        if request.GET.get("plate"):
            messages.error(request, "未找到该车牌的车辆，请先在客户档案中建档。")
        return redirect("workshop:list")
    technicians = _technicians(vehicle.store_id)
    form = forms.OpenForm(request.POST or None, technicians=technicians)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        appointment = _appointment(request, data.pop("appointment_id"), form)
        order = (
            call_service(form, services.repair_order_open, user=request.user, vehicle=vehicle, appointment=appointment, **data)
            if not form.errors
            else None
        )
        if order is not None:
            messages.success(request, f"已开单：工单 #{order.pk}")
            return redirect("workshop:detail", order.pk)
    status = 422 if form.errors else 200
    return render(request, "workshop/new.html", {"vehicle": vehicle, "form": form}, status=status)


def _appointment(request, appointment_id: int | None, form):
    if appointment_id is None:
        return None
    from appointments.models import Appointment

    appointment = scoped(Appointment.objects, request.user).filter(pk=appointment_id).first()
    if appointment is None:
        form.add_error("appointment_id", "未找到该预约")
    return appointment


@login_required
def order_detail(request, order_id: int):
    order = selectors.repair_order_get(user=request.user, order_id=order_id)
    return render(request, "workshop/detail.html", _detail_context(request, order))


def _detail_context(request, order: RepairOrder, **forms_in_error) -> dict:
    technicians = _technicians(order.store_id)
    local_promise = timezone.localtime(order.promised_at) if order.promised_at else None
    context = {
        "order": order,
        "steps": selectors.repair_order_steps(order),
        "items": list(order.items.all()),
        "approvals": list(order.approvals.select_related("recorded_by").order_by("version")),
        "qc_rounds": selectors.qc_rounds(order),
        "qc_next": services.qc_next_level(order) if order.state == RepairOrder.State.QC else None,
        "events": list(order.events.select_related("actor").order_by("-at", "-id")[:100]),
        "can_edit": has_perm(request.user, Perm.REPAIR_ORDER_EDIT),
        "can_work": has_perm(request.user, Perm.REPAIR_ORDER_WORK),
        "editable": order.state in RepairOrder.EDITABLE,
        "record_form": forms.RecordForm(
            initial={"complaint": order.complaint, "system": order.system, "walk_around": order.walk_around}
        ),
        "plan_form": forms.PlanForm(
            initial={"diagnosis": order.diagnosis, "promised_at": local_promise, "technician_id": order.technician_id},
            technicians=technicians,
        ),
        "item_form": forms.ItemForm(),
        "approve_form": forms.ApproveForm(),
        "qc_form": forms.QualityCheckForm(),
        "deliver_form": forms.DeliverForm(),
        "cancel_form": forms.CancelForm(),
        "progress_url": progress_link(order),
        "now": timezone.now(),
    }
    context.update(forms_in_error)
    return context


def _action(request, order_id: int, form_class, service, *, form_name: str, success: str, **form_kwargs):
    """Run one action of the detail page: 404 for another store's order first, then the form, then the
    service; errors re-render the page with the form's messages (422)."""
    order = selectors.repair_order_get(user=request.user, order_id=order_id)
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid() and call_service(form, service, user=request.user, order=order, **form.cleaned_data) is not None:
        messages.success(request, success)
        return redirect(reverse("workshop:detail", args=[order.pk]) + f"#{form_name}")
    for error in form.non_field_errors():
        messages.error(request, error)
    order = selectors.repair_order_get(user=request.user, order_id=order_id)
    return render(request, "workshop/detail.html", _detail_context(request, order, **{form_name: form}), status=422)


@login_required
@require_POST
def order_record(request, order_id: int):
    return _action(
        request, order_id, forms.RecordForm, services.repair_order_record, form_name="record_form", success="已保存问题记录"
    )


@login_required
@require_POST
def order_plan(request, order_id: int):
    order = selectors.repair_order_get(user=request.user, order_id=order_id)
    return _action(
        request,
        order_id,
        forms.PlanForm,
        services.repair_order_plan,
        form_name="plan_form",
        success="已保存诊断与方案",
        technicians=_technicians(order.store_id),
    )


@login_required
@require_POST
def order_item_add(request, order_id: int):
    return _action(request, order_id, forms.ItemForm, services.repair_order_item_add, form_name="item_form", success="已添加项目")


def _item_action(request, order_id: int, item_id: int, form_class, service, success: str):
    order = selectors.repair_order_get(user=request.user, order_id=order_id)
    if not order.items.filter(pk=item_id).exists():
        raise Http404("未找到该记录")

    def on_item(*, user, order, **fields):
        return service(user=user, order=order, item_id=item_id, **fields)

    return _action(request, order_id, form_class, on_item, form_name="item_form", success=success)


@login_required
@require_POST
def order_item_update(request, order_id: int, item_id: int):
    return _item_action(request, order_id, item_id, forms.ItemUpdateForm, services.repair_order_item_update, "已修改项目")


@login_required
@require_POST
def order_item_remove(request, order_id: int, item_id: int):
    return _item_action(request, order_id, item_id, forms.EmptyForm, services.repair_order_item_remove, "已删除项目")


@login_required
@require_POST
def order_approve(request, order_id: int):
    return _action(
        request, order_id, forms.ApproveForm, services.repair_order_approve, form_name="approve_form", success="已登记客户确认"
    )


@login_required
@require_POST
def order_start(request, order_id: int):
    return _action(request, order_id, forms.EmptyForm, services.repair_order_start, form_name="work_form", success="已开工")


@login_required
@require_POST
def order_submit_qc(request, order_id: int):
    return _action(request, order_id, forms.EmptyForm, services.repair_order_submit_qc, form_name="work_form", success="已送检")


@login_required
@require_POST
def order_qc(request, order_id: int):
    return _action(
        request, order_id, forms.QualityCheckForm, services.repair_order_qc_record, form_name="qc_form", success="已登记质检结果"
    )


@login_required
@require_POST
def order_deliver(request, order_id: int):
    return _action(
        request, order_id, forms.DeliverForm, services.repair_order_deliver, form_name="deliver_form", success="已交车"
    )


@login_required
@require_POST
def order_close(request, order_id: int):
    return _action(request, order_id, forms.EmptyForm, services.repair_order_close, form_name="work_form", success="工单已关闭")


@login_required
@require_POST
def order_cancel(request, order_id: int):
    return _action(
        request, order_id, forms.CancelForm, services.repair_order_cancel, form_name="cancel_form", success="工单已取消"
    )


@login_required
def order_bill(request, order_id: int):
    """The itemised bill (DOMAIN §6 step 6), printable."""
    order = selectors.repair_order_get(user=request.user, order_id=order_id)
    items = list(order.items.all())
    labour = sum((i.amount for i in items if i.kind == "labour"), start=0)
    parts = sum((i.amount for i in items if i.kind == "parts"), start=0)
    context = {"order": order, "items": items, "labour": labour, "parts": parts}
    return render(request, "workshop/bill.html", context)


@login_required
def customer_card(request, customer_id: int):
    """The customer 360 card: the latest repair orders of this customer (htmx)."""
    customer = customer_get(user=request.user, customer_id=customer_id)
    context = {
        "customer": customer,
        "orders": selectors.customer_repair_orders(customer=customer),
        "vehicles": list(Vehicle.objects.filter(owner=customer, is_active=True).order_by("id")[:10]),
        "can_open": has_perm(request.user, Perm.REPAIR_ORDER_EDIT),
    }
    return render(request, "workshop/_customer_card.html", context)


@ratelimit(key=lambda group, request: client_ip(request) or "unknown", rate="60/m", block=True)
def progress_page(request, token: str):
    """The customer's progress page (no login; a signed, expiring link): the current step and the
    promised time, nothing personal beyond the car's model and a masked plate."""
    try:
        order = order_for_token(token)
    except ProgressLinkInvalid as exc:
        return render(request, "workshop/progress_closed.html", {"message": exc.detail}, status=410)
    context = {
        "order": order,
        "steps": selectors.repair_order_steps(order),
        "current": selectors.current_step(order),
        "plate": _masked_plate(order.vehicle.plate),
    }
    return render(request, "workshop/progress.html", context)


def _masked_plate(plate: str) -> str:
    return f"{plate[:2]}***{plate[-2:]}" if len(plate) > 4 else plate
