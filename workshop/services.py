"""Repair-order services (DOMAIN §6): the seven steps, the state machine with its transition table,
approval and re-approval of the estimate, three-level QC, delivery and its hand-offs to reminders,
appointments and loyalty. Every write checks the role, locks the order and leaves an event."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import Perm, require
from core.errors import Conflict, Forbidden, InvalidInput
from core.policies import policy_value
from core.scoping import store_for_write
from vehicles.models import OdometerReading, Vehicle
from workshop import progress
from workshop.models import (
    ApprovalMethod,
    QualityCheck,
    RepairOrder,
    RepairOrderApproval,
    RepairOrderEvent,
    RepairOrderItem,
    System,
)

State = RepairOrder.State
Event = RepairOrderEvent.Kind

# DOMAIN §6: draft → confirmed → in progress → QC → ready → delivered → closed, plus cancelled.
# QC sends a failed car back to the workshop; nothing skips a state.
TRANSITIONS: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.CONFIRMED, State.CANCELLED}),
    State.CONFIRMED: frozenset({State.IN_PROGRESS, State.CANCELLED}),
    State.IN_PROGRESS: frozenset({State.QC, State.CANCELLED}),
    State.QC: frozenset({State.READY, State.IN_PROGRESS}),
    State.READY: frozenset({State.DELIVERED}),
    State.DELIVERED: frozenset({State.CLOSED}),
    State.CLOSED: frozenset(),
    State.CANCELLED: frozenset(),
}
# The column each state stamps when it is entered (STYLE.md 5: KPIs read columns, not logs).
STAMPS = {
    State.CONFIRMED: "approved_at",
    State.IN_PROGRESS: "work_started_at",
    State.QC: "qc_started_at",
    State.READY: "ready_at",
    State.DELIVERED: "delivered_at",
    State.CLOSED: "closed_at",
    State.CANCELLED: "cancelled_at",
}
KEEP_FIRST_STAMP = {"work_started_at", "approved_at"}
MAX_AMOUNT = Decimal("9999999.99")
MAX_QUANTITY = Decimal("999999.99")
QC_ROLES = {
    QualityCheck.Level.TECHNICIAN: {Role.TECHNICIAN},
    QualityCheck.Level.TEAM_LEADER: {Role.TEAM_LEADER},
    QualityCheck.Level.ADVISOR: {Role.ADVISOR, Role.STORE_MANAGER, Role.GROUP_ADMIN},
}


# --- helpers ------------------------------------------------------------------------------------


def _locked(order: RepairOrder) -> RepairOrder:
    return RepairOrder.objects.select_for_update().select_related("vehicle", "customer").get(pk=order.pk)


def _event(order: RepairOrder, kind: str, *, user=None, detail: str = "", from_state: str = "", to_state: str = ""):
    return RepairOrderEvent.objects.create(
        order=order, kind=kind, actor=user, detail=detail[:500], from_state=from_state, to_state=to_state
    )


def _transition(order: RepairOrder, to: str, *, user, detail: str = "", now: dt.datetime | None = None) -> RepairOrder:
    """The one place a state changes: the table decides, the state's column is stamped, the change is
    audited and the customer gets a progress message (DOMAIN §6)."""
    if to not in TRANSITIONS[order.state]:
        raise Conflict(f"工单当前为“{order.get_state_display()}”，不能变更为“{State(to).label}”")
    now = now or timezone.now()
    from_state, order.state = order.state, to
    fields = ["state", "updated_at"]
    stamp = STAMPS.get(to)
    if stamp and not (stamp in KEEP_FIRST_STAMP and getattr(order, stamp)):
        setattr(order, stamp, now)
        fields.append(stamp)
    order.save(update_fields=fields)
    event = _event(order, Event.TRANSITION, user=user, detail=detail, from_state=from_state, to_state=to)
    progress.status_message_queue(order=order, event=event)
    return order


def _require_state(order: RepairOrder, *states: str, action: str) -> None:
    if order.state not in states:
        raise Conflict(f"工单当前为“{order.get_state_display()}”，不能{action}")


def _require_approved(order: RepairOrder, action: str) -> None:
    """DOMAIN §6 step 4: any change needs the customer's (re-)approval before work continues."""
    if order.needs_approval:
        raise Conflict(f"估价有变更（项目、价格或完工时间），需客户重新确认后才能{action}", {"approval": "待客户确认"})


