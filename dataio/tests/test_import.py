import datetime as dt

import pytest
from django.db import connection

from core.errors import Conflict, Forbidden, InvalidInput
from customers.models import Customer, CustomerMobile
from customers.services import customer_create
from customers.validators import name_search_keys
from dataio import importing, parsed, services
from dataio.models import ImportBatch, ImportFile
from dataio.tests.conftest import GOOD_VIN, HEADER, OTHER_VIN, csv_bytes, xlsx_bytes
from reminders.services import vehicle_schedule_refresh
from vehicles.models import OdometerReading, Vehicle

Status = ImportBatch.Status
ROWS = [
    HEADER,
    [
        "张三丰",
        "138-1234-5678",
        "男",
        "1980/3/5",
        GOOD_VIN.lower(),
        "粤b·d12345",
        "比亚迪",
        "汉EV",
        "纯电",
        "2024-03-01",
        "12000",
        "2025-06-01",
    ],
    ["李 四", "+86 139 8765 4321", "女", "", "", "", "", "", "", "", "", ""],
    ["张三丰", "13812345678", "男", "1980/3/5", OTHER_VIN, "粤A12345", "大众", "帕萨特", "汽油", "2023年5月1日", "", ""],
]


def run(user, data: bytes, name="dms.csv", kind="customers", mapping=None, commit=True):
    batch = services.import_upload(user=user, kind=kind, file_name=name, data=data)
    batch = services.import_check(user=user, batch=batch, mapping=mapping or batch.mapping)
    if commit and batch.can_commit:
        batch = services.import_commit(user=user, batch=batch)
    return batch


@pytest.mark.django_db
def test_customers_and_vehicles_import_with_the_services_search_keys(manager_a, store_a):
    batch = run(manager_a, csv_bytes(ROWS))
    assert batch.status == Status.DONE, batch.report
    assert batch.report["counts"]["customers_new"] == 2
    assert batch.report["counts"]["merged_in_file"] == 1  # the same mobile and name: one customer, two cars
    zhang = Customer.objects.get(store=store_a, mobile="+8613812345678")
    assert (zhang.name_pinyin, zhang.name_initials) == name_search_keys("张三丰") == ("zhangsanfeng", "zsf")
    assert zhang.gender == "M" and zhang.birthday == dt.date(1980, 3, 5) and zhang.birthday_md == "03-05"
    assert CustomerMobile.objects.get(customer=zhang).last4 == "5678"
    assert Customer.objects.get(store=store_a, mobile="+8613987654321").name == "李 四"
    ev = Vehicle.objects.get(vin=GOOD_VIN)
    assert (ev.owner_id, ev.plate, ev.vin_last6, ev.powertrain) == (zhang.id, "粤BD12345", GOOD_VIN[-6:], "bev")
    assert ev.ownerships.get().started_on == dt.date(2024, 3, 1)
    reading = OdometerReading.objects.get(vehicle=ev)
    assert (reading.km, reading.read_on, reading.source) == (12000, dt.date(2025, 6, 1), "import")
    stored = (ev.service_due_on, ev.service_due_by, ev.battery_check_due_on, float(ev.km_per_day))
    refreshed = vehicle_schedule_refresh(ev, save=False)
    fresh = (refreshed.service_due_on, refreshed.service_due_by, refreshed.battery_check_due_on, float(refreshed.km_per_day))
    assert stored == fresh
    assert Vehicle.objects.get(vin=OTHER_VIN).purchase_date == dt.date(2023, 5, 1)


@pytest.mark.django_db
def test_gbk_csv_is_detected(manager_a):
    batch = services.import_upload(user=manager_a, kind="customers", file_name="gbk.csv", data=csv_bytes(ROWS, "gbk"))
    assert batch.encoding == "gbk" and batch.columns == HEADER
    assert batch.mapping["mobile"] == "联系电话" and batch.mapping["powertrain"] == "燃料类型"


