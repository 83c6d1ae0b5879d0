"""Demo and scale data: one dealer group, two stores, a user per role, N customers with vehicles.

Customers, vehicles and their histories go in with set-based bulk inserts (COPY / executemany)
and explicit ids, so 1,000,000 customers load in minutes, not hours (PERFORMANCE.md).
"""

import datetime as dt
import json
import queue
import random
import threading
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.utils import timezone
from faker.providers.person.zh_CN import Provider as NameProvider

from accounts.models import DealerGroup, Department, Role, Store, User
from complaints.services import complaint_templates_ensure
from core.db import analyze, bulk_insert, is_postgres, next_id, reset_sequences
from customers.models import Consent, Customer, CustomerMobile, Interaction
from customers.validators import name_search_keys
from reminders.rules import Schedule, average_km_per_day, battery_check_due, service_due
from reminders.services import holidays_seed, reminder_steps_ensure, reminder_templates_ensure
from vehicles.models import OdometerReading, Ownership, Vehicle
from vehicles.validators import vin_check_digit

DEMO_PASSWORD = "pitstop-demo"  # the public demo password of the contract  # nosec B105

# (username, role, store code or None for the whole group, display name)
DEMO_ACCOUNTS = [
    ("admin", Role.GROUP_ADMIN, None, "集团管理员"),
    ("advisor_a", Role.ADVISOR, "GZ01", "王顾问"),
    ("advisor_b", Role.ADVISOR, "SZ01", "李顾问"),
    ("technician_a", Role.TECHNICIAN, "GZ01", "赵技师"),
    ("team_leader_a", Role.TEAM_LEADER, "GZ01", "钱班组长"),
    ("agent_a", Role.CALL_CENTRE_AGENT, "GZ01", "孙客服"),
    ("sales_a", Role.SALESPERSON, "GZ01", "周销售"),
    ("complaints_a", Role.COMPLAINT_HANDLER, "GZ01", "吴投诉专员"),
    ("manager_a", Role.STORE_MANAGER, "GZ01", "郑店长"),
    ("manager_b", Role.STORE_MANAGER, "SZ01", "冯店长"),
]
STORES = [("GZ01", "广州天河4S店", "广州", "A"), ("SZ01", "深圳南山4S店", "深圳", "B")]
STORE_PHONES = {"GZ01": "020-38880000", "SZ01": "0755-26660000"}
_DEPARTMENT_OF_ROLE = {
    Role.ADVISOR: Department.Kind.AFTER_SALES,
    Role.TECHNICIAN: Department.Kind.AFTER_SALES,
    Role.TEAM_LEADER: Department.Kind.AFTER_SALES,
    Role.CALL_CENTRE_AGENT: Department.Kind.CALL_CENTRE,
    Role.SALESPERSON: Department.Kind.SALES,
    Role.COMPLAINT_HANDLER: Department.Kind.QUALITY,
    Role.STORE_MANAGER: Department.Kind.AFTER_SALES,
}


@dataclass(frozen=True)
class CatalogueModel:
    brand: str
    model: str
    powertrain: str
    wmi: str
    battery_kwh: str | None = None
    options: tuple[str, ...] = ()

    @property
    def options_json(self) -> str:
        return json.dumps(list(self.options), ensure_ascii=False)


