"""Reminder plans (DOMAIN §4): keep each vehicle's due dates, generate each day's steps exactly
once with set-based SQL, turn them into call tasks and outbox messages, and react to outcomes."""

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role, Store, User
from core.policies import policy_value
from followups.services import visit_follow_ups_plan
from messaging.rules import MARKETING_CONSENT
from reminders.models import Holiday, Reminder, ReminderPlanStop, ReminderStep, ServiceRule
from reminders.rules import Schedule, average_km_per_day, battery_check_due, service_due
from reminders.steps import DEFINITIONS_BY_CODE, STEP_DEFINITIONS
from tasks.models import Outcome, Task
from vehicles.models import ELECTRIFIED, OdometerReading, Vehicle

logger = logging.getLogger(__name__)
LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)
CALL_HOUR = 10  # call tasks are due at 10:00 local time on their working day
MESSAGE_HOUR = 9  # messages queue for 09:00 local; the sender honours quiet hours on top


# --- the vehicle's schedule ---------------------------------------------------------------


def schedule_for(vehicle: Vehicle, rules: list[ServiceRule] | None = None) -> Schedule:
    """The most specific active rule for the vehicle's store, brand, model and powertrain."""
    if rules is None:
        rules = list(ServiceRule.objects.filter(is_active=True))
    matching = [
        r
        for r in rules
        if r.store_id in (None, vehicle.store_id)
        and r.brand in ("", vehicle.brand)
        and r.model in ("", vehicle.model)
        and r.powertrain in ("", vehicle.powertrain)
    ]
    if not matching:
        return Schedule() if vehicle.powertrain in ELECTRIFIED else Schedule(battery_check_months=None)
    best = max(matching, key=lambda r: r.specificity)
    schedule = best.as_schedule()
    return schedule if vehicle.powertrain in ELECTRIFIED else Schedule(**{**schedule.__dict__, "battery_check_months": None})


def vehicle_schedule_refresh(vehicle: Vehicle, *, rules: list[ServiceRule] | None = None, save: bool = True) -> Vehicle:
    """Recompute and store the next service (and battery check) date — DOMAIN §4: after an
    odometer reading, a visit or a rule change. Pending plan steps follow the stored date."""
    schedule = schedule_for(vehicle, rules)
    readings = list(
        OdometerReading.objects.filter(vehicle=vehicle)
        .order_by("read_on", "id")
        .values_list("km", "read_on", "is_meter_replacement")
    )
    since_replacement = _since_last_replacement(readings)
    default_pace = policy_value(vehicle.store_id, "odometer.default_km_per_day")
    pace = average_km_per_day(since_replacement, default_pace)
    delivered = vehicle.delivery_date or vehicle.purchase_date
    due = service_due(
        schedule=schedule,
        delivered_on=delivered,
        service_cycle=vehicle.service_cycle,
        last_service_on=vehicle.last_service_on,
        last_service_km=vehicle.last_service_km,
        odometer_km=vehicle.odometer_km,
        odometer_read_on=vehicle.odometer_read_on,
        km_per_day=pace,
    )
    vehicle.km_per_day = round(pace, 1)
    vehicle.service_due_on, vehicle.service_due_by, vehicle.parts_order_call_on = due.due_on, due.due_by, due.parts_order_call_on
    vehicle.battery_check_due_on = battery_check_due(
        schedule=schedule, delivered_on=delivered, last_service_on=vehicle.last_service_on
    )
    if save:
        fields = ["km_per_day", "service_due_on", "service_due_by", "parts_order_call_on", "battery_check_due_on", "updated_at"]
        vehicle.save(update_fields=fields)
    return vehicle


def _since_last_replacement(readings: list[tuple[int, dt.date, bool]]) -> list[tuple[int, dt.date]]:
    start = max((i for i, (_km, _on, replaced) in enumerate(readings) if replaced), default=0)
    return [(km, on) for km, on, _replaced in readings[start:]]