def _technician(order_store_id: int, technician_id: int | None) -> User | None:
    if technician_id is None:
        return None
    technician = User.objects.filter(
        pk=technician_id, role__in=(Role.TECHNICIAN, Role.TEAM_LEADER), is_active=True, stores__id=order_store_id
    ).first()
    if technician is None:
        raise InvalidInput({"technician_id": "请选择本店在岗的技师"})
    return technician


def _bump_estimate(order: RepairOrder, *, user, detail: str) -> None:
    """Items, prices or the promised time changed: a new estimate version, approval needed again."""
    total = order.items.aggregate(total=Sum(F("quantity") * F("unit_price")))["total"] or Decimal("0")
    order.estimate_total = Decimal(total).quantize(Decimal("0.01"))
    order.estimate_version += 1
    order.save(update_fields=["estimate_total", "estimate_version", "updated_at"])
    if order.approved_at is not None:
        detail += "（需客户重新确认）"
    _event(order, Event.ITEMS_CHANGED, user=user, detail=detail)


def _aware(value: dt.datetime | None, field: str) -> dt.datetime | None:
    """A time without a zone is a local (Asia/Shanghai) time; centuries away is a typing mistake."""
    if value is None:
        return None
    if not 2000 <= value.year <= 2100:
        raise InvalidInput({field: "时间不在合理范围内"})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _deadline(start: dt.datetime, store_id: int, key: str) -> dt.datetime:
    return start + dt.timedelta(minutes=policy_value(store_id, key))


# --- step 1: reception --------------------------------------------------------------------------


@transaction.atomic
def repair_order_open(
    *,
    user,
    vehicle: Vehicle,
    odometer_km: int,
    arrived_at: dt.datetime | None = None,
    complaint: str = "",
    appointment=None,
    technician_id: int | None = None,
) -> RepairOrder:
    """Step 1 (reception, advisor, within 5 min of arrival): open the order for a walk-in or a booked
    appointment, record the odometer through the vehicle archive (its reading checks apply)."""
    require(user, Perm.REPAIR_ORDER_EDIT)
    store_id = store_for_write(user, vehicle.store_id)
    now = timezone.now()
    arrived_at = _aware(arrived_at, "arrived_at") or now
    if arrived_at > now + dt.timedelta(minutes=1) or arrived_at < now - dt.timedelta(hours=12):
        raise InvalidInput({"arrived_at": "到店时间须在过去 12 小时内，且不能晚于现在"})
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)  # two clicks open one order
    busy = RepairOrder.objects.filter(vehicle=vehicle, state__in=RepairOrder.IN_SHOP).values_list("pk", flat=True).first()
    if busy:
        raise Conflict(f"该车辆已有未交车的工单 #{busy}", {"vehicle_id": "该车辆已在店维修"})
    technician = _technician(store_id, technician_id)
    flag = _record_odometer(user=user, vehicle=vehicle, km=odometer_km, on=timezone.localdate(arrived_at))
    order = RepairOrder.objects.create(
        store_id=store_id,
        customer_id=vehicle.owner_id,
        vehicle=vehicle,
        advisor=user,
        technician=technician,
        arrived_at=arrived_at,
        received_at=now,
        reception_due_at=_deadline(arrived_at, store_id, "workshop.reception_minutes"),
        recording_due_at=_deadline(now, store_id, "workshop.recording_max_minutes"),
        odometer_km=odometer_km,
        complaint=complaint.strip()[:2000],
        last_progress_at=now,
        created_by=user,
    )
    if appointment is not None:
        _attach_appointment(order, appointment, user=user)
    late = " · 接待超时" if now > order.reception_due_at else ""
    flagged = f" · 里程异常待核实：{flag}" if flag else ""
    _event(order, Event.OPENED, user=user, detail=f"进店里程 {odometer_km} 公里{late}{flagged}")
    _salesperson_care(order)
    return order