CATALOGUE = [
    CatalogueModel("大众", "帕萨特", "petrol", "LSV", options=("驾驶辅助包",)),
    CatalogueModel("大众", "途观L", "petrol", "LSV"),
    CatalogueModel("丰田", "凯美瑞双擎", "hybrid", "LVG", options=("丰田智行安全",)),
    CatalogueModel("本田", "雅阁", "petrol", "LHG"),
    CatalogueModel("宝马", "5系", "petrol", "LBV", options=("驾驶辅助包", "豪华音响")),
    CatalogueModel("奔驰", "C级", "petrol", "LE4"),
    CatalogueModel("别克", "GL8", "petrol", "LSG", options=("七座商务",)),
    CatalogueModel("比亚迪", "汉EV", "bev", "LGX", "76.9", ("智能驾驶辅助",)),
    CatalogueModel("比亚迪", "宋PLUS DM-i", "phev", "LGX", "18.3"),
    CatalogueModel("特斯拉", "Model Y", "bev", "LRW", "60.0", ("增强版自动辅助驾驶",)),
    CatalogueModel("理想", "L7", "phev", "LW4", "42.8"),
    CatalogueModel("五菱", "宏光MINIEV", "bev", "LZW", "17.3"),
]
_ALNUM = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, no O: CN plates avoid them
_CITY_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_VIN_ALNUM = _ALNUM.replace("Q", "")  # VINs avoid Q as well
_MOBILE_PREFIXES = [
    "138",
    "139",
    "137",
    "136",
    "135",
    "150",
    "151",
    "152",
    "158",
    "159",
    "186",
    "187",
    "188",
    "189",
    "133",
    "153",
    "180",
    "181",
]
_SURNAMES = [name for name, _ in sorted(NameProvider.last_names.items(), key=lambda kv: -kv[1])[:120]]
_SURNAME_WEIGHTS = [NameProvider.last_names[name] for name in _SURNAMES]
_GIVEN = list(NameProvider.first_names)
_CHANNELS = ["phone_in", "phone_out", "wechat", "sms", "walk_in", "online"]
_SUMMARIES = [
    "咨询保养价格与所需时间",
    "预约下周六上午保养",
    "反馈空调制冷效果一般，建议到店检测",
    "询问保险续保优惠",
    "到店更换轮胎，顺便检查刹车片",
    "回访：对上次服务满意",
    "咨询充电桩安装流程",
]


def ensure_organisation() -> dict[str, Store]:
    # Both demo stores are branches (分公司) of the group company: one legal entity.
    group, _ = DealerGroup.objects.get_or_create(name="华南汽车服务集团", defaults={"legal_entity": "华南汽车服务集团有限公司"})
    stores = {}
    for code, name, city, _letter in STORES:
        defaults = {"group": group, "name": name, "city": city, "phone": STORE_PHONES[code], "sms_signature": "华南汽车"}
        store, _ = Store.objects.get_or_create(code=code, defaults=defaults)
        for kind in Department.Kind.values:
            Department.objects.get_or_create(store=store, kind=kind)
        stores[code] = store
    return stores


def ensure_reminder_setup(stores: dict[str, Store]) -> None:
    """Plans, default texts and the official calendar, so the demo shows today's reminders."""
    for store in stores.values():
        reminder_steps_ensure(store)
    reminder_templates_ensure()
    complaint_templates_ensure()
    year = timezone.localdate().year
    holidays_seed([year - 1, year, year + 1])


def ensure_demo_accounts(stores: dict[str, Store]) -> list[User]:
    """The fixed demo logins of the acceptance contract; passwords are reset to the demo one."""
    group = next(iter(stores.values())).group
    users = []
    for username, role, store_code, display in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=username)
        user.role, user.display_name, user.dealer_group = role, display, group
        user.is_staff = role in (Role.GROUP_ADMIN, Role.STORE_MANAGER)
        user.is_superuser = role == Role.GROUP_ADMIN
        if store_code:
            user.department = Department.objects.get(store=stores[store_code], kind=_DEPARTMENT_OF_ROLE[role])
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.stores.set([stores[store_code]] if store_code else list(stores.values()))
        users.append(user)
    return users


def demo_mobile(i: int) -> str:
    """A distinct, valid CN mobile for every index i (an affine bijection on 8 digits)."""
    prefix = _MOBILE_PREFIXES[i % len(_MOBILE_PREFIXES)]
    return f"+86{prefix}{(i // len(_MOBILE_PREFIXES) * 48271 + 12345) % 100_000_000:08d}"


