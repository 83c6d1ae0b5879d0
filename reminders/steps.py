"""What each reminder step selects (DOMAIN §4), as set-based SQL over indexed anchor dates.

A step's source returns rows (customer_id, vehicle_id, cycle, due_on, topic) for one store and
one anchor date (= the batch date minus the step's offset). The batch inserts them with
ON CONFLICT DO NOTHING, so a re-run or a crashed run never creates a reminder twice.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from lunardate import LunarDate

from reminders.models import Holiday, OtaRelease, Recall, SeasonalCampaign

Source = Callable[[int, dt.date, dt.date], list[tuple[str, list]]]

_ACTIVE_VEHICLE = "v.store_id = %s AND v.is_active = %s"
_NOT_STOPPED = "NOT EXISTS (SELECT 1 FROM reminders_reminderplanstop s WHERE s.vehicle_id = v.id AND s.kind = %s AND s.cycle = CAST(v.service_cycle AS TEXT))"


def _vehicle_date(column: str, *, electrified_only: bool = False) -> Source:
    """Vehicles whose date `column` equals the anchor; that date is the cycle ("exactly once")."""
    extra = "AND v.powertrain IN ('bev', 'phev')" if electrified_only else ""

    def source(store_id: int, anchor: dt.date, today: dt.date):
        sql = (
            f"SELECT v.owner_id, v.id, CAST(v.{column} AS TEXT), v.{column}, '' FROM vehicles_vehicle v "
            f"WHERE v.{column} = %s AND {_ACTIVE_VEHICLE} {extra}"
        )
        return [(sql, [anchor, store_id, True])]

    return source


def _service(*, first_only: bool = False, column: str = "service_due_on") -> Source:
    extra = f"AND {_NOT_STOPPED}" + (" AND v.service_cycle = 0" if first_only else "")

    def source(store_id: int, anchor: dt.date, today: dt.date):
        sql = (
            "SELECT v.owner_id, v.id, CAST(v.service_cycle AS TEXT), v.service_due_on, '' FROM vehicles_vehicle v "
            f"WHERE v.{column} = %s AND {_ACTIVE_VEHICLE} {extra}"
        )
        return [(sql, [anchor, store_id, True, "service"])]

    return source


def _anniversary(store_id: int, anchor: dt.date, today: dt.date):
    """3-year purchase anniversary → trade-in offer."""
    purchased = anchor.replace(year=anchor.year - 3) if not (anchor.month == 2 and anchor.day == 29) else None
    if purchased is None:
        return []
    sql = f"SELECT v.owner_id, v.id, '3y', %s, '' FROM vehicles_vehicle v WHERE v.purchase_date = %s AND {_ACTIVE_VEHICLE}"
    return [(sql, [anchor, purchased, store_id, True])]


def birthday_keys(day: dt.date) -> tuple[list[str], list[str]]:
    """The MM-DD keys celebrated on `day`: Gregorian (29 Feb falls back to 28 Feb in common years)
    and lunar (day 30 of a 29-day lunar month is celebrated on day 29)."""
    gregorian = [day.strftime("%m-%d")]
    if day.month == 2 and day.day == 28 and not _is_leap(day.year):
        gregorian.append("02-29")
    lunar_day = LunarDate.from_solar_date(day.year, day.month, day.day)
    lunar = [f"{lunar_day.month:02d}-{lunar_day.day:02d}"]
    tomorrow = day + dt.timedelta(days=1)
    if lunar_day.day == 29 and LunarDate.from_solar_date(tomorrow.year, tomorrow.month, tomorrow.day).day == 1:
        lunar.append(f"{lunar_day.month:02d}-30")
    return gregorian, lunar


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _birthday(store_id: int, anchor: dt.date, today: dt.date):
    gregorian, lunar = birthday_keys(anchor)
    g_marks, l_marks = ", ".join(["%s"] * len(gregorian)), ", ".join(["%s"] * len(lunar))
    sql = (
        "SELECT c.id, CAST(NULL AS BIGINT), %s, %s, '' FROM customers_customer c WHERE c.store_id = %s AND c.erased_at IS NULL AND ("
        f"(c.birthday_is_lunar = %s AND c.birthday_md IN ({g_marks})) OR (c.birthday_is_lunar = %s AND c.birthday_md IN ({l_marks})))"
    )
    return [(sql, [str(anchor.year), anchor, store_id, False, *gregorian, True, *lunar])]


def _holiday(store_id: int, anchor: dt.date, today: dt.date):
    holiday = Holiday.objects.filter(date=anchor, greet=True).first()
    if holiday is None:
        return []
    sql = "SELECT c.id, CAST(NULL AS BIGINT), %s, %s, %s FROM customers_customer c WHERE c.store_id = %s AND c.erased_at IS NULL"
    return [(sql, [anchor.isoformat(), anchor, holiday.name, store_id])]


def _seasonal(store_id: int, anchor: dt.date, today: dt.date):
    statements = []
    for campaign in SeasonalCampaign.objects.filter(
        store_id=store_id, is_active=True, send_month=anchor.month, send_day=anchor.day
    ):
        extra, params = ("AND v.powertrain = %s", [campaign.powertrain]) if campaign.powertrain else ("", [])
        sql = f"SELECT v.owner_id, v.id, %s, %s, %s FROM vehicles_vehicle v WHERE {_ACTIVE_VEHICLE} {extra}"
        statements.append((sql, [f"{campaign.id}-{anchor.year}", anchor, campaign.name, store_id, True, *params]))
    return statements


def _recall(store_id: int, anchor: dt.date, today: dt.date):
    """Every open recall, every day: the unique constraint makes each vehicle's notice exactly once."""
    statements = []
    for recall in Recall.objects.filter(is_active=True):
        by_vin = "v.vin IN (SELECT r.vin FROM reminders_recallvehicle r WHERE r.recall_id = %s)"
        match, params = (
            (f"({by_vin} OR (v.brand = %s AND v.model = %s))", [recall.id, recall.brand, recall.model])
            if recall.model
            else (by_vin, [recall.id])
        )
        sql = f"SELECT v.owner_id, v.id, %s, %s, %s FROM vehicles_vehicle v WHERE {_ACTIVE_VEHICLE} AND {match}"
        statements.append((sql, [recall.code, today, recall.title[:200], store_id, True, *params]))
    return statements