@transaction.atomic
def vehicle_service_record(*, vehicle: Vehicle, on: dt.date, km: int) -> Vehicle:
    """A service visit was completed: the next cycle starts from it (called by the workshop)."""
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    vehicle.last_service_on, vehicle.last_service_km = on, km
    vehicle.service_cycle += 1
    vehicle.save(update_fields=["last_service_on", "last_service_km", "service_cycle", "updated_at"])
    visit_follow_ups_plan(vehicle=vehicle, visited_on=on)
    return vehicle_schedule_refresh(vehicle)


def service_rules_apply(*, store_id: int | None = None, batch: int = 2_000) -> int:
    """After a rule change, recompute the stored due dates of the affected vehicles in batches."""
    rules = list(ServiceRule.objects.filter(is_active=True))
    vehicles = Vehicle.objects.filter(is_active=True).order_by("pk")
    if store_id is not None:
        vehicles = vehicles.filter(store_id=store_id)
    done, last_pk = 0, 0
    while chunk := list(vehicles.filter(pk__gt=last_pk)[:batch]):
        for vehicle in chunk:
            vehicle_schedule_refresh(vehicle, rules=rules, save=False)
        Vehicle.objects.bulk_update(
            chunk, ["km_per_day", "service_due_on", "service_due_by", "parts_order_call_on", "battery_check_due_on"]
        )
        done, last_pk = done + len(chunk), chunk[-1].pk
    return done


# --- per-store plan configuration ---------------------------------------------------------


def reminder_steps_ensure(store: Store) -> None:
    """Give a store every step of the brief with its default numbers (idempotent)."""
    for definition in STEP_DEFINITIONS:
        ReminderStep.objects.get_or_create(
            store=store,
            code=definition.code,
            defaults={
                "kind": definition.kind,
                "label": definition.label,
                "offset_days": definition.offset_days,
                "action": definition.action,
                "channel": definition.channel,
                "purpose": definition.purpose,
                "template_code": definition.template_code,
                "assignee_role": definition.assignee_role,
                "script": definition.script,
            },
        )


# --- the calendar -------------------------------------------------------------------------


def holidays_seed(years: list[int]) -> int:
    """Copy the official schedule (days off, adjusted working days) from chinese-calendar."""
    import chinese_calendar

    created = 0
    for year in years:
        day = dt.date(year, 1, 1)
        while day.year == year:
            try:
                is_holiday, name = chinese_calendar.get_holiday_detail(day)
            except NotImplementedError:
                break  # the library does not know this year yet: managers enter it by hand
            is_weekend = day.weekday() >= 5
            if is_holiday != is_weekend or name:
                _, made = Holiday.objects.get_or_create(
                    date=day, defaults={"name": _festival_name(name), "is_day_off": is_holiday}
                )
                created += made
            day += dt.timedelta(days=1)
    return created


_FESTIVALS = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}


def _festival_name(name: str | None) -> str:
    return _FESTIVALS.get(name or "", name or "")


def is_working_day(day: dt.date) -> bool:
    """DOMAIN §4: the official calendar incl. adjusted working days; weekends otherwise."""
    entry = Holiday.objects.filter(date=day).first()
    if entry is not None:
        return not entry.is_day_off
    return day.weekday() < 5


def next_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def calendar_known(year: int) -> bool:
    """False for a year whose official schedule is not published yet: managers see a warning."""
    return Holiday.objects.filter(date__year=year, name__in=["春节", "国庆节"]).exists()


# --- the daily batch ----------------------------------------------------------------------


@dataclass
class BatchResult:
    generated: int = 0
    tasks: int = 0
    messages: int = 0


def reminder_batch_generate(*, day: dt.date) -> int:
    """Create the reminders whose step falls on `day`: one INSERT … SELECT … ON CONFLICT DO NOTHING
    per store and step over the indexed anchor dates — never a loop over vehicles. Re-running
    (or finishing a crashed run) inserts nothing twice: the unique constraints decide."""
    created = 0
    steps = ReminderStep.objects.filter(enabled=True).order_by("store_id", "code")
    with transaction.atomic():  # one commit for the day; a crash leaves nothing half-written
        for step in steps:
            definition = DEFINITIONS_BY_CODE.get(step.code)
            if definition is None:
                continue
            anchor = day - dt.timedelta(days=step.offset_days)
            for select_sql, params in definition.source(step.store_id, anchor, day):
                created += _insert_reminders(step, day, select_sql, params)
    return created