def _salesperson_care(order: RepairOrder) -> None:
    """DOMAIN §11: a customer arriving for service is a reason for their salesperson to call."""
    from leads.services import sales_care_on_service_arrival

    sales_care_on_service_arrival(customer=order.customer, source_key=f"repair_order:{order.pk}")


def _record_odometer(*, user, vehicle: Vehicle, km, on: dt.date) -> str:
    """The reading goes through the archive's checks; an implausible jump is stored but flagged (DOMAIN §2)
    and the flag is returned for the order's record."""
    from vehicles.services import odometer_record

    if not isinstance(km, int) or isinstance(km, bool):
        raise InvalidInput({"odometer_km": "请填写进店里程（整数公里）"})
    if vehicle.odometer_km == km and vehicle.odometer_read_on == on:
        return ""  # the same reading again (e.g. taken at check-in) is not a second reading
    try:
        reading = odometer_record(user=user, vehicle=vehicle, km=km, read_on=on, source=OdometerReading.Source.WORKSHOP)
    except InvalidInput as exc:
        raise InvalidInput({("odometer_km" if k == "km" else k): v for k, v in exc.errors.items()}) from None
    return reading.flag_reason


def _attach_appointment(order: RepairOrder, appointment, *, user) -> None:
    """A booked customer arrived: the appointment is checked in and its bay and type carry over."""
    from appointments.services import appointment_check_in

    if appointment.store_id != order.store_id or appointment.customer_id not in (order.customer_id, order.vehicle.driver_id):
        raise InvalidInput({"appointment_id": "该预约不属于本车辆的车主或驾驶人"})
    if getattr(appointment, "vehicle_id", None) not in (None, order.vehicle_id):
        raise InvalidInput({"appointment_id": "该预约登记的是另一辆车"})
    if RepairOrder.objects.filter(appointment=appointment).exclude(state=State.CANCELLED).exists():
        raise Conflict("该预约已开过工单", {"appointment_id": "该预约已开过工单"})
    appointment_check_in(user=user, appointment=appointment)
    order.appointment = appointment
    order.service_type_id = appointment.service_type_id
    order.bay_id = appointment.bay_id
    order.technician_id = order.technician_id or appointment.technician_id
    order.save(update_fields=["appointment", "service_type", "bay", "technician", "updated_at"])


# --- step 2: problem recording --------------------------------------------------------------------


@transaction.atomic
def repair_order_record(*, user, order: RepairOrder, complaint: str, system: str, walk_around: str = "") -> RepairOrder:
    """Step 2 (advisor, 10–15 min): the complete description, the system concerned and the walk-around
    check. The system decides the repeat-repair flag (DOMAIN §6: same problem within 30 days)."""
    require(user, Perm.REPAIR_ORDER_EDIT)
    order = _locked(order)
    _require_state(order, State.DRAFT, action="修改问题记录")
    complaint, walk_around = complaint.strip(), walk_around.strip()
    errors = {}
    if not complaint:
        errors["complaint"] = "请完整描述客户反映的问题"
    if system not in System.values:
        errors["system"] = "请选择故障系统"
    if not walk_around:
        errors["walk_around"] = "请填写环车检查记录（外观、内饰、贵重物品等）"
    if errors:
        raise InvalidInput(errors)
    first = order.recorded_at is None
    order.complaint, order.system, order.walk_around = complaint[:2000], system, walk_around[:2000]
    order.recorded_at = order.recorded_at or timezone.now()
    order.plan_due_at = order.plan_due_at or _deadline(order.recorded_at, order.store_id, "workshop.plan_minutes")
    order.repeat_of = repeat_repair_origin(order)
    order.is_repeat_repair = order.repeat_of is not None
    order.save(
        update_fields=[
            "complaint",
            "system",
            "walk_around",
            "recorded_at",
            "plan_due_at",
            "repeat_of",
            "is_repeat_repair",
            "updated_at",
        ]
    )
    detail = f"{order.get_system_display()}：{complaint[:100]}"
    if order.is_repeat_repair:
        detail += f" · 返修（原工单 #{order.repeat_of_id}）"
    _event(order, Event.RECORDED, user=user, detail=detail if first else "修改问题记录：" + detail)
    return order


