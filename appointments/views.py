"""预约 staff pages (DOMAIN §5): the day view per bay and technician, booking (also from the customer
360 page and by phone), an appointment's page (parts, reschedule, cancel, check-in, no-show),
walk-ins with their waiting estimate and the welcome board for the lobby screen."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Store
from accounts.permissions import Perm, has_perm
from appointments import selectors, services
from appointments.availability import free_slots
from appointments.forms import BookingForm, CancelForm, RescheduleForm, WalkInForm
from core.errors import DomainError
from core.forms import call_service
from customers.selectors import customer_get, customer_vehicles
from vehicles.selectors import vehicle_get

PHONE_SCRIPT = (
    "您好，这里是{store}售后服务。请问您的车牌号和需要的服务项目？我帮您查一下空闲时段……已为您预约，稍后会收到确认短信。"
)


def _store_id(request) -> int:
    """The store the page shows: the one asked for if the user may see it, else the user's own."""
    ids = request.user.accessible_store_ids()
    raw = request.GET.get("store") or request.POST.get("store") or ""
    if raw.isdigit() and int(raw) in ids:
        return int(raw)
    store_id = request.user.default_store_id() or (min(ids) if ids else None)
    if store_id is None:
        raise Http404("没有可查看的门店")
    return store_id


def _day(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


def _stores(request):
    return Store.objects.filter(pk__in=request.user.accessible_store_ids()).order_by("code")


@login_required
def index(request):
    """The day view: every bay and technician with free and taken 15-minute cells, and the list."""
    store_id, day = _store_id(request), _day(request)
    context = {
        "day": day,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "store_id": store_id,
        "stores": _stores(request),
        "view": selectors.day_view(store_id=store_id, day=day),
        "appointments": list(selectors.appointment_list(user=request.user, day=day, store_id=store_id)[:300]),
        "can_receive": has_perm(request.user, Perm.APPOINTMENT_RECEIVE),
        "can_book": has_perm(request.user, Perm.APPOINTMENT_BOOK),
        "nav_section": "appointments",
    }
    return render(request, "appointments/index.html", context)


@login_required
def slot_list(request):
    """The free starts of a day for a service type (htmx partial of the booking forms)."""
    store_id = _store_id(request)
    service_type = selectors.service_type_resolve(store_id=store_id, ref=request.GET.get("service_type", "").strip())
    slots = []
    if service_type is not None and service_type.is_active:
        slots = free_slots(store_id=store_id, day=_day(request), service_type=service_type, now=timezone.now())
    return render(request, "appointments/_slots.html", {"slots": slots, "service_type": service_type})


@login_required
def book(request):
    """The booking form for one customer (from the customer 360 page or the phone script)."""
    raw = request.GET.get("customer") or request.POST.get("customer") or ""
    if not raw.isdigit():
        messages.info(request, "请先在客户档案中找到客户，再点击“预约”。")
        return redirect("customers:list")
    customer = customer_get(user=request.user, customer_id=int(raw))
    vehicles = _owned_vehicles(customer)
    form = BookingForm(
        request.POST or None, store_id=customer.store_id, vehicles=vehicles, initial={"date": timezone.localdate()}
    )
    status = 200
    if request.method == "POST":
        appointment = form.is_valid() and call_service(
            form,
            services.appointment_book,
            user=request.user,
            customer=customer,
            service_type=form.cleaned_data["service_type"],
            starts_at=form.cleaned_data["starts_at"],
            vehicle=vehicle_get(user=request.user, vehicle_id=form.cleaned_data["vehicle"])
            if form.cleaned_data["vehicle"]
            else None,
            channel=form.cleaned_data["channel"],
            notes=form.cleaned_data["notes"],
            parts=form.parts(),
        )
        if appointment:
            messages.success(
                request, f"已预约：{timezone.localtime(appointment.starts_at):%m-%d %H:%M} {appointment.service_type.name}"
            )
            return redirect("appointments:detail", appointment.pk)
        status = 409 if isinstance(getattr(form, "domain_error", None), DomainError) and form.domain_error.status == 409 else 422
    context = {
        "customer": customer,
        "form": form,
        "store_id": customer.store_id,
        "phone_script": PHONE_SCRIPT.format(store=customer.store),
        "nav_section": "appointments",
    }
    return render(request, "appointments/book.html", context, status=status)


def _owned_vehicles(customer) -> list:
    return [v for v in customer_vehicles(customer=customer) if v.owner_id == customer.pk]


@login_required
def detail(request, appointment_id: int):
    appointment = selectors.appointment_get(user=request.user, appointment_id=appointment_id)
    context = {
        "appointment": appointment,
        "parts": list(appointment.parts.all()),
        "reschedule_form": RescheduleForm(initial={"date": timezone.localtime(appointment.starts_at).date()}),
        "cancel_form": CancelForm(),
        "can_receive": has_perm(request.user, Perm.APPOINTMENT_RECEIVE),
        "can_book": has_perm(request.user, Perm.APPOINTMENT_BOOK),
        "nav_section": "appointments",
    }
    return render(request, "appointments/detail.html", context)


def _act(request, appointment_id: int, action, success: str, **kwargs):
    appointment = selectors.appointment_get(user=request.user, appointment_id=appointment_id)
    try:
        action(user=request.user, appointment=appointment, **kwargs)
    except DomainError as exc:
        messages.error(request, "；".join(exc.errors.values()) or exc.detail)
    else:
        messages.success(request, success)
    return redirect(request.POST.get("next") or "appointments:detail", *([] if request.POST.get("next") else [appointment.pk]))


@login_required
@require_POST
def check_in(request, appointment_id: int):
    return _act(request, appointment_id, services.appointment_check_in, "已登记到店")


@login_required
@require_POST
def confirm(request, appointment_id: int):
    return _act(request, appointment_id, services.appointment_confirm, "已确认预约")


@login_required
@require_POST
def no_show(request, appointment_id: int):
    return _act(request, appointment_id, services.appointment_mark_no_show, "已标记爽约，已生成改约任务")


@login_required
@require_POST
def cancel(request, appointment_id: int):
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(request, appointment_id, services.appointment_cancel, "预约已取消，工位已释放", reason=reason)


@login_required
@require_POST
def reschedule(request, appointment_id: int):
    selectors.appointment_get(user=request.user, appointment_id=appointment_id)  # another store's id → 404 first
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("appointments:detail", appointment_id)
    return _act(request, appointment_id, services.appointment_reschedule, "已改约", starts_at=form.cleaned_data["starts_at"])


@login_required
@require_POST
def part_arrive(request, appointment_part_id: int):
    part = selectors.part_get(user=request.user, part_id=appointment_part_id)
    try:
        services.appointment_part_arrive(user=request.user, part=part)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"配件已到货：{part.name}")
    return redirect("appointments:detail", part.appointment_id)


