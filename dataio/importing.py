"""Turning a mapped table into rows of the archive (issue 11, DOMAIN §2).

`plan_*` checks every row (no writes) and returns what would be inserted plus the report; `write_*`
inserts a clean plan with COPY / executemany (core.db.bulk_insert) inside the caller's transaction.
Search keys (pinyin, initials, mobile last 4, VIN last 6, normalised plate) and the vehicle's service
schedule are filled with the same functions the customer, vehicle and reminder services use.
"""

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.db import IntegrityError, connection
from django.db.models import Model
from django.utils import timezone

from accounts.models import Store, User
from core.db import bulk_insert, is_postgres
from core.policies import policy_value
from customers.models import Customer, CustomerMobile, Interaction
from dataio import cleaning
from dataio.cleaning import Bad, Report
from dataio.readers import Table
from reminders.models import ServiceRule
from reminders.rules import average_km_per_day, battery_check_due, service_due
from reminders.services import schedule_for
from vehicles.models import OdometerReading, Ownership, Vehicle

LOOKUP_CHUNK = 5_000
LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)
Progress = Callable[[int], None]


def lookup(model, key: str, values: list, store_id: int | None, *columns: str, order: str = "") -> list[tuple]:
    """Rows (of one store) whose `key` is among many values: `= ANY(array)` on PostgreSQL (one bound
    parameter, fast for 200,000 keys), IN-lists of 5,000 on SQLite."""
    qn = connection.ops.quote_name
    selected = ", ".join(qn(c) for c in (key, *columns))
    scope, scope_params = ("store_id = %s AND ", [store_id]) if store_id is not None else ("", [])
    base = f"SELECT {selected} FROM {qn(model._meta.db_table)} WHERE {scope}{qn(key)}"  # names from model meta, values bound  # nosec B608
    suffix = f" ORDER BY {order}" if order else ""
    found = []
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute(f"{base} = ANY(%s){suffix}", [*scope_params, list(values)])
            return cursor.fetchall()
        for chunk in _chunks(list(values)):
            cursor.execute(f"{base} IN ({', '.join(['%s'] * len(chunk))}){suffix}", [*scope_params, *chunk])
            found += cursor.fetchall()
    return found


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Failed:
    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


class Columns:
    """The mapped columns of a table, cleaned one whole column at a time ("vectorised": one cleaner
    call per distinct value, list-speed loops), after the checks every import shares: merged cells
    (error), empty rows and repeated identical rows (warnings, skipped)."""

    def __init__(self, table: Table, mapping: dict[str, str], report: Report):
        self.report, self.labels = report, dict(mapping)
        indexes = {key: table.header.index(column) for key, column in mapping.items()}
        merged = self._merged_rows(table, report)
        width, seen, kept = len(table.header), {}, []
        for i, raw in enumerate(table.rows):
            row_no = i + 2
            if row_no in merged:
                continue
            if not any(cell.strip() for cell in raw[:width]):
                report.warning(row_no, "", "空行，已跳过")
                continue
            signature = tuple(raw[:width])
            first = seen.setdefault(signature, row_no)
            if first != row_no:
                report.warning(row_no, "", f"与第 {first} 行内容完全相同，已忽略")
                continue
            kept.append((row_no, raw))
        self.row_nos = [row_no for row_no, _raw in kept]
        self.raw = {key: [raw[j].strip() if j < len(raw) else "" for _n, raw in kept] for key, j in indexes.items()}
        self.bad: set[int] = set()  # positions (in row_nos) of rows with an error

    def __len__(self) -> int:
        return len(self.row_nos)

    @staticmethod
    def _merged_rows(table: Table, report: Report) -> set[int]:
        rows = set()
        for cell_range, first, last in table.merged:
            if first == 1:
                report.error(1, cell_range, f"表头有合并单元格 {cell_range}：请取消合并，每列一个列名")
            for row_no in range(max(first, 2), last + 1):
                rows.add(row_no)
                report.error(row_no, cell_range, f"合并单元格 {cell_range}：请取消合并，并在每一行填写完整的值")
        return rows

    def text(self, key: str) -> list[str]:
        return self.raw.get(key) or [""] * len(self.row_nos)

    def clean(self, key: str, cleaner, *args, required: str = "", memo: bool = True) -> list:
        """cleaner(text, *args) over the column; a Bad cell becomes None and an error of its row."""
        values = self.raw.get(key)
        if values is None:
            return [None] * len(self.row_nos)
        out, cache = [], {}
        for position, text in enumerate(values):
            if not text:
                if required:
                    self.error(position, key, required)
                out.append(None)
                continue
            value = cache.get(text, _Failed) if memo else _Failed
            if value is _Failed:
                try:
                    value = cleaner(text, *args)
                except Bad as exc:
                    value = _Failed(str(exc))
                if memo:
                    cache[text] = value
            if value.__class__ is _Failed:
                self.error(position, key, value.message)
                value = None
            out.append(value)
        return out

    def error(self, position: int, key: str, message: str) -> None:
        self.bad.add(position)
        self.report.error(self.row_nos[position], self.labels.get(key, key), message)