def demo_vin(model: CatalogueModel, i: int, dice) -> str:
    vds = "".join(dice.pick(_VIN_ALNUM) for _ in range(5))
    body = model.wmi + vds + "0" + "P" + dice.pick("ABCDEFGH") + f"{i % 1_000_000:06d}"
    return body[:8] + vin_check_digit(body) + body[9:]


def demo_plate(city_letter: str, i: int, electrified: bool) -> str:
    """A distinct plate for every vehicle index: base-34 for petrol cars, D/F new-energy otherwise."""
    if electrified:  # 粤A D 1 2345: D/F + one character + 4 digits, 680,000 per city letter
        block, k = divmod(i, 680_000)
        letter = _CITY_LETTERS[(_CITY_LETTERS.index(city_letter) + block) % len(_CITY_LETTERS)]
        return f"粤{letter}{'DF'[k % 2]}{_ALNUM[(k // 2) % len(_ALNUM)]}{k // 68:04d}"
    digits, n = [], i
    for _ in range(5):
        n, r = divmod(n, len(_ALNUM))
        digits.append(_ALNUM[r])
    return f"粤{city_letter}{''.join(reversed(digits))}"


class _Adapters:
    """Python values in the form each backend's raw insert wants."""

    def __init__(self):
        sqlite = not is_postgres()
        self.date = (lambda d: d.isoformat() if d else None) if sqlite else (lambda d: d)
        now = timezone.now()
        self.now = connection.ops.adapt_datetimefield_value(now)
        # SQLite keeps naive UTC text; PostgreSQL takes aware datetimes.
        self._base = now.replace(tzinfo=None) if sqlite else now
        self._sqlite = sqlite

    def ago(self, delta: dt.timedelta):
        value = self._base - delta
        return value.isoformat(" ") if self._sqlite else value


BACKGROUND_WRITE_FROM = 100_000  # customers; below this a second thread is not worth starting


def seed_customers(
    stores: dict[str, Store], count: int, seed: int = 42, staff: list[User] | None = None, background: bool | None = None
) -> int:
    """Insert `count` customers (half per store) with vehicles, ownerships, odometer histories
    and interactions, in chunks so memory stays flat at 1M. On PostgreSQL a big seed writes each
    chunk from a second thread while the next one is generated (`_ChunkWriter`)."""
    dice = _Dice(seed)
    names = _name_pool(dice)
    adapt = _Adapters()
    store_list = [(stores[code], letter) for code, _n, _c, letter in STORES]
    staff_by_store = {s.id: [u.id for u in (staff or []) if s in u.stores.all()] or [None] for s, _ in store_list}
    first_customer, first_vehicle = next_id(Customer), next_id(Vehicle)
    ids = {
        "mobile": next_id(CustomerMobile),
        "consent": next_id(Consent),
        "ownership": next_id(Ownership),
        "reading": next_id(OdometerReading),
        "interaction": next_id(Interaction),
    }
    owners = {s.id: _vehicle_owners(s, staff or []) for s, _ in store_list}
    today = timezone.localdate()
    chunk = 50_000
    vehicle_id = first_vehicle
    if background is None:
        background = is_postgres() and count >= BACKGROUND_WRITE_FROM
    # Inside a caller's transaction the writer's own connection would not see its stores and users
    # (and could wait on its locks while it waits for the writer): write inline there.
    background = background and not connection.in_atomic_block
    with _ChunkWriter(background=background) as write:
        for start in range(0, count, chunk):
            rows = _Chunk()
            for offset in range(start, min(start + chunk, count)):
                cid = first_customer + offset
                store, letter = store_list[cid % 2]
                _one_customer(rows, dice, adapt, cid, store.id, staff_by_store[store.id], ids, names)
                for _ in range(2 if dice.chance(0.1) else 1):
                    _one_vehicle(rows, dice, adapt, vehicle_id, cid, store.id, letter, today, ids, owners[store.id])
                    vehicle_id += 1
            write(rows)
    reset_sequences(Customer, CustomerMobile, Consent, Vehicle, Ownership, OdometerReading, Interaction)
    analyze()
    return count