def _insert_reminders(step: ReminderStep, day: dt.date, select_sql: str, params: list) -> int:
    sql = (
        "INSERT INTO reminders_reminder (store_id, customer_id, vehicle_id, cycle, due_on, topic, kind, step, action, scheduled_on, status, created_at) "
        f"SELECT %s, src.* , %s, %s, %s, %s, %s, %s FROM ({select_sql}) AS src "
        "WHERE 1 = 1 ON CONFLICT DO NOTHING"
    )
    return _execute(sql, [step.store_id, step.kind, step.code, step.action, day, "pending", _now(), *params])


def reminder_actions_dispatch(*, day: dt.date) -> BatchResult:
    """Turn the day's pending reminders into call tasks and outbox messages, exactly once each
    (unique `source_key` / `idempotency_key` = reminder:<id>), then mark them done — in one
    transaction per store, so a crash leaves either all or nothing of that store's day."""
    result = BatchResult()
    for store in Store.objects.filter(
        pk__in=Reminder.objects.filter(status=Reminder.Status.PENDING, scheduled_on__lte=day).values("store_id")
    ):
        with transaction.atomic():
            result.tasks += _insert_call_tasks(store, day)
            result.messages += _insert_messages(store, day)
            Reminder.objects.filter(store=store, status=Reminder.Status.PENDING, scheduled_on__lte=day).update(
                status=Reminder.Status.DONE
            )
    return result


def _local_datetime(day: dt.date, hour: int):
    return connection.ops.adapt_datetimefield_value(dt.datetime.combine(day, dt.time(hour), tzinfo=LOCAL))


def _round_robin(store: Store, role: str, column: str) -> str:
    """SQL picking a staff member of `role` by customer id, when the vehicle names nobody."""
    staff_ids = list(User.objects.filter(stores=store, role=role, is_active=True).order_by("pk").values_list("pk", flat=True))
    if not staff_ids:
        return "NULL"
    branches = " ".join(f"WHEN {i} THEN {pk}" for i, pk in enumerate(staff_ids))
    return f"CASE ({column} %% {len(staff_ids)}) {branches} END"


def _assignee_sql(store: Store) -> str:
    agents = _round_robin(store, Role.CALL_CENTRE_AGENT, "r.customer_id")
    advisors = _round_robin(store, Role.ADVISOR, "r.customer_id")
    sales = _round_robin(store, Role.SALESPERSON, "r.customer_id")
    return (
        "CASE s.assignee_role "
        f"WHEN 'salesperson' THEN COALESCE(v.salesperson_id, {sales}) "
        f"WHEN 'call_centre' THEN {agents} "
        f"ELSE COALESCE(v.service_advisor_id, {advisors}, {agents}) END"
    )


def _insert_call_tasks(store: Store, day: dt.date) -> int:
    due_at = _local_datetime(next_working_day(day), CALL_HOUR)  # calls wait for a working day
    title = _concat("s.label", "' '", "COALESCE(v.plate, '')", "CASE WHEN r.topic <> '' THEN '：' ELSE '' END", "r.topic")
    sql = (
        "INSERT INTO tasks_task (store_id, customer_id, vehicle_id, assignee_id, kind, title, script, due_at, status, outcome, notes, source_key, created_at) "
        f"SELECT r.store_id, r.customer_id, r.vehicle_id, {_assignee_sql(store)}, {_concat(repr('reminder_'), 'r.kind')}, {title}, s.script, %s, 'open', '', '', "
        f"{_concat(repr('reminder:'), 'CAST(r.id AS TEXT)')}, %s "
        "FROM reminders_reminder r JOIN reminders_reminderstep s ON s.store_id = r.store_id AND s.code = r.step "
        "LEFT JOIN vehicles_vehicle v ON v.id = r.vehicle_id "
        "WHERE r.store_id = %s AND r.status = 'pending' AND r.action = 'call' AND r.scheduled_on <= %s ON CONFLICT DO NOTHING"
    )
    return _execute(sql, [due_at, _now(), store.pk, day])