@login_required
def customer_card(request, customer_id: int):
    """The customer 360 card: upcoming appointments and the 预约 button."""
    customer = customer_get(user=request.user, customer_id=customer_id)
    context = {
        "customer": customer,
        "appointments": selectors.customer_upcoming(customer_id=customer.pk),
        "can_book": has_perm(request.user, Perm.APPOINTMENT_BOOK),
    }
    return render(request, "appointments/_customer_card.html", context)


@login_required
def walk_ins(request):
    """未预约到店: register with a waiting estimate (appointments go first), and the queue."""
    store_id = _store_id(request)
    form = WalkInForm(request.POST or None, store_id=store_id)
    status = 200
    if request.method == "POST":
        walk_in = form.is_valid() and call_service(
            form,
            services.walk_in_register,
            user=request.user,
            name=form.cleaned_data["name"],
            plate=form.cleaned_data["plate"],
            service_type=form.cleaned_data["service_type"],
        )
        if walk_in:
            messages.success(
                request, f"已登记 {walk_in.name}，预计 {timezone.localtime(walk_in.estimated_start_at):%H:%M} 开始服务"
            )
            return redirect(f"{request.path}?store={store_id}")
        status = 409 if getattr(form, "domain_error", None) is not None and form.domain_error.status == 409 else 422
    context = {
        "form": form,
        "queue": list(selectors.walk_in_queue(user=request.user, store_id=store_id)[:100]),
        "store_id": store_id,
        "stores": _stores(request),
        "nav_section": "appointments",
    }
    return render(request, "appointments/walk_ins.html", context, status=status)


@login_required
@require_POST
def walk_in_close(request, service_walk_in_id: int):
    walk_in = selectors.walk_in_get(user=request.user, walk_in_id=service_walk_in_id)
    try:
        services.walk_in_close(user=request.user, walk_in=walk_in, status=request.POST.get("status", ""))
    except DomainError as exc:
        messages.error(request, "；".join(exc.errors.values()) or exc.detail)
    return redirect(f"{reverse('appointments:walk_ins')}?store={walk_in.store_id}")


@login_required
def board(request):
    """预约欢迎看板 for the lobby screen: refreshes itself; names and plates masked."""
    store_id = _store_id(request)
    store = Store.objects.get(pk=store_id)
    return render(request, "appointments/board.html", {"store": store, **_board_context(store_id)})


@login_required
def board_rows(request):
    return render(request, "appointments/_board_rows.html", _board_context(_store_id(request)))


def _board_context(store_id: int) -> dict:
    today = timezone.localdate()
    return {
        "rows": selectors.welcome_board(store_id=store_id, day=today),
        "today": today,
        "store_id": store_id,
        "now": timezone.localtime(),
    }