@pytest.mark.django_db
def test_bad_cells_merged_cells_empty_and_duplicate_rows_go_to_the_report_and_nothing_is_written(manager_a):
    rows = [
        HEADER,
        ["王五", "12345", "男", "1990-02-30", "LSVAB2BM4KN00000I", "", "大众", "帕萨特", "汽油", "2023-01-01", "", ""],
        ["", "", "", "", "", "", "", "", "", "", "", ""],
        ["赵六", "13700001111", "", "", "", "", "", "", "", "", "", ""],
        ["赵六", "13700001111", "", "", "", "", "", "", "", "", "", ""],
        ["孙七", "13700002222", "", "", "", "", "", "", "", "", "", ""],
        ["", "13700003333", "", "", "", "", "", "", "", "", "", ""],
    ]
    batch = run(manager_a, xlsx_bytes(rows, merge="A6:A7"), name="dms.xlsx")
    assert batch.status == Status.CHECKED and not batch.can_commit
    messages = {(row, column): message for row, column, message in batch.report["errors"]}
    assert "中国大陆手机号" in messages[(2, "联系电话")] or "手机号" in messages[(2, "联系电话")]
    assert "不存在的日期" in messages[(2, "生日")]
    assert "I、O、Q" in messages[(2, "车架号")]
    assert "合并单元格 A6:A7" in messages[(6, "A6:A7")] and (7, "A6:A7") in messages
    warnings = {row: message for row, _column, message in batch.report["warnings"]}
    assert warnings[3] == "空行，已跳过" and "第 4 行" in warnings[5]
    with pytest.raises(Conflict):
        services.import_commit(user=manager_a, batch=batch)
    assert Customer.objects.count() == 0
    report = services.error_report_csv(batch).decode("utf-8-sig").splitlines()
    assert report[0] == "行号,列,级别,说明" and any(line.startswith("2,联系电话,错误,") for line in report)


@pytest.mark.django_db
def test_duplicates_against_the_archive_and_within_the_file(manager_a, store_a):
    existing = customer_create(user=manager_a, name="张三丰", mobile="13812345678")
    rows = [*ROWS[:2], ["别人", "13812345678", "", "", "", "", "", "", "", "", "", ""]]
    batch = run(manager_a, csv_bytes(rows), commit=False)
    assert batch.error_count == 1 and "姓名不同" in batch.report["errors"][0][2]
    batch = run(manager_a, csv_bytes(ROWS[:2]))
    assert batch.status == Status.DONE
    assert batch.report["counts"]["customers_matched"] == 1 and batch.report["counts"]["customers_new"] == 0
    assert Vehicle.objects.get(vin=GOOD_VIN).owner_id == existing.id
    again = run(manager_a, csv_bytes(ROWS[:2]))  # the same file twice: nothing new, the VIN is skipped
    assert again.status == Status.DONE and again.report["counts"]["vehicles_new"] == 0
    assert Customer.objects.filter(store=store_a).count() == 1 and Vehicle.objects.count() == 1


@pytest.mark.django_db
def test_a_failure_mid_write_leaves_nothing_and_the_rerun_imports_everything(manager_a, monkeypatch):
    calls = []
    real = importing.bulk_insert

    def failing(table, columns, rows, **kw):
        calls.append(table)
        if table == Vehicle._meta.db_table and len(calls) < 4:
            raise RuntimeError("worker killed")
        return real(table, columns, rows, **kw)

    monkeypatch.setattr(importing, "bulk_insert", failing)
    batch = run(manager_a, csv_bytes(ROWS))
    assert batch.status == Status.FAILED and "未写入任何数据" in batch.detail
    assert Customer.objects.count() == 0 and CustomerMobile.objects.count() == 0
    batch = services.import_check(user=manager_a, batch=batch, mapping=batch.mapping)
    batch = services.import_commit(user=manager_a, batch=batch)
    assert batch.status == Status.DONE and Customer.objects.count() == 2 and Vehicle.objects.count() == 2