def _vehicle_owners(store: Store, staff: list[User]) -> dict[str, int | None]:
    """The demo salesperson and after-sales specialist of each store look after its vehicles."""
    by_role = {u.role: u.id for u in reversed(staff) if store in u.stores.all()}
    return {"salesperson": by_role.get(Role.SALESPERSON), "service_advisor": by_role.get(Role.ADVISOR)}


class _Chunk:
    """Rows for one bulk insert per table; each row is a dict, so columns and values cannot drift."""

    TABLES = {
        "customer": Customer._meta.db_table,
        "mobile": CustomerMobile._meta.db_table,
        "consent": Consent._meta.db_table,
        "vehicle": Vehicle._meta.db_table,
        "ownership": Ownership._meta.db_table,
        "reading": OdometerReading._meta.db_table,
        "interaction": Interaction._meta.db_table,
    }

    def __init__(self):
        self.rows: dict[str, list[dict]] = {name: [] for name in self.TABLES}

    def add(self, table: str, **row) -> None:
        self.rows[table].append(row)

    def flush(self):
        for name, table in self.TABLES.items():
            if self.rows[name]:
                columns = list(self.rows[name][0])
                bulk_insert(table, columns, (tuple(row.values()) for row in self.rows[name]))


class _ChunkWriter:
    """Writes chunks in order, each in its own transaction. In the background, a second thread with
    its own connection COPYs chunk N — the server parses and indexes it while the thread waits on
    the socket, without the GIL — as this thread generates chunk N+1, so Python and PostgreSQL
    share the two cores instead of taking turns. A failed write stops the seed with its error."""

    def __init__(self, *, background: bool):
        self.queue: queue.Queue | None = queue.Queue(maxsize=1) if background else None
        self.error: BaseException | None = None

    def __enter__(self):
        if self.queue is not None:
            self.thread = threading.Thread(target=self._drain, name="seed-writer", daemon=True)
            self.thread.start()
        return self.write

    def write(self, chunk: "_Chunk") -> None:
        if self.queue is None:
            _flush(chunk)
            return
        if self.error is not None:
            raise self.error
        self.queue.put(chunk)

    def _drain(self) -> None:
        try:
            while (chunk := self.queue.get()) is not None:
                if self.error is None:
                    try:
                        _flush(chunk)
                    except BaseException as exc:  # handed to the generating thread, which re-raises it
                        self.error = exc
        finally:
            connections.close_all()

    def __exit__(self, exc_type, exc, traceback):
        if self.queue is not None:
            self.queue.put(None)
            self.thread.join()
        if self.error is not None and exc is None:
            raise self.error


def _flush(chunk: "_Chunk") -> None:
    with transaction.atomic():
        chunk.flush()