def repeat_repair_origin(order: RepairOrder) -> RepairOrder | None:
    """DOMAIN §6: the same vehicle delivered for the same system within the store's number of days
    before this arrival (routine maintenance is not a problem, so never a repeat)."""
    if order.system in ("", System.MAINTENANCE):
        return None
    days = policy_value(order.store_id, "workshop.repeat_repair_days")
    return (
        RepairOrder.objects.filter(
            vehicle_id=order.vehicle_id,
            system=order.system,
            delivered_at__gte=order.arrived_at - dt.timedelta(days=days),
            delivered_at__lte=order.arrived_at,
        )
        .exclude(pk=order.pk)
        .order_by("-delivered_at")
        .first()
    )


# --- step 3: plan, estimate, approval -------------------------------------------------------------


@transaction.atomic
def repair_order_plan(
    *, user, order: RepairOrder, diagnosis: str, promised_at: dt.datetime, technician_id: int | None = None
) -> RepairOrder:
    """Step 3 (advisor + technician, within 30 min): diagnosis, technician and promised completion time.
    A new promised time after approval is a change the customer approves again (step 4)."""
    require(user, Perm.REPAIR_ORDER_EDIT)
    order = _locked(order)
    _require_state(order, *RepairOrder.EDITABLE, action="修改方案")
    if order.recorded_at is None:
        raise Conflict("请先完成问题记录（第 2 步）", {"complaint": "请先完成问题记录"})
    diagnosis, promised_at = diagnosis.strip(), _aware(promised_at, "promised_at")
    errors = {}
    if not diagnosis:
        errors["diagnosis"] = "请填写诊断结论"
    if promised_at is None or (promised_at != order.promised_at and promised_at <= timezone.now()):
        errors["promised_at"] = "承诺完工时间须晚于现在"
    elif promised_at > order.arrived_at + dt.timedelta(days=90):
        errors["promised_at"] = "承诺完工时间不能晚于到店后 90 天"
    if errors:
        raise InvalidInput(errors)
    technician = _technician(order.store_id, technician_id) if technician_id is not None else order.technician
    time_changed = order.promised_at is not None and order.promised_at != promised_at
    first = order.planned_at is None
    order.diagnosis, order.technician = diagnosis[:2000], technician
    old_promise, order.promised_at = order.promised_at, promised_at
    order.planned_at = order.planned_at or timezone.now()
    order.save(update_fields=["diagnosis", "technician", "promised_at", "planned_at", "updated_at"])
    if first or time_changed:
        _event(order, Event.PLANNED, user=user, detail=f"承诺完工 {timezone.localtime(promised_at):%m-%d %H:%M}")
    if time_changed:
        _bump_estimate(order, user=user, detail=f"完工时间 {_local(old_promise)} → {_local(promised_at)}")
    return order


def _local(value: dt.datetime | None) -> str:
    return f"{timezone.localtime(value):%m-%d %H:%M}" if value else "—"


def _money(value, field: str, *, positive: bool = False, limit: Decimal = MAX_AMOUNT) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput({field: "请填写有效的数字"}) from None
    if not amount.is_finite() or amount < 0 or (positive and amount == 0) or amount > limit:
        raise InvalidInput({field: "须为大于 0 的数" if positive else f"须在 0–{limit} 之间"})
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput({field: "最多两位小数"})
    return amount