# --- customers and vehicles -----------------------------------------------------------------


@dataclass
class CustomerPlan:
    customers: list[dict] = field(default_factory=list)  # one per distinct mobile; existing_id when known
    extra_mobiles: list[tuple[int, str]] = field(default_factory=list)  # (customer index, number)
    vehicles: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)


_VEHICLE_KEYS = ("plate", "brand", "model", "powertrain", "purchase_date", "delivery_date", "odometer_km", "odometer_read_on")


def parse_customers(table: Table, mapping: dict[str, str], report: Report, progress: Progress) -> CustomerPlan:
    """The file's own checks (cells, repeats inside the file): what `match_customers` compares with the archive."""
    cols, plan, today = Columns(table, mapping, report), CustomerPlan(), cleaning.today()
    names = cols.clean("name", cleaning.name, required="请填写客户姓名")
    mobiles = cols.clean("mobile", cleaning.mobile, required="请填写手机号", memo=False)
    extras = cols.clean("extra_mobile", cleaning.mobile, memo=False)
    profile = {
        "gender": cols.clean("gender", cleaning.gender),
        "address": cols.clean("address", cleaning.text_field, 200, "地址"),
        "company": cols.clean("company", cleaning.text_field, 100, "单位"),
    }
    birthdays = cols.clean("birthday", cleaning.past_date, today, "生日")
    progress(len(cols) // 3)
    vehicles = _vehicle_columns(cols, today)
    progress(2 * len(cols) // 3)
    by_mobile: dict[str, tuple[int, str, int]] = {}  # number → (customer index, name, first row)
    by_vin: dict[str, int] = {}
    merged_in_file = 0
    for p, row_no in enumerate(cols.row_nos):
        if p in cols.bad:
            continue
        name, number, extra = names[p], mobiles[p], extras[p]
        known = by_mobile.get(number)
        if known and known[1] != name:
            cols.error(p, "mobile", f"手机号与第 {known[2]} 行相同，但姓名不同（{known[1]}）")
            continue
        if known:
            index, merged_in_file = known[0], merged_in_file + 1
        else:
            index = len(plan.customers)
            plan.customers.append(
                {
                    "row": row_no,
                    "name": name,
                    "mobile": number,
                    **{k: v[p] or "" for k, v in profile.items()},
                    "birthday": birthdays[p],
                }
            )
            by_mobile[number] = (index, name, row_no)
        if extra and extra != number:
            owner = by_mobile.setdefault(extra, (index, name, row_no))
            if owner[0] != index:
                cols.error(p, "extra_mobile", f"备用手机号已是第 {owner[2]} 行客户的手机号")
                continue
            plan.extra_mobiles.append((index, extra))
        vin = vehicles["vin"][p]
        if vin:
            first = by_vin.setdefault(vin, row_no)
            if first != row_no:
                cols.error(p, "vin", f"车架号与第 {first} 行重复")
                continue
            plan.vehicles.append({"row": row_no, "vin": vin, "owner": index, **{k: vehicles[k][p] for k in _VEHICLE_KEYS}})
    progress(len(table.rows))
    plan.counts["merged_in_file"] = merged_in_file
    return plan


def _vehicle_columns(cols: Columns, today: dt.date) -> dict[str, list]:
    """A row with a VIN also registers a vehicle: model, powertrain and purchase date are then
    required (as vehicles.services._check_details); vehicle cells without a VIN are an error."""
    checked = cols.clean("vin", cleaning.vin, memo=False)
    vins = [value[0] if value else None for value in checked]
    for p, value in enumerate(checked):
        if value and value[1]:
            cols.report.warning(cols.row_nos[p], cols.labels["vin"], value[1][0])
    columns = {
        "vin": vins,
        "plate": cols.clean("plate", cleaning.plate, memo=False),
        "brand": cols.clean("brand", cleaning.text_field, 40, "品牌"),
        "model": cols.clean("model", cleaning.text_field, 60, "车型"),
        "powertrain": cols.clean("powertrain", cleaning.powertrain),
        "purchase_date": cols.clean("purchase_date", cleaning.past_date, today, "购车日期"),
        "delivery_date": cols.clean("delivery_date", cleaning.date),
        "odometer_km": cols.clean("odometer_km", cleaning.km),
        "odometer_read_on": cols.clean("odometer_read_on", cleaning.past_date, today, "里程日期"),
    }
    required = (("model", "请填写车型"), ("powertrain", "请填写动力类型"), ("purchase_date", "请填写购车日期"))
    raw_vin, raw_plate, raw_model = cols.text("vin"), cols.text("plate"), cols.text("model")
    raw = {key: cols.text(key) for key, _message in required}
    for p in range(len(cols)):
        if not raw_vin[p]:
            if raw_plate[p] or raw_model[p]:
                cols.error(p, "vin", "填写了车辆信息但缺少车架号")
            continue
        for key, message in required:
            if columns[key][p] is None and not raw[key][p]:
                cols.error(p, key, message)
        purchase, delivery = columns["purchase_date"][p], columns["delivery_date"][p]
        if purchase and delivery and delivery < purchase:
            cols.error(p, "delivery_date", "交车日期不能早于购车日期")
        for key in ("brand", "model", "plate"):
            columns[key][p] = columns[key][p] or ""
    return columns


def match_customers(plan: CustomerPlan, store_id: int, report: Report, mapping: dict[str, str]) -> CustomerPlan:
    """De-duplicate against the store's archive: a known mobile is that customer (not a new one),
    a known VIN is skipped (DOMAIN §2: never a silent duplicate)."""
    numbers = [c["mobile"] for c in plan.customers] + [n for _i, n in plan.extra_mobiles]
    owners = dict(lookup(CustomerMobile, "number", numbers, store_id, "customer_id"))
    for customer in plan.customers:
        customer["existing_id"] = owners.get(customer["mobile"])
    kept = []
    for index, number in plan.extra_mobiles:
        holder = owners.get(number)
        if holder is None:
            kept.append((index, number))
        elif holder != plan.customers[index]["existing_id"]:
            report.error(plan.customers[index]["row"], mapping.get("extra_mobile", ""), "备用手机号已属于本店其他客户")
    plan.extra_mobiles = kept
    known_vins = {row[0] for row in lookup(Vehicle, "vin", [v["vin"] for v in plan.vehicles], store_id)}
    for vehicle in plan.vehicles:
        if vehicle["vin"] in known_vins:
            report.warning(vehicle["row"], mapping["vin"], "该车架号已在本店登记，车辆未重复导入")
    plan.vehicles = [v for v in plan.vehicles if v["vin"] not in known_vins]
    matched = sum(1 for c in plan.customers if c["existing_id"])
    plan.counts.update(
        customers_new=len(plan.customers) - matched,
        customers_matched=matched,
        mobiles_extra=len(plan.extra_mobiles),
        vehicles_new=len(plan.vehicles),
        vehicles_existing=len(known_vins),
        odometer_readings=sum(1 for v in plan.vehicles if v["odometer_km"] is not None),
    )
    return plan


class _Values:
    """Python values in the form each backend's raw insert wants (as core.seed does)."""

    def __init__(self):
        self.sqlite = not is_postgres()
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())

    def date(self, value: dt.date | None):
        return value.isoformat() if self.sqlite and value else value

    def at(self, value: dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)


def reserve_ids(model, count: int) -> list[int]:
    """Ids for rows inserted with COPY: drawn from the sequence on PostgreSQL (safe beside other
    writers); on SQLite the import's IMMEDIATE transaction holds the write lock, so max+1 is safe."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # names from model meta  # nosec B608
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


@contextmanager
def parents_checked_in_bulk(parents: dict[type[Model], Iterable[int]]):
    """The foreign keys of the rows written inside the block, checked set-based.

    PostgreSQL checks every foreign key of every COPYed row with its own query at COMMIT (8.5 of 38 s
    of a 200,000-row customer import). Here each parent table is checked and locked once instead —
    `FOR KEY SHARE`, the lock the per-row check takes, so no parent can be deleted until the import
    commits — and, when the database role may (superuser, or `GRANT SET ON PARAMETER
    session_replication_role` on PostgreSQL 15+), the per-row checks are skipped for the writes in
    the block: the replica mode pg_restore uses (docs/decisions/0002-import-foreign-keys.md). The
    rows' references among themselves are the ids this import reserved. Without the privilege, and
    on SQLite (whose checks are cheap index probes), the per-row checks simply run."""
    if not is_postgres():
        yield
        return
    with connection.cursor() as cursor:
        for model, ids in parents.items():
            wanted = sorted(set(ids))
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {connection.ops.quote_name(model._meta.db_table)} "  # nosec B608
                "WHERE id = ANY(%s) FOR KEY SHARE) AS locked",
                [wanted],
            )
            if cursor.fetchone()[0] != len(wanted):
                raise IntegrityError(f"{model._meta.db_table}: a referenced row was deleted during the import")
        skip = _may_skip_row_checks(cursor)
        if skip:
            cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    if skip:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")


def _may_skip_row_checks(cursor) -> bool:
    if connection.pg_version >= 150000:
        cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
    else:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    return bool(cursor.fetchone()[0])


class _Schedules:
    """reminders.services.schedule_for per (brand, model, powertrain), and the store's default pace."""

    def __init__(self, store_id: int):
        self.store_id, self.rules, self.cache = store_id, list(ServiceRule.objects.filter(is_active=True)), {}
        self.default_pace = policy_value(store_id, "odometer.default_km_per_day")

    def due(self, v: dict, readings: list[tuple[int, dt.date]]) -> dict:
        key = (v["brand"], v["model"], v["powertrain"])
        if key not in self.cache:
            stub = SimpleNamespace(store_id=self.store_id, brand=key[0], model=key[1], powertrain=key[2])
            self.cache[key] = schedule_for(stub, self.rules)
        schedule = self.cache[key]
        pace = average_km_per_day(readings, self.default_pace)
        delivered = v["delivery_date"] or v["purchase_date"]
        due = service_due(
            schedule=schedule,
            delivered_on=delivered,
            service_cycle=v["service_cycle"],
            last_service_on=v["last_service_on"],
            last_service_km=v["last_service_km"],
            odometer_km=v["odometer_km"],
            odometer_read_on=v["odometer_read_on"],
            km_per_day=pace,
        )
        return {
            "km_per_day": f"{round(pace, 1):.1f}",
            "service_due_on": due.due_on,
            "service_due_by": due.due_by,
            "parts_order_call_on": due.parts_order_call_on,
            "battery_check_due_on": battery_check_due(
                schedule=schedule, delivered_on=delivered, last_service_on=v["last_service_on"]
            ),
        }


def write_customers(plan: CustomerPlan, store_id: int, user_id: int | None) -> dict:
    matched = [c["existing_id"] for c in plan.customers if c["existing_id"]]
    with parents_checked_in_bulk({Store: [store_id], User: _ids(user_id), Customer: matched}):
        return _write_customers(plan, store_id, user_id)


def _ids(user_id: int | None) -> list[int]:
    return [user_id] if user_id else []


def _write_customers(plan: CustomerPlan, store_id: int, user_id: int | None) -> dict:
    values, today = _Values(), cleaning.today()
    new = [c for c in plan.customers if not c["existing_id"]]
    for customer, new_id in zip(new, reserve_ids(Customer, len(new)), strict=True):
        customer["existing_id"] = new_id
    customer_rows = []
    for c in new:
        pinyin, initials = cleaning.name_keys(c["name"])
        customer_rows.append(
            (c["existing_id"], store_id, c["name"], pinyin, initials, c["mobile"], c["gender"], values.date(c["birthday"]),
             False, c["birthday"].strftime("%m-%d") if c["birthday"] else "", "", "", c["address"], c["company"], "", "", "",
             "", "none", "[]", "[]", "", user_id, values.now, values.now)
        )  # fmt: skip
    bulk_insert(
        Customer._meta.db_table,
        ["id", "store_id", "name", "name_pinyin", "name_initials", "mobile", "gender", "birthday", "birthday_is_lunar",
         "birthday_md", "id_type", "id_number", "address", "company", "preferred_channel", "preferred_time", "decision_maker",
         "source", "member_tier", "manual_tags", "derived_tags", "guardian_name", "created_by_id", "created_at", "updated_at"],
        customer_rows,
    )  # fmt: skip
    mobiles = [(c["existing_id"], c["mobile"], True) for c in new]
    mobiles += [(plan.customers[index]["existing_id"], number, False) for index, number in plan.extra_mobiles]
    bulk_insert(
        CustomerMobile._meta.db_table,
        ["store_id", "customer_id", "number", "last4", "is_primary", "label"],
        ((store_id, cid, number, number[-4:], primary, "") for cid, number, primary in mobiles),
    )
    vehicles = _write_vehicles(plan, store_id, values, today)
    return {**plan.counts, "customers_new": len(new), "vehicles_new": vehicles}


def _write_vehicles(plan: CustomerPlan, store_id: int, values: _Values, today: dt.date) -> int:
    schedules = _Schedules(store_id)
    vehicle_ids = reserve_ids(Vehicle, len(plan.vehicles))
    vehicle_rows, ownership_rows, reading_rows = [], [], []
    for vid, v in zip(vehicle_ids, plan.vehicles, strict=True):
        owner_id = plan.customers[v["owner"]]["existing_id"]
        delivered = v["delivery_date"] or v["purchase_date"]
        read_on = v["odometer_read_on"] or today
        km = v["odometer_km"]
        readings = [(km, read_on)] if km is not None else []
        state = {**v, "service_cycle": 0, "last_service_on": None, "last_service_km": None,
                 "odometer_km": km or 0, "odometer_read_on": read_on if km is not None else None}  # fmt: skip
        due = schedules.due(state, readings)
        vehicle_rows.append(
            (vid, store_id, owner_id, v["vin"], v["vin"][-6:], v["plate"], v["brand"], v["model"], "", v["powertrain"], "[]", "",
             values.date(v["purchase_date"]), values.date(v["delivery_date"]), state["odometer_km"],
             values.date(state["odometer_read_on"]), False, "", "", True, 0, due["km_per_day"], values.date(due["service_due_on"]),
             due["service_due_by"], values.date(due["parts_order_call_on"]), values.date(due["battery_check_due_on"]),
             values.now, values.now)
        )  # fmt: skip
        ownership_rows.append((vid, owner_id, Ownership.Role.OWNER, values.date(delivered)))
        if km is not None:
            reading_rows.append((vid, km, values.date(read_on), OdometerReading.Source.IMPORT, False, False, "", values.now))
    bulk_insert(
        Vehicle._meta.db_table,
        ["id", "store_id", "owner_id", "vin", "vin_last6", "plate", "brand", "model", "trim", "powertrain", "options", "colour",
         "purchase_date", "delivery_date", "odometer_km", "odometer_read_on", "home_charger", "charging_habit", "ota_version",
         "is_active", "service_cycle", "km_per_day", "service_due_on", "service_due_by", "parts_order_call_on",
         "battery_check_due_on", "created_at", "updated_at"],
        vehicle_rows,
    )  # fmt: skip
    bulk_insert(Ownership._meta.db_table, ["vehicle_id", "customer_id", "role", "started_on"], ownership_rows)
    bulk_insert(
        OdometerReading._meta.db_table,
        ["vehicle_id", "km", "read_on", "source", "is_meter_replacement", "is_flagged", "flag_reason", "created_at"],
        reading_rows,
    )
    return len(vehicle_rows)


# --- service history and odometer readings --------------------------------------------------

_SERVICE_WORDS = ("保养", "首保", "定保", "service", "maintenance")


@dataclass
class HistoryPlan:
    readings: list[dict] = field(default_factory=list)
    vehicles: dict[int, dict] = field(default_factory=dict)  # touched vehicles, with their new state
    counts: dict = field(default_factory=dict)


def parse_history(table: Table, mapping: dict[str, str], report: Report, progress: Progress) -> list[dict]:
    """The file's own checks: one reading per clean row, for `match_history` to merge with the archive."""
    cols, today = Columns(table, mapping, report), cleaning.today()
    checked = cols.clean("vin", cleaning.vin, required="请填写车架号")
    columns = {
        "vin": [value[0] if value else None for value in checked],
        "read_on": cols.clean("read_on", cleaning.past_date, today, "日期", required="请填写日期"),
        "km": cols.clean("km", cleaning.km, required="请填写里程"),
        "visit_type": cols.clean("visit_type", cleaning.text_field, 30, "业务类型"),
        "summary": cols.clean("summary", cleaning.text_field, 1_900, "内容"),
        "replaced": cols.clean("is_meter_replacement", cleaning.flag),
    }
    progress(len(cols) // 2)
    parsed = []
    for p, row_no in enumerate(cols.row_nos):
        if p in cols.bad:
            continue
        reading = {"row": row_no, **{key: values[p] for key, values in columns.items()}}
        reading["visit_type"], reading["summary"] = reading["visit_type"] or "", reading["summary"] or ""
        reading["replaced"] = bool(reading["replaced"])
        reading["is_service"] = any(word in reading["visit_type"].lower() for word in _SERVICE_WORDS)
        parsed.append(reading)
    progress(len(table.rows))
    return parsed


def match_history(parsed: list[dict], store_id: int, report: Report, mapping: dict[str, str]) -> HistoryPlan:
    """Each reading joins its vehicle's history in the archive, where the odometer rules apply."""
    plan = HistoryPlan()
    vehicles = _history_vehicles(store_id, {r["vin"] for r in parsed})
    for reading in parsed:
        vehicle = vehicles.get(reading["vin"])
        if vehicle is None:
            report.error(reading["row"], mapping["vin"], "本店没有该车架号的车辆，请先导入客户与车辆")
        else:
            vehicle["new"].append(reading)
    limit = policy_value(store_id, "odometer.max_km_per_day")
    for vehicle in vehicles.values():
        if vehicle["new"]:
            _check_sequence(vehicle, report, mapping, limit)
            plan.vehicles[vehicle["id"]] = vehicle
            plan.readings += [r for r in vehicle["new"] if not r.get("skip")]
    plan.counts.update(
        readings_new=len(plan.readings),
        service_visits=sum(1 for r in plan.readings if r["is_service"]),
        vehicles_touched=len(plan.vehicles),
        flagged=sum(1 for r in plan.readings if r.get("flag_reason")),
    )
    return plan


def _history_vehicles(store_id: int, vins: set[str]) -> dict[str, dict]:
    fields = ["id", "vin", "owner_id", "brand", "model", "powertrain", "purchase_date", "delivery_date", "odometer_km",
              "odometer_read_on", "last_service_on", "last_service_km", "service_cycle"]  # fmt: skip
    vehicles = {}
    for row in lookup(Vehicle, "vin", sorted(vins), store_id, *fields[:1], *fields[2:]):
        vehicles[row[0]] = {**dict(zip(["vin", "id", *fields[2:]], row, strict=True)), "old": [], "new": []}
    by_id = {v["id"]: v for v in vehicles.values()}
    existing = lookup(
        OdometerReading, "vehicle_id", list(by_id), None, "km", "read_on", "is_meter_replacement", order="read_on, id"
    )
    for vehicle_id, km, read_on, replaced in existing:
        by_id[vehicle_id]["old"].append({"km": km, "read_on": _as_date(read_on), "replaced": bool(replaced), "old": True})
    return vehicles


def _as_date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _check_sequence(vehicle: dict, report: Report, mapping: dict[str, str], limit: int) -> None:
    """vehicles.services.odometer_record's rules over the merged history: lower than the reading
    before → error unless the meter was replaced; above the one after → error; a jump above the
    store's km/day limit is stored but flagged; the same reading twice is skipped (re-import)."""
    known = {(r["read_on"], r["km"]) for r in vehicle["old"]}
    for reading in vehicle["new"]:
        if (reading["read_on"], reading["km"]) in known:
            reading["skip"] = True
            report.warning(reading["row"], mapping["km"], "该里程记录已存在，已跳过")
        known.add((reading["read_on"], reading["km"]))
    merged = sorted(vehicle["old"] + [r for r in vehicle["new"] if not r.get("skip")], key=lambda r: r["read_on"])
    for position, reading in enumerate(merged):
        if reading.get("old"):
            continue
        previous = merged[position - 1] if position else None
        following = merged[position + 1] if position + 1 < len(merged) else None
        if not reading["replaced"]:
            if previous and reading["km"] < previous["km"]:
                message = (
                    f"里程不能低于之前的记录（{previous['km']} 公里，{previous['read_on']}）；如更换过仪表请在“更换仪表”列填“是”"
                )
                report.error(reading["row"], mapping["km"], message)
            elif following and reading["km"] > following["km"] and not following["replaced"]:
                message = f"里程不能高于之后的记录（{following['km']} 公里，{following['read_on']}）"
                report.error(reading["row"], mapping["km"], message)
            elif previous:
                per_day = (reading["km"] - previous["km"]) / max((reading["read_on"] - previous["read_on"]).days, 1)
                if per_day > limit:
                    reading["flag_reason"] = f"日均增加 {per_day:.0f} 公里，超过 {limit} 公里/天，请核实"
    vehicle["merged"] = merged


def write_history(plan: HistoryPlan, store_id: int, user_id: int | None) -> dict:
    owners = [v["owner_id"] for v in plan.vehicles.values()]
    with parents_checked_in_bulk({Store: [store_id], User: _ids(user_id), Vehicle: list(plan.vehicles), Customer: owners}):
        return _write_history(plan, store_id, user_id)


def _write_history(plan: HistoryPlan, store_id: int, user_id: int | None) -> dict:
    values, schedules = _Values(), _Schedules(store_id)
    bulk_insert(
        OdometerReading._meta.db_table,
        ["vehicle_id", "km", "read_on", "source", "is_meter_replacement", "is_flagged", "flag_reason", "recorded_by_id",
         "created_at"],
        ((plan_vehicle_id, r["km"], values.date(r["read_on"]), OdometerReading.Source.IMPORT, r["replaced"],
          bool(r.get("flag_reason")), r.get("flag_reason", ""), user_id, values.now)
         for plan_vehicle_id, r in _with_vehicle_ids(plan)),
    )  # fmt: skip
    visits = [(vid, r) for vid, r in _with_vehicle_ids(plan) if r["visit_type"] or r["summary"]]
    bulk_insert(
        Interaction._meta.db_table,
        ["store_id", "customer_id", "vehicle_id", "staff_id", "channel", "direction", "occurred_at", "summary", "outcome"],
        ((store_id, plan.vehicles[vid]["owner_id"], vid, user_id, Interaction.Channel.WALK_IN, Interaction.Direction.INBOUND,
          values.at(dt.datetime.combine(r["read_on"], dt.time(9), tzinfo=LOCAL)),
          f"【历史记录导入】{r['visit_type'] or '到店'}：{r['summary'] or r['km']} 公里"[:2000], "")
         for vid, r in visits),
    )  # fmt: skip
    _update_vehicles(plan, schedules, values)
    return {**plan.counts, "interactions": len(visits)}


def _with_vehicle_ids(plan: HistoryPlan):
    by_vin = {v["vin"]: vid for vid, v in plan.vehicles.items()}
    return [(by_vin[r["vin"]], r) for r in plan.readings]


def _update_vehicles(plan: HistoryPlan, schedules: _Schedules, values: _Values) -> None:
    """Latest reading, last service visit and cycle count, then the due dates (reminders' rules)."""
    updates = []
    for vid, v in plan.vehicles.items():
        merged = v["merged"]
        latest = merged[-1]
        services = [r for r in v["new"] if r["is_service"] and not r.get("skip")]
        last_service = max(services, key=lambda r: r["read_on"], default=None)
        if last_service and (v["last_service_on"] is None or last_service["read_on"] >= v["last_service_on"]):
            v["last_service_on"], v["last_service_km"] = last_service["read_on"], last_service["km"]
        v["service_cycle"] += len(services)
        v["odometer_km"], v["odometer_read_on"] = latest["km"], latest["read_on"]
        start = max((i for i, r in enumerate(merged) if r["replaced"]), default=0)
        due = schedules.due(v, [(r["km"], r["read_on"]) for r in merged[start:]])
        updates.append(
            (v["odometer_km"], values.date(v["odometer_read_on"]), values.date(v["last_service_on"]), v["last_service_km"],
             v["service_cycle"], due["km_per_day"], values.date(due["service_due_on"]), due["service_due_by"],
             values.date(due["parts_order_call_on"]), values.date(due["battery_check_due_on"]), values.now, vid)
        )  # fmt: skip
    if is_postgres():
        _update_vehicles_postgres(updates)
        return
    table = connection.ops.quote_name(Vehicle._meta.db_table)
    sql = (
        f"UPDATE {table} SET "  # names from model meta, values bound  # nosec B608
        + ", ".join(f"{column} = %s" for column in _VEHICLE_UPDATE_COLUMNS)
        + " WHERE id = %s"
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(updates):
            cursor.executemany(sql, chunk)


_VEHICLE_UPDATE_COLUMNS = (
    "odometer_km", "odometer_read_on", "last_service_on", "last_service_km", "service_cycle", "km_per_day", "service_due_on",
    "service_due_by", "parts_order_call_on", "battery_check_due_on", "updated_at",
)  # fmt: skip


def _update_vehicles_postgres(updates: list[tuple]) -> None:
    """One COPY into a temporary table and one set-based UPDATE … FROM, instead of one UPDATE
    statement per vehicle (12 s → under 1 s for 20,000 vehicles)."""
    table = connection.ops.quote_name(Vehicle._meta.db_table)
    columns = ", ".join(_VEHICLE_UPDATE_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE dataio_vehicle_update ON COMMIT DROP AS SELECT {columns}, id FROM {table} WITH NO DATA"  # nosec B608
        )
        bulk_insert("dataio_vehicle_update", [*_VEHICLE_UPDATE_COLUMNS, "id"], updates)
        assignments = ", ".join(f"{column} = u.{column}" for column in _VEHICLE_UPDATE_COLUMNS)
        cursor.execute(f"UPDATE {table} AS v SET {assignments} FROM dataio_vehicle_update AS u WHERE v.id = u.id")  # nosec B608
        cursor.execute("DROP TABLE dataio_vehicle_update")