def _insert_messages(store: Store, day: dt.date) -> int:
    """Queue-time consent check in SQL, with the texts and purposes of messaging.rules (the sender
    checks again at send time, DOMAIN §4/§14): marketing needs a current yes for the channel, a
    service notice stops only at an explicit no. The customer's name is filled in at send time."""
    variables = _json_object(
        {
            "plate": "COALESCE(v.plate, '')",
            "model": "COALESCE(v.model, '')",
            "due_date": "CAST(r.due_on AS TEXT)",
            "topic": "r.topic",
        }
    )
    consent_purpose = "CASE s.channel " + " ".join(f"WHEN '{ch}' THEN '{p}'" for ch, p in MARKETING_CONSENT.items()) + " END"
    no_consent_reason = (
        "CASE s.channel "
        + " ".join(f"WHEN '{ch}' THEN '无营销授权（{p.label}）'" for ch, p in MARKETING_CONSENT.items())
        + " END"
    )
    marketing_ok = f"EXISTS (SELECT 1 FROM customers_consent k WHERE k.customer_id = r.customer_id AND k.granted = %s AND k.purpose = {consent_purpose})"
    service_opted_out = "EXISTS (SELECT 1 FROM customers_consent k WHERE k.customer_id = r.customer_id AND k.granted = %s AND k.purpose = 'service_reminders')"
    reason = (
        "CASE WHEN c.erased_at IS NOT NULL THEN '客户信息已匿名化' "
        f"WHEN s.purpose = 'marketing' AND NOT {marketing_ok} THEN {no_consent_reason} "
        f"WHEN s.purpose = 'service' AND {service_opted_out} THEN '客户已退订服务提醒' ELSE '' END"
    )
    sql = (
        "INSERT INTO messaging_outboxmessage (store_id, customer_id, channel, purpose, template_code, variables, idempotency_key, status, attempts, "
        "next_attempt_at, last_error, suppressed_reason, provider_message_id, created_at) "
        "SELECT q.store_id, q.customer_id, q.channel, q.purpose, q.template_code, q.variables, q.idem, "
        "CASE WHEN q.reason = '' THEN 'queued' ELSE 'suppressed' END, 0, %s, '', q.reason, '', %s FROM ("
        f"SELECT r.store_id, r.customer_id, s.channel, s.purpose, s.template_code, {variables} AS variables, "
        f"{_concat(repr('reminder:'), 'CAST(r.id AS TEXT)')} AS idem, {reason} AS reason "
        "FROM reminders_reminder r JOIN reminders_reminderstep s ON s.store_id = r.store_id AND s.code = r.step "
        "JOIN customers_customer c ON c.id = r.customer_id LEFT JOIN vehicles_vehicle v ON v.id = r.vehicle_id "
        "WHERE r.store_id = %s AND r.status = 'pending' AND r.action = 'message' AND r.scheduled_on <= %s) AS q WHERE 1 = 1 ON CONFLICT DO NOTHING"
    )
    return _execute(sql, [_local_datetime(day, MESSAGE_HOUR), _now(), True, False, store.pk, day])


def _concat(*parts: str) -> str:
    return " || ".join(parts)


def _json_object(fields: dict[str, str]) -> str:
    function = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    return f"{function}({', '.join(f'{key!r}, {expr}' for key, expr in fields.items())})"


