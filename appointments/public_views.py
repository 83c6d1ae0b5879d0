"""The customer's self-booking H5 page (DOMAIN §5): no staff login. The customer proves the mobile by
a texted code or arrives through a signed link; the session then holds who they are for a short
while. Only real free slots are offered; the booking goes through the same service as staff's."""

import contextlib
import datetime as dt

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from accounts.models import Store
from appointments import selectors, selfbooking, services
from appointments.availability import free_slots
from appointments.forms import CodeForm, MobileForm, SelfBookingForm
from appointments.links import customer_for_token
from appointments.models import Appointment, AppointmentStatus, BookingChannel
from core.api import client_ip
from core.errors import DomainError
from core.forms import call_service
from customers.models import Customer
from vehicles.models import Vehicle

SESSION_KEY = "self_booking"
SESSION_MINUTES = 30


def _by_ip(group, request):
    return client_ip(request) or "unknown"


def _store(store_code: str) -> Store:
    store = Store.objects.filter(code=store_code).first()
    if store is None:
        raise Http404("未找到该门店")
    return store


def _sign_in(request, customer: Customer, channel: str) -> None:
    request.session.cycle_key()
    expires = timezone.now() + dt.timedelta(minutes=SESSION_MINUTES)
    request.session[SESSION_KEY] = {
        "store_id": customer.store_id,
        "customer_id": customer.pk,
        "channel": channel,
        "expires": expires.isoformat(),
    }


def _customer(request, store: Store) -> Customer | None:
    """The customer this browser proved to be, for this store, while the session lasts."""
    data = request.session.get(SESSION_KEY) or {}
    if (
        data.get("store_id") != store.pk
        or dt.datetime.fromisoformat(data.get("expires", "2000-01-01T00:00:00+00:00")) < timezone.now()
    ):
        return None
    return Customer.objects.filter(pk=data.get("customer_id"), store=store, erased_at__isnull=True).first()


def _vehicles(customer: Customer) -> list[Vehicle]:
    return list(Vehicle.objects.filter(owner=customer, is_active=True).order_by("id")[:20])


@ratelimit(key=_by_ip, rate="30/m", block=True)
def booking_page(request, store_code: str):
    store = _store(store_code)
    customer = _customer(request, store)
    if customer is None:
        return render(request, "appointments/public/sign_in.html", {"store": store, "form": MobileForm()})
    vehicles = _vehicles(customer)
    form = SelfBookingForm(request.POST or None, store_id=store.pk, vehicles=vehicles, initial={"date": timezone.localdate()})
    status = 200
    if request.method == "POST":
        vehicle = next((v for v in vehicles if form.is_valid() and v.pk == form.cleaned_data["vehicle"]), None)
        appointment = form.is_valid() and call_service(
            form,
            services.appointment_self_book,
            customer=customer,
            vehicle=vehicle,
            service_type=form.cleaned_data["service_type"],
            starts_at=form.cleaned_data["starts_at"],
            notes=form.cleaned_data["notes"],
            channel=request.session[SESSION_KEY].get("channel", BookingChannel.SELF_SERVICE),
        )
        if appointment:
            return redirect("booking:page", store_code=store.code)
        status = getattr(getattr(form, "domain_error", None), "status", 422)
    context = {
        "store": store,
        "customer": customer,
        "form": form,
        "upcoming": selectors.customer_upcoming(customer_id=customer.pk),
    }
    return render(request, "appointments/public/book.html", context, status=status)


@ratelimit(key=_by_ip, rate="10/m", block=True)
@require_POST
def code_send(request, store_code: str):
    store = _store(store_code)
    form = MobileForm(request.POST)
    if form.is_valid():
        call_service(form, selfbooking.booking_code_send, store=store, mobile=form.cleaned_data["mobile"])
        if not form.errors:
            context = {"store": store, "form": CodeForm(initial=form.cleaned_data), "sent": True}
            return render(request, "appointments/public/sign_in.html", context)
    status = getattr(getattr(form, "domain_error", None), "status", 422)
    return render(request, "appointments/public/sign_in.html", {"store": store, "form": form}, status=status)


@ratelimit(key=_by_ip, rate="20/m", block=True)
@require_POST
def code_verify(request, store_code: str):
    store = _store(store_code)
    form = CodeForm(request.POST)
    customer = form.is_valid() and call_service(
        form, selfbooking.booking_code_verify, store=store, mobile=form.cleaned_data["mobile"], code=form.cleaned_data["code"]
    )
    if customer:
        _sign_in(request, customer, BookingChannel.SELF_SERVICE)
        return redirect("booking:page", store_code=store.code)
    return render(request, "appointments/public/sign_in.html", {"store": store, "form": form, "sent": True}, status=422)


@ratelimit(key=_by_ip, rate="30/m", block=True)
def signed_link(request, token: str):
    """A link from a confirmation or reminder message: signed, expiring, names the customer."""
    customer = customer_for_token(token)
    if customer is None:
        return render(
            request, "appointments/public/closed.html", {"message": "链接无效或已过期，请使用手机号验证码登录预约。"}, status=410
        )
    _sign_in(request, customer, BookingChannel.REMINDER_LINK)
    return redirect("booking:page", store_code=customer.store.code)


@ratelimit(key=_by_ip, rate="60/m", block=True)
def slot_list(request, store_code: str):
    store = _store(store_code)
    if _customer(request, store) is None:
        raise Http404("请先验证手机号")
    service_type = selectors.service_type_resolve(store_id=store.pk, ref=request.GET.get("service_type", "").strip())
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    slots = []
    if service_type is not None and service_type.is_active:
        slots = free_slots(store_id=store.pk, day=day, service_type=service_type, now=timezone.now())
    return render(request, "appointments/_slots.html", {"slots": slots, "service_type": service_type})


@require_POST
def cancel(request, store_code: str, appointment_id: int):
    store = _store(store_code)
    customer = _customer(request, store)
    appointment = Appointment.objects.filter(
        pk=appointment_id, customer=customer, status__in=[AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED]
    ).first()
    if customer is None or appointment is None:
        raise Http404("未找到该预约")
    with contextlib.suppress(DomainError):  # changed meanwhile: the page shows the current state
        services.appointment_cancel(user=None, appointment=appointment, reason="客户自助取消")
    return redirect("booking:page", store_code=store.code)