@pytest.mark.django_db
def test_a_killed_run_is_resumed_when_its_lease_runs_out(manager_a):
    batch = run(manager_a, csv_bytes(ROWS), commit=False)
    from django.utils import timezone

    # A worker claimed the commit and died: the batch is "committing", nothing written, lease over.
    ImportBatch.objects.filter(pk=batch.pk).update(status=Status.COMMITTING, lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert services.imports_process() == {"recovered": 1, "processed": 1}
    batch.refresh_from_db()
    assert batch.status == Status.DONE and Customer.objects.count() == 2
    assert services.imports_process() == {"recovered": 0, "processed": 0}  # idempotent


@pytest.mark.django_db
def test_service_history_and_odometer_import(manager_a):
    run(manager_a, csv_bytes(ROWS[:2]))
    ev = Vehicle.objects.get(vin=GOOD_VIN)
    rows = [
        ["车架号", "进厂日期", "进厂里程", "维修类型", "维修内容"],
        [GOOD_VIN, "2025-09-01", "15000", "首保", "更换机油"],
        [GOOD_VIN, "2025-10-01", "16000", "维修", "更换雨刮"],
        [OTHER_VIN, "2025-10-01", "100", "维修", ""],
    ]
    batch = run(manager_a, csv_bytes(rows), kind="history")
    assert batch.error_count == 1 and "本店没有该车架号" in batch.report["errors"][0][2]
    batch = run(manager_a, csv_bytes(rows[:3]), kind="history")
    assert batch.status == Status.DONE, batch.report
    ev.refresh_from_db()
    assert (ev.odometer_km, ev.odometer_read_on) == (16000, dt.date(2025, 10, 1))
    assert (ev.last_service_on, ev.last_service_km, ev.service_cycle) == (dt.date(2025, 9, 1), 15000, 1)
    stored = (ev.service_due_on, float(ev.km_per_day))
    refreshed = vehicle_schedule_refresh(ev, save=False)
    assert stored == (refreshed.service_due_on, float(refreshed.km_per_day))
    assert ev.interactions.count() == 2
    lower = [rows[0], [GOOD_VIN, "2025-11-01", "9000", "维修", ""]]
    batch = run(manager_a, csv_bytes(lower), kind="history")
    assert "不能低于之前的记录" in batch.report["errors"][0][2]
    again = run(manager_a, csv_bytes(rows[:3]), kind="history")  # re-import: skipped, not doubled
    assert again.status == Status.DONE and again.report["counts"]["readings_new"] == 0
    assert OdometerReading.objects.filter(vehicle=ev).count() == 3


@pytest.mark.django_db
def test_wrong_files_and_mappings_are_field_errors(manager_a):
    with pytest.raises(InvalidInput) as exc:
        services.import_upload(user=manager_a, kind="customers", file_name="x.csv", data=b"")
    assert "file" in exc.value.errors
    with pytest.raises(InvalidInput):
        services.import_upload(user=manager_a, kind="customers", file_name="x.xlsx", data=b"PK\x03\x04broken")
    with pytest.raises(InvalidInput):
        services.import_upload(user=manager_a, kind="customers", file_name="x.csv", data=b"\x81\x30\xff\xfe\x00bad")
    batch = services.import_upload(user=manager_a, kind="customers", file_name="x.csv", data=csv_bytes(ROWS))
    with pytest.raises(InvalidInput) as exc:
        services.import_check(user=manager_a, batch=batch, mapping={"name": "客户姓名", "vin": "车架号", "bogus": "x"})
    assert set(exc.value.errors) >= {"mobile", "model", "powertrain", "purchase_date", "bogus"}


@pytest.mark.django_db
def test_advisors_may_not_import(advisor_alice):
    with pytest.raises(Forbidden):
        services.import_upload(user=advisor_alice, kind="customers", file_name="x.csv", data=csv_bytes(ROWS))


@pytest.mark.django_db
def test_ids_come_from_the_sequence_so_later_creates_do_not_collide(manager_a):
    run(manager_a, csv_bytes(ROWS))
    later = customer_create(user=manager_a, name="后来者", mobile="13600001111")
    assert later.id > max(Customer.objects.exclude(pk=later.pk).values_list("id", flat=True))
    if connection.vendor == "postgresql":
        assert Customer.objects.count() == 3


@pytest.mark.django_db
def test_the_commit_takes_the_dry_runs_parse_and_still_sees_the_archive_change(manager_a, store_a, monkeypatch):
    batch = run(manager_a, csv_bytes(ROWS), commit=False)
    assert batch.can_commit
    monkeypatch.setattr(services, "read_table", lambda *a: pytest.fail("the commit read the file again"))
    customer_create(user=manager_a, name="张三丰", mobile="13812345678")  # registered after the dry run
    batch = services.import_commit(user=manager_a, batch=batch)
    assert batch.status == Status.DONE, batch.report
    assert batch.report["counts"]["customers_matched"] == 1 and batch.report["counts"]["customers_new"] == 1
    zhang = Customer.objects.get(store=store_a, mobile="+8613812345678")
    assert set(Vehicle.objects.values_list("owner_id", flat=True)) == {zhang.id}
    assert Vehicle.objects.get(vin=OTHER_VIN).purchase_date == dt.date(2023, 5, 1)


@pytest.mark.django_db
def test_a_parse_made_with_another_mapping_is_not_used(manager_a, store_a):
    batch = run(manager_a, csv_bytes(ROWS), commit=False)
    ImportFile.objects.filter(batch=batch).update(parsed=None)  # e.g. checked before the parse was kept
    batch = services.import_commit(user=manager_a, batch=batch)
    assert batch.status == Status.DONE and Customer.objects.filter(store=store_a).count() == 2
    again = run(manager_a, csv_bytes([*ROWS[:2]]), commit=False)
    stored = bytes(ImportFile.objects.get(batch=again).parsed)
    assert parsed.load(stored, {**again.mapping, "gender": ""}) is None
    assert parsed.load(stored, again.mapping) is not None


def test_the_kept_parse_round_trips_dates_and_empty_cells():
    from dataio.cleaning import Report

    plan = importing.CustomerPlan(
        customers=[{"row": 2, "name": "张三", "mobile": "+8613812345678", "birthday": dt.date(1980, 3, 5), "gender": ""}],
        extra_mobiles=[(0, "+8613900000000")],
        vehicles=[{"row": 2, "vin": GOOD_VIN, "owner": 0, "purchase_date": dt.date(2024, 3, 1), "delivery_date": None}],
        counts={"merged_in_file": 0},
    )
    report = Report()
    report.warning(3, "客户姓名", "空行，已跳过")
    loaded, loaded_report = parsed.load(parsed.dump(plan, report, {"name": "客户姓名"}), {"name": "客户姓名"})
    assert loaded == plan
    assert (loaded_report.warnings, loaded_report.warning_count, loaded_report.error_count) == (
        [(3, "客户姓名", "空行，已跳过")],
        1,
        0,
    )
    readings = [{"row": 2, "vin": GOOD_VIN, "read_on": dt.date(2025, 9, 1), "km": 15000, "replaced": False}]
    assert parsed.load(parsed.dump(readings, Report(), {}), {})[0] == readings


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the per-row foreign-key checks are PostgreSQL's")
def test_parents_are_checked_in_bulk_and_the_per_row_checks_come_back(manager_a, store_a):
    from django.db import IntegrityError, transaction

    from accounts.models import Store

    def replication_role():
        with connection.cursor() as cursor:
            cursor.execute("SHOW session_replication_role")
            return cursor.fetchone()[0]

    missing = {Store: [store_a.id], Customer: [10**9]}
    with pytest.raises(IntegrityError), transaction.atomic(), importing.parents_checked_in_bulk(missing):
        pytest.fail("a missing parent must stop the import before any write")
    with transaction.atomic():
        with importing.parents_checked_in_bulk({Store: [store_a.id, store_a.id]}):
            assert replication_role() == "replica"  # the test database's role is a superuser
        assert replication_role() == "origin"
