"""Demo data: bays, service types (incl. EV, DOMAIN §13), technician profiles (technician_a and two
colleagues per store) and today's appointments for the welcome board. Idempotent."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from appointments.availability import LOCAL, labour_duration
from appointments.models import Appointment, AppointmentStatus, BookingChannel, ServiceBay, ServiceType, TechnicianProfile
from appointments.services import appointment_templates_ensure, resources_claim
from core.errors import Conflict
from vehicles.models import Vehicle

BAYS = [
    ("1号工位", "general"),
    ("2号工位", "general"),
    ("3号工位", "general"),
    ("举升机A", "lift"),
    ("举升机B", "lift"),
    ("新能源高压工位", "ev_high_voltage"),
    ("喷漆房", "paint"),
]
SERVICE_TYPES = [
    ("maintenance", "常规保养", 60, "380.00", "maintenance", "general", "请携带保养手册"),
    ("repair", "故障维修", 120, "600.00", "mechanical", "lift", ""),
    ("inspection", "年检预检", 30, "0.00", "inspection", "general", "请携带行驶证"),
    ("ev_battery_check", "电池健康检测", 45, "200.00", "ev_high_voltage", "ev_high_voltage", "请保持电量 30% 以上"),
    ("motor_diagnosis", "电机诊断", 60, "300.00", "ev_high_voltage", "ev_high_voltage", ""),
    ("charger_installation", "充电桩安装咨询", 60, "0.00", "charger_installation", "general", "请准备车位产权或租赁证明"),
    ("paint", "钣金喷漆", 240, "1200.00", "paint", "paint", "如需保险理赔请提前报案，建议提前一天到店，工位已为您预留"),
]
ALL_SKILLS = ["maintenance", "mechanical", "electrical", "inspection", "ev_high_voltage", "charger_installation"]
TODAY_PLAN = [
    (9, 0, "maintenance"),
    (10, 0, "inspection"),
    (11, 0, "ev_battery_check"),
    (14, 0, "maintenance"),
    (15, 30, "repair"),
]


def seed_demo(*, stores, users) -> None:
    appointment_templates_ensure()
    for store in stores.values():
        _resources(store, users)
        _today(store)


def _resources(store, users) -> None:
    for name, kind in BAYS:
        ServiceBay.objects.get_or_create(store=store, name=name, defaults={"kind": kind})
    for code, name, minutes, amount, skill, bay_kind, notice in SERVICE_TYPES:
        ServiceType.objects.get_or_create(
            store=store,
            code=code,
            defaults={
                "name": name,
                "labour_minutes": minutes,
                "labour_amount": amount,
                "required_skill": skill,
                "bay_kind": bay_kind,
                "customer_notice": notice,
            },
        )
    technicians = [u for u in users if u.role == Role.TECHNICIAN and store.pk in u.accessible_store_ids()]
    for number in (1, 2):
        colleague, created = User.objects.get_or_create(
            username=f"tech_{store.code.lower()}_{number}",
            defaults={"role": Role.TECHNICIAN, "display_name": f"{store.city}技师{number}", "dealer_group": store.group},
        )
        if created:
            colleague.set_unusable_password()
            colleague.save()
            colleague.stores.set([store])
        technicians.append(colleague)
    for technician in technicians:
        skills = ALL_SKILLS + (["paint", "bodywork"] if technician.username.endswith("_2") else [])
        TechnicianProfile.objects.get_or_create(user=technician, defaults={"store": store, "skills": skills})


def _today(store) -> None:
    """A handful of today's appointments (earlier ones already arrived) for the welcome board."""
    today = timezone.localdate()
    start, end = (dt.datetime.combine(today, t, tzinfo=LOCAL) for t in (dt.time.min, dt.time.max))
    if Appointment.objects.filter(store=store, starts_at__range=(start, end)).exists():
        return
    vehicles = list(Vehicle.objects.filter(store=store, is_active=True).select_related("owner").order_by("id")[: len(TODAY_PLAN)])
    advisor = User.objects.filter(stores=store, role=Role.ADVISOR).order_by("id").first()
    now = timezone.now()
    for (hour, minute, code), vehicle in zip(TODAY_PLAN, vehicles, strict=False):
        service_type = ServiceType.objects.get(store=store, code=code)
        starts_at = dt.datetime.combine(today, dt.time(hour, minute), tzinfo=LOCAL)
        appointment = Appointment(
            store=store,
            customer=vehicle.owner,
            vehicle=vehicle,
            service_type=service_type,
            advisor=advisor,
            starts_at=starts_at,
            ends_at=starts_at + labour_duration(service_type),
            channel=BookingChannel.PHONE,
            estimated_labour_minutes=service_type.labour_minutes,
            estimated_labour_amount=service_type.labour_amount,
        )
        if starts_at < now:
            appointment.status, appointment.arrived_at = AppointmentStatus.ARRIVED, starts_at - dt.timedelta(minutes=5)
        try:
            with transaction.atomic():
                resources_claim(appointment, bay=None, technician=None)
        except Conflict:
            continue  # the store is closed today or fully booked: no demo row