@transaction.atomic
def repair_order_item_add(*, user, order: RepairOrder, kind: str, description: str, quantity, unit_price) -> RepairOrderItem:
    """Add a labour or parts line. After approval this is a change: work stops until re-approval."""
    require(user, Perm.REPAIR_ORDER_WORK)
    order = _locked(order)
    _require_state(order, *RepairOrder.EDITABLE, action="修改项目")
    errors = {}
    if kind not in RepairOrderItem.Kind.values:
        errors["kind"] = "请选择工时或配件"
    description = (description or "").strip()
    if not description or len(description) > 120:
        errors["description"] = "请填写项目名称（不超过 120 字）"
    if errors:
        raise InvalidInput(errors)
    quantity = _money(quantity, "quantity", positive=True, limit=MAX_QUANTITY)
    unit_price = _money(unit_price, "unit_price")
    if quantity * unit_price > MAX_AMOUNT:
        raise InvalidInput({"unit_price": "金额过大"})
    item = RepairOrderItem.objects.create(
        order=order,
        kind=kind,
        description=description,
        quantity=quantity,
        unit_price=unit_price,
        added_in_version=order.estimate_version + 1,
        created_by=user,
    )
    _bump_estimate(order, user=user, detail=f"新增{item.get_kind_display()}：{description} {quantity} × ¥{unit_price}")
    return item


@transaction.atomic
def repair_order_item_update(*, user, order: RepairOrder, item_id: int, quantity=None, unit_price=None) -> RepairOrderItem:
    """Change a line's quantity or price — after approval a change the customer approves again."""
    require(user, Perm.REPAIR_ORDER_WORK)
    order = _locked(order)
    _require_state(order, *RepairOrder.EDITABLE, action="修改项目")
    item = order.items.filter(pk=item_id).first()
    if item is None:
        raise InvalidInput({"item_id": "该工单没有这个项目"})
    new_quantity = item.quantity if quantity is None else _money(quantity, "quantity", positive=True, limit=MAX_QUANTITY)
    new_price = item.unit_price if unit_price is None else _money(unit_price, "unit_price")
    if new_quantity * new_price > MAX_AMOUNT:
        raise InvalidInput({"unit_price": "金额过大"})
    if (new_quantity, new_price) == (item.quantity, item.unit_price):
        return item
    detail = (
        f"修改{item.get_kind_display()}：{item.description} {item.quantity} × ¥{item.unit_price} → {new_quantity} × ¥{new_price}"
    )
    item.quantity, item.unit_price = new_quantity, new_price
    item.save(update_fields=["quantity", "unit_price"])
    _bump_estimate(order, user=user, detail=detail)
    return item


@transaction.atomic
def repair_order_item_remove(*, user, order: RepairOrder, item_id: int) -> RepairOrder:
    require(user, Perm.REPAIR_ORDER_WORK)
    order = _locked(order)
    _require_state(order, *RepairOrder.EDITABLE, action="修改项目")
    item = order.items.filter(pk=item_id).first()
    if item is None:
        raise InvalidInput({"item_id": "该工单没有这个项目"})
    item.delete()
    _bump_estimate(order, user=user, detail=f"删除{item.get_kind_display()}：{item.description}")
    return order


@transaction.atomic
def repair_order_approve(*, user, order: RepairOrder, method: str, note: str = "") -> RepairOrderApproval:
    """Record the customer's approval of the current estimate (DOMAIN §6 step 3) — the first one confirms
    the order, later ones are the re-approvals of changes (step 4)."""
    require(user, Perm.REPAIR_ORDER_EDIT)
    order = _locked(order)
    _require_state(order, *RepairOrder.EDITABLE, action="登记客户确认")
    if method not in ApprovalMethod.values:
        raise InvalidInput({"method": "请选择客户确认方式"})
    if order.planned_at is None or order.promised_at is None:
        raise Conflict("请先完成诊断与承诺完工时间（第 3 步）", {"promised_at": "请先填写承诺完工时间"})
    if not order.items.exists():
        raise Conflict("估价中还没有任何项目", {"items": "请先添加工时或配件项目"})
    if not order.needs_approval:
        raise Conflict("当前估价已由客户确认，无需重复确认")
    try:
        with transaction.atomic():
            approval = RepairOrderApproval.objects.create(
                order=order,
                version=order.estimate_version,
                total=order.estimate_total,
                promised_at=order.promised_at,
                method=method,
                note=note.strip()[:200],
                recorded_by=user,
            )
    except IntegrityError:
        raise Conflict("该版本估价已确认") from None
    reapproval = order.approved_at is not None
    order.approved_version = order.estimate_version
    order.save(update_fields=["approved_version", "updated_at"])
    detail = f"{'重新确认' if reapproval else '确认'} ¥{order.estimate_total}，{ApprovalMethod(method).label}，完工 {_local(order.promised_at)}"
    _event(order, Event.APPROVED, user=user, detail=detail)
    if order.state == State.DRAFT:
        _transition(order, State.CONFIRMED, user=user, detail="客户确认估价")
    return approval


