"""List exports (issue 11): customers, vehicles, reminders and repair orders to CSV or .xlsx, streamed.

Personal data leaves masked (DOMAIN §14). Full mobiles and addresses only for a role that may
reveal them, when it asks, with a reason — and then every exported customer gets an access-log row
(privacy.AccessLog, action "export"), written chunk by chunk before the chunk leaves the server.
Rows are read in id order in chunks (keyset pagination, no N+1), so memory stays flat at 1M rows.
"""

import csv
import datetime as dt
import io
import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from accounts.permissions import Perm, has_perm, require
from core.errors import Forbidden, InvalidInput
from core.policies import policy_value
from core.scoping import scoped
from customers.models import Customer
from customers.validators import mask_address, mask_mobile
from privacy.models import AccessLog
from reminders.models import Reminder
from vehicles.models import Vehicle
from workshop.models import RepairOrder

logger = logging.getLogger(__name__)
CHUNK = 2_000
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[dict, bool], object]  # (row, revealed) → cell


@dataclass(frozen=True)
class ExportList:
    label: str
    model: type
    fields: tuple[str, ...]
    columns: tuple[Column, ...]
    customer_field: str  # whose data a row is (for the access log)
    store_field: str = "store_id"

    def queryset(self, user, filters: dict) -> QuerySet:
        queryset = scoped(self.model.objects, user)
        if self.model is Customer:
            queryset = queryset.filter(erased_at__isnull=True)
        if self.model is Reminder and filters.get("day"):
            queryset = queryset.filter(scheduled_on=filters["day"])
        if self.model is Reminder and filters.get("kind"):
            queryset = queryset.filter(kind=filters["kind"])
        return queryset.order_by("id").values("id", *self.fields)


def _mobile(key: str) -> Callable[[dict, bool], str]:
    return lambda row, revealed: row[key] if revealed else mask_mobile(row[key])


def _date(key: str) -> Callable[[dict, bool], str]:
    return lambda row, revealed: row[key].isoformat() if row[key] else ""


def _local(key: str) -> Callable[[dict, bool], str]:
    return lambda row, revealed: timezone.localtime(row[key]).strftime("%Y-%m-%d %H:%M") if row[key] else ""


def _choice(key: str, choices) -> Callable[[dict, bool], str]:
    labels = dict(choices)
    return lambda row, revealed: labels.get(row[key], row[key])


LISTS = {
    "customers": ExportList(
        "客户",
        Customer,
        ("name", "mobile", "gender", "birthday", "company", "address", "member_tier", "source", "created_at"),
        (
            Column("客户编号", lambda r, _v: r["id"]),
            Column("姓名", lambda r, _v: r["name"]),
            Column("手机号", _mobile("mobile")),
            Column("性别", _choice("gender", Customer.Gender.choices)),
            Column("生日", _date("birthday")),
            Column("单位", lambda r, _v: r["company"]),
            Column("地址", lambda r, revealed: r["address"] if revealed else mask_address(r["address"])),
            Column("会员等级", _choice("member_tier", Customer._meta.get_field("member_tier").choices)),
            Column("来源", _choice("source", Customer._meta.get_field("source").choices)),
            Column("建档时间", _local("created_at")),
        ),
        customer_field="id",
    ),
    "vehicles": ExportList(
        "车辆",
        Vehicle,
        (
            "plate",
            "vin",
            "brand",
            "model",
            "powertrain",
            "owner_id",
            "owner__name",
            "owner__mobile",
            "odometer_km",
            "purchase_date",
            "service_due_on",
            "inspection_due",
            "insurance_expiry",
        ),  # fmt: skip
        (
            Column("车牌", lambda r, _v: r["plate"]),
            Column("车架号", lambda r, _v: r["vin"]),
            Column("品牌", lambda r, _v: r["brand"]),
            Column("车型", lambda r, _v: r["model"]),
            Column("动力类型", _choice("powertrain", Vehicle._meta.get_field("powertrain").choices)),
            Column("车主", lambda r, _v: r["owner__name"]),
            Column("车主手机", _mobile("owner__mobile")),
            Column("当前里程", lambda r, _v: r["odometer_km"]),
            Column("购车日期", _date("purchase_date")),
            Column("下次保养", _date("service_due_on")),
            Column("年检到期", _date("inspection_due")),
            Column("保险到期", _date("insurance_expiry")),
        ),
        customer_field="owner_id",
    ),
    "reminders": ExportList(
        "提醒",
        Reminder,
        (
            "kind",
            "step",
            "customer_id",
            "customer__name",
            "customer__mobile",
            "vehicle__plate",
            "due_on",
            "scheduled_on",
            "topic",
            "status",
        ),  # fmt: skip
        (
            Column("类型", _choice("kind", Reminder._meta.get_field("kind").choices)),
            Column("步骤", lambda r, _v: r["step"]),
            Column("客户", lambda r, _v: r["customer__name"]),
            Column("客户手机", _mobile("customer__mobile")),
            Column("车牌", lambda r, _v: r["vehicle__plate"] or ""),
            Column("到期日", _date("due_on")),
            Column("执行日", _date("scheduled_on")),
            Column("内容", lambda r, _v: r["topic"]),
            Column("状态", _choice("status", Reminder.Status.choices)),
        ),
        customer_field="customer_id",
    ),
    "orders": ExportList(
        "维修工单",
        RepairOrder,
        (
            "state",
            "customer_id",
            "customer__name",
            "customer__mobile",
            "vehicle__plate",
            "vehicle__vin",
            "arrived_at",
            "odometer_km",
            "estimate_total",
            "delivered_at",
            "is_repeat_repair",
        ),  # fmt: skip
        (
            Column("工单编号", lambda r, _v: r["id"]),
            Column("状态", _choice("state", RepairOrder.State.choices)),
            Column("客户", lambda r, _v: r["customer__name"]),
            Column("客户手机", _mobile("customer__mobile")),
            Column("车牌", lambda r, _v: r["vehicle__plate"]),
            Column("车架号", lambda r, _v: r["vehicle__vin"]),
            Column("到店时间", _local("arrived_at")),
            Column("进店里程", lambda r, _v: r["odometer_km"]),
            Column("估价合计（元）", lambda r, _v: str(r["estimate_total"])),
            Column("交车时间", _local("delivered_at")),
            Column("返修", lambda r, _v: "是" if r["is_repeat_repair"] else ""),
        ),
        customer_field="customer_id",
    ),
}


