"""Import throughput (issue 11): rows/s of the DMS import, read → dry run → commit, on the database
of DATABASE_URL. Target: >= 50,000 rows/s on PostgreSQL (200,000 rows in <= 4 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pitstop_importbench .venv/bin/python bench/import_throughput.py --rows 200000

The database must be migrated; the script creates the demo organisation if needed and imports
customers with one vehicle and one odometer reading each (new mobiles and VINs every run), then the
same number of service-history rows for those vehicles. Output: a Markdown table (stdout).
"""

import argparse
import csv
import io
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pitstop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from core.seed import CATALOGUE, _Dice, demo_plate, demo_vin, ensure_organisation  # noqa: E402
from dataio import services  # noqa: E402
from dataio.mapping import suggest_mapping  # noqa: E402
from dataio.models import ImportBatch  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"
PREFIXES = ["138", "139", "137", "136", "135", "150", "151", "152", "158", "159", "186", "187", "188", "189"]


def customers_csv(rows: int, offset: int, encoding: str) -> bytes:
    dice = _Dice(offset)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "客户姓名",
            "联系电话",
            "性别",
            "生日",
            "车架号",
            "车牌号",
            "品牌",
            "车型",
            "燃料类型",
            "购车日期",
            "当前里程",
            "里程日期",
        ]
    )
    for i in range(offset, offset + rows):
        model = CATALOGUE[i % len(CATALOGUE)]
        name = dice.pick(SURNAMES) + dice.pick(GIVEN) + (dice.pick(GIVEN) if dice.chance(0.6) else "")
        mobile = f"{PREFIXES[i % len(PREFIXES)]}{(i * 7919 + 13) % 100_000_000:08d}"
        electrified = model.powertrain in ("bev", "phev")
        writer.writerow([
            name, mobile, dice.pick("男女"), f"{dice.between(1960, 2000)}/{dice.between(1, 12)}/{dice.between(1, 28)}",
            demo_vin(model, i, dice), demo_plate("C", i, electrified), model.brand, model.model,
            {"petrol": "汽油", "hybrid": "混动", "phev": "插电混动", "bev": "纯电"}[model.powertrain],
            f"20{dice.between(18, 23)}-{dice.between(1, 12):02d}-{dice.between(1, 28):02d}", dice.between(1000, 90000), "2025-06-01",
        ])  # fmt: skip
    return out.getvalue().encode(encoding)


def history_csv(vins: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["车架号", "进厂日期", "进厂里程", "维修类型", "维修内容"])
    for i, vin in enumerate(vins):
        writer.writerow([vin, "2025-10-15", 95_000 + i % 1000, "定期保养", "更换机油、机滤"])
    return out.getvalue().encode("utf-8")


def xlsx_of(data: bytes) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in csv.reader(io.StringIO(data.decode("utf-8"))):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def timed_import(store_id: int, kind: str, name: str, data: bytes) -> dict:
    services.INLINE_ROWS = 0  # never inline: the phases are run and timed one by one below
    t0 = time.perf_counter()
    batch = services.import_upload(user=None, kind=kind, file_name=name, data=data, store_id=store_id)
    t1 = time.perf_counter()
    ImportBatch.objects.filter(pk=batch.pk).update(
        mapping=suggest_mapping(kind, batch.columns), status=ImportBatch.Status.CHECK_QUEUED
    )
    services.imports_process(batch_id=batch.pk)
    t2 = time.perf_counter()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.COMMIT_QUEUED)
    services.imports_process(batch_id=batch.pk)
    t3 = time.perf_counter()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE, (batch.status, batch.detail, batch.report.get("errors", [])[:5])
    return {"rows": batch.total_rows, "read": t1 - t0, "check": t2 - t1, "commit": t3 - t2, "counts": batch.report["counts"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--encoding", default="gbk", help="CSV encoding of the customer file (gbk or utf-8)")
    parser.add_argument("--xlsx", action="store_true", help="also time the same customers as .xlsx")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    store = ensure_organisation()["GZ01"]
    from vehicles.models import Vehicle

    offset = (Vehicle.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 5_000_000
    results = []
    data = customers_csv(args.rows, offset, args.encoding)
    results.append((f"customers + vehicles, CSV ({args.encoding})", timed_import(store.id, "customers", "customers.csv", data)))
    vins = list(Vehicle.objects.filter(store=store).order_by("-id").values_list("vin", flat=True)[: args.rows])
    results.append(("service history + odometer, CSV", timed_import(store.id, "history", "history.csv", history_csv(vins))))
    if args.xlsx:
        xlsx = xlsx_of(customers_csv(args.rows, offset + args.rows, "utf-8"))
        results.append(("customers + vehicles, .xlsx", timed_import(store.id, "customers", "customers.xlsx", xlsx)))
    load = f"load average {load_before:.1f} → {os.getloadavg()[0]:.1f}"
    print(
        f"\n{connection.vendor}, {platform.python_version()}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M %Z')}, {load}\n"
    )
    print("| file | rows | read s | dry run s | commit s (re-check + write) | total s | rows/s (total) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, r in results:
        total = r["read"] + r["check"] + r["commit"]
        print(
            f"| {label} | {r['rows']:,} | {r['read']:.2f} | {r['check']:.2f} | {r['commit']:.2f} | {total:.2f} | "
            f"{r['rows'] / total:,.0f} |"
        )
    for label, r in results:
        print(f"\n{label}: {r['counts']}")


if __name__ == "__main__":
    main()