def _now():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _execute(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def reminders_run_day(*, day: dt.date) -> BatchResult:
    """The daily job: generate the day's steps, then act on them."""
    generated = reminder_batch_generate(day=day)
    result = reminder_actions_dispatch(day=day)
    result.generated = generated
    logger.info("reminders %s: %s generated, %s tasks, %s messages", day, generated, result.tasks, result.messages)
    return result


# --- outcomes -------------------------------------------------------------------------------

_PLAN_ENDING = {
    Outcome.BOOKED: "booked",
    Outcome.NOT_INTERESTED: "not_interested",
    Outcome.WRONG_NUMBER: "wrong_number",
    Outcome.CAR_SOLD: "car_sold",
}


def reminder_task_outcome(task: Task) -> None:
    """DOMAIN §4: the outcome of a call decides the next step — a booking (or a refusal, a wrong
    number, a sold car) ends the plan for this cycle; a sold car gets no more reminders at all."""
    reminder = Reminder.objects.filter(pk=int(task.source_key.split(":", 1)[1])).first()
    if reminder is None or reminder.vehicle_id is None:
        return
    reason = _PLAN_ENDING.get(task.outcome)
    if reason:
        ReminderPlanStop.objects.get_or_create(
            vehicle_id=reminder.vehicle_id, kind=reminder.kind, cycle=reminder.cycle, defaults={"reason": reason}
        )
    if task.outcome == Outcome.CAR_SOLD:
        Vehicle.objects.filter(pk=reminder.vehicle_id).update(is_active=False)


# --- default message texts ------------------------------------------------------------------

DEFAULT_TEMPLATES = [
    (
        "service_due",
        "service",
        "保养到期提醒",
        "尊敬的{name}，您的爱车{plate}预计将于{due_date}到保养时间，欢迎回店保养。在线预约 {booking_link} ，或致电{store_phone}。",
    ),
    (
        "inspection_due",
        "service",
        "年检到期提醒",
        "尊敬的{name}，您的爱车{plate}年检将于{due_date}到期，请及时办理，如需协助请致电{store_phone}。",
    ),
    (
        "warranty_end",
        "service",
        "质保到期提醒",
        "尊敬的{name}，您的爱车{plate}整车质保将于{due_date}到期，建议到期前回店全面检测。在线预约 {booking_link} ，电话{store_phone}。",
    ),
    (
        "recall",
        "service",
        "召回通知",
        "尊敬的{name}，您的爱车{plate}属于召回范围（{topic}），请在线预约免费检修 {booking_link} ，或致电{store_phone}。",
    ),
    (
        "ev_battery_check",
        "service",
        "电池健康检测提醒",
        "尊敬的{name}，您的{model}（{plate}）建议于{due_date}前进行电池健康检测。在线预约 {booking_link} ，或致电{store_phone}。",
    ),
    (
        "ota_release",
        "service",
        "OTA 升级通知",
        "尊敬的{name}，您的{model}有新的软件版本（{topic}），可回店或在线升级，详询{store_phone}。",
    ),
    ("birthday", "marketing", "生日祝福", "亲爱的{name}，{store_name}祝您生日快乐！生日当月回店保养可享专属礼遇。"),
    ("holiday", "marketing", "节日问候", "{name}您好，{store_name}祝您{topic}快乐，出行平安！"),
    (
        "seasonal_check",
        "marketing",
        "季节检查",
        "{name}您好，{topic}即将开始，{store_name}为您的爱车{plate}提供免费检查，预约电话{store_phone}。",
    ),
]


def reminder_templates_ensure() -> None:
    """The group-wide default SMS texts of every message step (managers can edit or override)."""
    from messaging.models import MessageTemplate

    for code, purpose, name, body in DEFAULT_TEMPLATES:
        MessageTemplate.objects.get_or_create(
            store=None, code=code, channel="sms", defaults={"purpose": purpose, "name": name, "body": body}
        )


def battery_health_check(vehicle: Vehicle) -> Task | None:
    """DOMAIN §13: a state of health below the store's threshold → a task for the after-sales
    specialist (once per vehicle and day)."""
    threshold = policy_value(vehicle.store_id, "ev.soh_alert_percent")
    if vehicle.battery_soh_percent is None or vehicle.battery_soh_percent >= threshold:
        return None
    today = timezone.localdate()
    task, _ = Task.objects.get_or_create(
        source_key=f"soh:{vehicle.pk}:{today.isoformat()}",
        defaults={
            "store_id": vehicle.store_id,
            "customer_id": vehicle.owner_id,
            "vehicle": vehicle,
            "assignee_id": vehicle.service_advisor_id,
            "kind": "ev_battery_health",
            "title": f"电池健康度 {vehicle.battery_soh_percent}% 低于 {threshold}%：{vehicle.plate}",
            "script": "联系车主说明电池健康度变化，预约电池检测。",
            "due_at": timezone.now() + dt.timedelta(days=1),
        },
    )
    return task