def _advice(store_id: int, anchor: dt.date, today: dt.date):
    sql = (
        "SELECT v.owner_id, v.id, CAST(a.id AS TEXT), a.remind_on, a.text FROM reminders_serviceadvice a "
        f"JOIN vehicles_vehicle v ON v.id = a.vehicle_id WHERE a.remind_on = %s AND {_ACTIVE_VEHICLE}"
    )
    return [(sql, [anchor, store_id, True])]


def _ota(store_id: int, anchor: dt.date, today: dt.date):
    statements = []
    for release in OtaRelease.objects.filter(released_on=anchor):
        sql = (
            "SELECT v.owner_id, v.id, %s, %s, %s FROM vehicles_vehicle v "
            f"WHERE {_ACTIVE_VEHICLE} AND v.brand = %s AND v.model = %s AND v.ota_version <> %s"
        )
        statements.append(
            (
                sql,
                [
                    release.version,
                    anchor,
                    f"{release.model} {release.version}",
                    store_id,
                    True,
                    release.brand,
                    release.model,
                    release.version,
                ],
            )
        )
    return statements


@dataclass(frozen=True)
class StepDefinition:
    """A step of the brief with its defaults; each store gets a ReminderStep row to tune it."""

    code: str
    kind: str
    label: str
    offset_days: int
    action: str
    source: Source
    channel: str = ""
    purpose: str = ""
    template_code: str = ""
    assignee_role: str = ""
    script: str = ""


STEP_DEFINITIONS = [
    StepDefinition("service_message", "service", "保养到期短信", -13, "message", _service(), "sms", "service", "service_due"),
    StepDefinition(
        "service_call",
        "service",
        "保养提醒电话",
        -11,
        "call",
        _service(),
        assignee_role="service_advisor",
        script="您好，我是{store}的服务顾问。您的爱车即将到保养时间，请问方便为您预约吗？",
    ),
    StepDefinition(
        "service_parts_call",
        "service",
        "备件订货前确认电话",
        0,
        "call",
        _service(column="parts_order_call_on"),
        assignee_role="service_advisor",
        script="本次保养需要预订备件，请确认到店时间以便按时订货。",
    ),
    StepDefinition(
        "first_service_sales",
        "service",
        "首保双重触达（销售）",
        -7,
        "call",
        _service(first_only=True),
        assignee_role="salesperson",
        script="关心新车使用情况，提醒首保。",
    ),
    StepDefinition(
        "first_service_after_sales",
        "service",
        "首保双重触达（售后）",
        -7,
        "call",
        _service(first_only=True),
        assignee_role="service_advisor",
        script="提醒首次保养并协助预约。",
    ),
    StepDefinition(
        "insurance_call", "insurance", "保险续保提醒", -30, "call", _vehicle_date("insurance_expiry"), assignee_role="call_centre"
    ),
    StepDefinition(
        "inspection_message",
        "inspection",
        "年检提醒短信",
        -30,
        "message",
        _vehicle_date("inspection_due"),
        "sms",
        "service",
        "inspection_due",
    ),
    StepDefinition(
        "warranty_message",
        "warranty",
        "质保到期提醒",
        -60,
        "message",
        _vehicle_date("warranty_end_date"),
        "sms",
        "service",
        "warranty_end",
    ),
    StepDefinition(
        "anniversary_call",
        "anniversary",
        "购车三周年置换关怀",
        0,
        "call",
        _anniversary,
        assignee_role="salesperson",
        script="感谢三年来的信任，介绍置换政策。",
    ),
    StepDefinition("birthday_message", "birthday", "生日祝福", 0, "message", _birthday, "sms", "marketing", "birthday"),
    StepDefinition("holiday_message", "holiday", "节日问候", 0, "message", _holiday, "sms", "marketing", "holiday"),
    StepDefinition("seasonal_message", "seasonal", "季节检查提醒", 0, "message", _seasonal, "sms", "marketing", "seasonal_check"),
    StepDefinition(
        "recall_call",
        "recall",
        "召回通知电话",
        0,
        "call",
        _recall,
        assignee_role="service_advisor",
        script="您的车辆在召回范围内，请预约免费检修。",
    ),
    StepDefinition("recall_message", "recall", "召回通知短信", 0, "message", _recall, "sms", "service", "recall"),
    StepDefinition("advice_call", "advice", "技师建议回访", -7, "call", _advice, assignee_role="service_advisor"),
    StepDefinition(
        "ev_battery_message",
        "ev_battery",
        "电池健康检测提醒",
        -14,
        "message",
        _vehicle_date("battery_check_due_on", electrified_only=True),
        "sms",
        "service",
        "ev_battery_check",
    ),
    StepDefinition("ota_message", "ota", "OTA 升级通知", 0, "message", _ota, "sms", "service", "ota_release"),
]
DEFINITIONS_BY_CODE = {d.code: d for d in STEP_DEFINITIONS}