@dataclass
class Export:
    """A prepared export: its rows stream out of `rows()`; the file name says what and when."""

    spec: ExportList
    queryset: QuerySet
    revealed: bool
    user: object
    reason: str
    ip_address: str | None
    limit: int
    fmt: str

    @property
    def file_name(self) -> str:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return f"{self.spec.label}-{stamp}{'-完整' if self.revealed else ''}.{self.fmt}"

    def rows(self) -> Iterator[list]:
        yield [c.header for c in self.spec.columns]
        last_id, sent = 0, 0
        while sent < self.limit:
            chunk = list(self.queryset.filter(id__gt=last_id)[: min(CHUNK, self.limit - sent)])
            if not chunk:
                break
            if self.revealed:
                self._log(chunk)
            for row in chunk:
                yield [c.value(row, self.revealed) for c in self.spec.columns]
            last_id, sent = chunk[-1]["id"], sent + len(chunk)

    def _log(self, chunk: list[dict]) -> None:
        """One access-log row per exported customer (privacy: who exported whose full data, why)."""
        store_of = dict(
            Customer.objects.filter(id__in={r[self.spec.customer_field] for r in chunk}).values_list("id", "store_id")
        )
        AccessLog.objects.bulk_create(
            AccessLog(
                store_id=store_id,
                actor=self.user,
                customer_id=customer_id,
                action=AccessLog.Action.EXPORT,
                field="mobile",
                reason=self.reason,
                ip_address=self.ip_address,
            )
            for customer_id, store_id in store_of.items()
        )


def export_prepare(
    *, user, list_name: str, fmt: str, reveal: bool = False, reason: str = "", ip_address: str | None = None, filters=None
) -> Export:
    """Check the request and build the export; nothing is read until its rows are iterated."""
    require(user, Perm.DATA_EXPORT)
    errors = {}
    if list_name not in LISTS:
        errors["list"] = "只能导出 customers、vehicles、reminders 或 orders"
    if fmt not in FORMATS:
        errors["format"] = "格式只能是 csv 或 xlsx"
    reason = " ".join((reason or "").split())[:200]
    if reveal and len(reason) < 2:
        errors["reason"] = "导出完整手机号与地址须填写原因（至少 2 个字）"
    if errors:
        raise InvalidInput(errors)
    if reveal and not has_perm(user, Perm.PII_REVEAL):
        raise Forbidden("您的角色不能导出完整的个人信息")
    spec = LISTS[list_name]
    limit = policy_value(user.default_store_id(), "dataio.export_max_rows")
    logger.info("dataio: export %s (%s, revealed=%s) by user %s", list_name, fmt, reveal, user.pk)
    return Export(spec, spec.queryset(user, _filters(filters or {})), reveal, user, reason, ip_address, limit, fmt)


def _filters(raw: dict) -> dict:
    filters = {}
    if raw.get("day"):
        try:
            filters["day"] = dt.date.fromisoformat(str(raw["day"]))
        except ValueError:
            raise InvalidInput({"day": "日期格式应为 YYYY-MM-DD"}) from None
    if raw.get("kind"):
        filters["kind"] = str(raw["kind"])
    return filters


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(export: Export) -> Iterator[bytes]:
    """UTF-8 with BOM (Excel on Chinese Windows opens it right), streamed 500 lines at a time."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    lines = []
    for row in export.rows():
        lines.append(writer.writerow(row))
        if len(lines) >= 500:
            yield "".join(lines).encode("utf-8")
            lines = []
    if lines:
        yield "".join(lines).encode("utf-8")


def xlsx_file(export: Export) -> io.BufferedRandom:
    """openpyxl's write-only workbook streams rows to disk; the finished file is sent from disk."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(export.spec.label)
    for row in export.rows():
        sheet.append(row)
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to FileResponse, which closes it
    workbook.save(target)
    target.seek(0)
    return target