class _Dice:
    """Cheaper random picks than random.choice/randint: the generator runs millions of times."""

    def __init__(self, seed: int):
        self.random = random.Random(seed).random  # repeatable demo data, not security  # nosec B311

    def pick(self, seq):
        return seq[int(self.random() * len(seq))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def chance(self, p: float) -> bool:
        return self.random() < p


def _name_pool(dice: _Dice, size: int = 20_000) -> list[tuple[str, str, str]]:
    """Realistic names with their pinyin keys, computed once: pypinyin is the slow part."""
    pool = []
    for _ in range(size):
        surname = random.Random(dice.random()).choices(_SURNAMES, _SURNAME_WEIGHTS)[0]  # demo data  # nosec B311
        name = surname + dice.pick(_GIVEN) + (dice.pick(_GIVEN) if dice.chance(0.7) else "")
        pool.append((name, *name_search_keys(name)))
    return pool


_TIERS = ["none"] * 70 + ["silver"] * 18 + ["gold"] * 9 + ["platinum"] * 3
_PREFERRED = ["wechat", "phone", "sms"]
_SOURCES = ["walk_in", "online", "referral", "event", "phone"]
_COLOURS = ["白色", "黑色", "灰色", "蓝色", "红色"]


def _one_customer(rows, dice, adapt, cid, store_id, staff_ids, ids, names):
    name, pinyin, initials = dice.pick(names)
    mobile = demo_mobile(cid)
    birthday = dt.date(dice.between(1960, 2002), dice.between(1, 12), dice.between(1, 28)) if dice.chance(0.8) else None
    rows.add(
        "customer",
        id=cid,
        store_id=store_id,
        name=name,
        name_pinyin=pinyin,
        name_initials=initials,
        mobile=mobile,
        gender=dice.pick("MF"),
        birthday=adapt.date(birthday),
        birthday_is_lunar=birthday is not None and dice.chance(0.2),
        birthday_md=birthday.strftime("%m-%d") if birthday else "",
        id_type="",
        id_number="",
        address="",
        company="顺达物流有限公司" if dice.chance(0.03) else "",
        preferred_channel=dice.pick(_PREFERRED),
        preferred_time="",
        decision_maker="",
        source=dice.pick(_SOURCES),
        member_tier=dice.pick(_TIERS),
        manual_tags="[]",
        derived_tags="[]",
        guardian_name="",
        created_at=adapt.now,
        updated_at=adapt.now,
    )
    rows.add(
        "mobile",
        id=ids["mobile"],
        store_id=store_id,
        customer_id=cid,
        number=mobile,
        last4=mobile[-4:],
        is_primary=True,
        label="",
    )
    ids["mobile"] += 1
    if dice.chance(0.6):  # most demo customers agreed to marketing SMS at purchase
        consent = {"granted": True, "recorded_at": adapt.now, "source": "购车时签署", "text_version": "2026-01"}
        rows.add("consent", id=ids["consent"], customer_id=cid, purpose="marketing_sms", **consent)
        ids["consent"] += 1
    for _ in range(dice.pick((0, 1, 1, 2))):
        channel = dice.pick(_CHANNELS)
        rows.add(
            "interaction",
            id=ids["interaction"],
            store_id=store_id,
            customer_id=cid,
            staff_id=dice.pick(staff_ids),
            channel=channel,
            direction="out" if channel in ("phone_out", "sms") else "in",
            occurred_at=adapt.ago(dt.timedelta(days=dice.between(0, 700), minutes=dice.between(0, 1440))),
            summary=dice.pick(_SUMMARIES),
            outcome="",
        )
        ids["interaction"] += 1


def _one_vehicle(rows, dice, adapt, vid, cid, store_id, letter, today, ids, owners):
    model = dice.pick(CATALOGUE)
    electrified = model.powertrain in ("bev", "phev")
    purchase = today - dt.timedelta(days=dice.between(30, 6 * 365))
    delivery = purchase + dt.timedelta(days=dice.between(0, 10))
    schedule = Schedule() if electrified else Schedule(battery_check_months=None)
    readings, visit_count = _odometer_history(dice, delivery, today, 15 + dice.random() * 75, schedule)
    last_km, last_on = readings[-1]
    visits = readings[1:]  # every reading after delivery was taken at a service visit
    pace = average_km_per_day(readings, 40)
    last_service_on, last_service_km = (visits[-1][1], visits[-1][0]) if visits else (None, None)
    due = service_due(
        schedule=schedule,
        delivered_on=delivery,
        service_cycle=visit_count,
        last_service_on=last_service_on,
        last_service_km=last_service_km,
        odometer_km=last_km,
        odometer_read_on=last_on,
        km_per_day=pace,
    )
    vin = demo_vin(model, vid, dice)
    rows.add(
        "vehicle",
        id=vid,
        store_id=store_id,
        owner_id=cid,
        vin=vin,
        vin_last6=vin[-6:],
        plate=demo_plate(letter, vid, electrified),
        brand=model.brand,
        model=model.model,
        trim="",
        powertrain=model.powertrain,
        options=model.options_json,
        colour=dice.pick(_COLOURS),
        purchase_date=adapt.date(purchase),
        delivery_date=adapt.date(delivery),
        first_registration_date=adapt.date(delivery),
        warranty_end_date=adapt.date(purchase + dt.timedelta(days=3 * 365)),
        warranty_end_km=100_000,
        insurance_expiry=adapt.date(_next_anniversary(delivery, today)),
        inspection_due=adapt.date(purchase + dt.timedelta(days=6 * 365)),
        odometer_km=last_km,
        odometer_read_on=adapt.date(last_on),
        battery_capacity_kwh=model.battery_kwh,
        battery_soh_percent=f"{86 + dice.random() * 14:.1f}" if electrified else None,
        home_charger=electrified and dice.chance(0.6),
        charging_habit="",
        ev_warranty_end_date=adapt.date(purchase + dt.timedelta(days=8 * 365)) if electrified else None,
        ota_version="",
        salesperson_id=owners["salesperson"],
        service_advisor_id=owners["service_advisor"],
        is_active=True,
        last_service_on=adapt.date(last_service_on),
        last_service_km=last_service_km,
        service_cycle=visit_count,
        km_per_day=f"{pace:.1f}",
        service_due_on=adapt.date(due.due_on),
        service_due_by=due.due_by,
        parts_order_call_on=adapt.date(due.parts_order_call_on),
        battery_check_due_on=adapt.date(
            battery_check_due(schedule=schedule, delivered_on=delivery, last_service_on=last_service_on)
        ),
        created_at=adapt.now,
        updated_at=adapt.now,
    )
    rows.add("ownership", id=ids["ownership"], vehicle_id=vid, customer_id=cid, role="owner", started_on=adapt.date(delivery))
    ids["ownership"] += 1
    for km, read_on in readings:
        rows.add(
            "reading",
            id=ids["reading"],
            vehicle_id=vid,
            km=km,
            read_on=adapt.date(read_on),
            source="workshop",
            is_meter_replacement=False,
            is_flagged=False,
            flag_reason="",
            created_at=adapt.now,
        )
        ids["reading"] += 1


def _next_anniversary(start: dt.date, today: dt.date) -> dt.date:
    day = min(start.day, 28) if start.month == 2 else start.day
    this_year = dt.date(today.year, start.month, day)
    return this_year if this_year > today else dt.date(today.year + 1, start.month, day)


def _odometer_history(
    dice: _Dice, delivery: dt.date, today: dt.date, km_per_day: float, schedule: Schedule
) -> tuple[list[tuple[int, dt.date]], int]:
    """A delivery reading and the readings of the last three service visits, each made around its
    due date (DOMAIN §4 rules, at the vehicle's own pace); one owner in five stopped coming at some
    point (the lost customers of DOMAIN §8). Returns the kept readings and the number of visits."""
    stopped_on = delivery + dt.timedelta(days=dice.between(0, max((today - delivery).days, 0))) if dice.chance(0.2) else today
    readings = [(dice.between(5, 30), delivery)]
    while True:
        last_km, last_on = readings[-1]
        visits = len(readings) - 1
        due = service_due(
            schedule=schedule,
            delivered_on=delivery,
            service_cycle=visits,
            last_service_on=last_on if visits else None,
            last_service_km=last_km if visits else None,
            odometer_km=last_km,
            odometer_read_on=last_on,
            km_per_day=km_per_day,
        )
        day = max(due.due_on + dt.timedelta(days=dice.between(-7, 20)), last_on + dt.timedelta(days=30))
        if day > stopped_on:
            break
        readings.append((last_km + int((day - last_on).days * km_per_day * (0.8 + dice.random() * 0.4)), day))
    return [readings[0], *readings[1:][-3:]], len(readings) - 1