# --- step 4–5: execution and three-level QC -------------------------------------------------------


@transaction.atomic
def repair_order_start(*, user, order: RepairOrder) -> RepairOrder:
    require(user, Perm.REPAIR_ORDER_WORK)
    order = _locked(order)
    _require_approved(order, "开工")
    if order.technician_id is None:
        raise Conflict("请先指派技师", {"technician_id": "请先指派技师"})
    _transition(order, State.IN_PROGRESS, user=user, detail="开工")
    if order.appointment_id is not None:
        from appointments.services import appointment_start_service

        appointment_start_service(appointment=order.appointment)
    return order


@transaction.atomic
def repair_order_submit_qc(*, user, order: RepairOrder) -> RepairOrder:
    require(user, Perm.REPAIR_ORDER_WORK)
    order = _locked(order)
    _require_state(order, State.IN_PROGRESS, action="送检")
    _require_approved(order, "送检")
    return _transition(order, State.QC, user=user, detail=f"第 {order.qc_round} 轮质检")


def qc_next_level(order: RepairOrder) -> int | None:
    """The level due next in this round: technician self-check → team leader → advisor."""
    done = set(order.quality_checks.filter(round=order.qc_round, passed=True).values_list("level", flat=True))
    return next((level for level in QualityCheck.Level.values if level not in done), None)


@transaction.atomic
def repair_order_qc_record(*, user, order: RepairOrder, level: int, passed: bool, notes: str = "") -> QualityCheck:
    """DOMAIN §6 step 5: three levels in order, each by its role with who/when/result; a failure sends
    the car back to the workshop for a new round, the third pass makes it ready for delivery."""
    require(user, Perm.REPAIR_ORDER_WORK)
    order = _locked(order)
    _require_state(order, State.QC, action="登记质检")
    if level not in QualityCheck.Level.values:
        raise InvalidInput({"level": "未知的质检级别"})
    expected = qc_next_level(order)
    if level != expected:
        raise Conflict(f"请按顺序质检：当前应由“{QualityCheck.Level(expected).label}”检验", {"level": "不能跳过或重复质检级别"})
    _check_qc_role(order, user, level)
    notes = notes.strip()
    if not passed and not notes:
        raise InvalidInput({"notes": "不合格时请写明问题"})
    try:
        with transaction.atomic():
            check = QualityCheck.objects.create(
                order=order, round=order.qc_round, level=level, passed=passed, notes=notes[:500], checked_by=user
            )
    except IntegrityError:
        raise Conflict("该级别本轮已检验") from None
    label = QualityCheck.Level(level).label
    _event(order, Event.QC, user=user, detail=f"第 {order.qc_round} 轮 {label}：{'合格' if passed else '不合格'} {notes[:200]}")
    if not passed:
        order.qc_round += 1
        order.save(update_fields=["qc_round", "updated_at"])
        _transition(order, State.IN_PROGRESS, user=user, detail=f"{label}不合格，返工")
    elif level == QualityCheck.Level.ADVISOR:
        _transition(order, State.READY, user=user, detail="三级质检合格，待交车")
    return check


def _check_qc_role(order: RepairOrder, user, level: int) -> None:
    if level == QualityCheck.Level.TECHNICIAN:
        if user.pk != order.technician_id:
            raise Forbidden("技师自检须由本工单的技师完成")
        return
    if user.role not in QC_ROLES[level]:
        raise Forbidden(f"{QualityCheck.Level(level).label}须由{'班组长' if level == 2 else '服务顾问'}完成")
    if user.pk == order.technician_id:
        raise Forbidden("复检须由另一人完成")


# --- step 6–7: delivery and closing ---------------------------------------------------------------


@transaction.atomic
def repair_order_deliver(
    *,
    user,
    order: RepairOrder,
    old_parts_shown: bool,
    next_visit_advice: str = "",
    advice_remind_on: dt.date | None = None,
) -> RepairOrder:
    """Step 6: hand the car over with the itemised bill, the old parts shown and advice for the next
    visit (→ a reminder call). The visit starts the next service cycle, plans follow-ups (step 7),
    completes the appointment and earns loyalty points — through their services."""
    require(user, Perm.REPAIR_ORDER_EDIT)
    order = _locked(order)
    _require_state(order, State.READY, action="交车")
    _require_approved(order, "交车")
    advice = (next_visit_advice or "").strip()
    today = timezone.localdate()
    if len(advice) > 300:
        raise InvalidInput({"next_visit_advice": "建议不超过 300 字"})
    if advice_remind_on is not None and not today < advice_remind_on <= today + dt.timedelta(days=3 * 365):
        raise InvalidInput({"advice_remind_on": "提醒日期须在今天之后 3 年内"})
    if not isinstance(old_parts_shown, bool):
        raise InvalidInput({"old_parts_shown": "请说明是否已向客户展示旧件"})
    order.old_parts_shown, order.next_visit_advice = old_parts_shown, advice
    order.save(update_fields=["old_parts_shown", "next_visit_advice", "updated_at"])
    _transition(
        order, State.DELIVERED, user=user, detail=f"结算 ¥{order.estimate_total}{' · 已展示旧件' if old_parts_shown else ''}"
    )
    _event(order, Event.DELIVERED, user=user, detail=advice[:200] or "无下次建议")
    _delivery_hand_offs(order, user=user, advice=advice, remind_on=advice_remind_on)
    return order


def _delivery_hand_offs(order: RepairOrder, *, user, advice: str, remind_on: dt.date | None) -> None:
    from reminders.models import ServiceAdvice
    from reminders.services import vehicle_service_record

    visited_on = timezone.localdate(order.delivered_at)
    if advice:
        days = policy_value(order.store_id, "workshop.advice_remind_days")
        ServiceAdvice.objects.create(
            vehicle=order.vehicle, text=advice, remind_on=remind_on or visited_on + dt.timedelta(days=days), created_by=user
        )
    vehicle_service_record(vehicle=order.vehicle, on=visited_on, km=order.odometer_km)
    if order.appointment_id is not None:
        from appointments.services import appointment_complete

        appointment_complete(appointment=order.appointment)
    _loyalty_spend(order)


def _loyalty_spend(order: RepairOrder) -> None:
    """The bill earns points (DOMAIN §10); exactly once per order through the source key."""
    from loyalty.services import spend_record

    spend_record(
        customer=order.customer,
        amount=order.estimate_total,
        kind="service",
        occurred_at=order.delivered_at,
        source_key=f"repair_order:{order.pk}",
    )


@transaction.atomic
def repair_order_close(*, user, order: RepairOrder) -> RepairOrder:
    """Step 7: the follow-up calls were planned at delivery; closing ends the order's life."""
    require(user, Perm.REPAIR_ORDER_EDIT)
    order = _locked(order)
    return _transition(order, State.CLOSED, user=user, detail="工单关闭")


@transaction.atomic
def repair_order_cancel(*, user, order: RepairOrder, reason: str) -> RepairOrder:
    require(user, Perm.REPAIR_ORDER_EDIT)
    order = _locked(order)
    reason = reason.strip()
    if not reason:
        raise InvalidInput({"reason": "请填写取消原因"})
    order.cancel_reason = reason[:200]
    order.save(update_fields=["cancel_reason", "updated_at"])
    return _transition(order, State.CANCELLED, user=user, detail=reason[:200])
