"""Bulk import from another DMS (issue 11): upload → column mapping → dry run → all-or-nothing commit.

The dry run and the commit run as a background job (core/jobs.py "dataio.imports", or Celery):
small files right away in the request, larger ones in a worker. A batch is written in ONE
transaction, so a killed worker leaves nothing behind; its lease runs out and the next run of the
job starts it again from the file (kept in the database). The commit takes the dry run's cleaned
rows (dataio.parsed) and checks them against the archive again inside its transaction, so data that
changed since the dry run — a mobile or VIN registered meanwhile, a newer odometer reading — can
never slip in.
"""

import csv
import datetime as dt
import io
import logging
import threading

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.permissions import Perm, require
from core.errors import Conflict, InvalidInput
from core.policies import policy_value
from core.scoping import store_for_write
from customers.models import Customer, CustomerMobile, Interaction
from dataio import importing
from dataio import parsed as parsed_store
from dataio.cleaning import Report
from dataio.mapping import suggest_mapping, validate_mapping
from dataio.models import ImportBatch, ImportFile, ImportKind
from dataio.readers import read_table
from vehicles.models import OdometerReading, Ownership, Vehicle

logger = logging.getLogger(__name__)
Status = ImportBatch.Status
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
INLINE_ROWS = 5_000  # up to this many rows the dry run / commit runs in the request itself
CHECK_LEASE = dt.timedelta(seconds=60)  # a checking batch not heard of for this long is dead
MAX_ATTEMPTS = 3
_PARSERS = {ImportKind.CUSTOMERS: importing.parse_customers, ImportKind.HISTORY: importing.parse_history}
_MATCHERS = {ImportKind.CUSTOMERS: importing.match_customers, ImportKind.HISTORY: importing.match_history}
_WRITERS = {ImportKind.CUSTOMERS: importing.write_customers, ImportKind.HISTORY: importing.write_history}
_NEXT = {Status.CHECK_QUEUED: Status.CHECKING, Status.COMMIT_QUEUED: Status.COMMITTING}
_BACK = {Status.CHECKING: Status.CHECK_QUEUED, Status.COMMITTING: Status.COMMIT_QUEUED}


@transaction.atomic
def import_upload(*, user, kind: str, file_name: str, data: bytes, store_id: int | None = None) -> ImportBatch:
    """Read the file (encoding detected, merged cells noted) and suggest a column mapping."""
    if user is not None:
        require(user, Perm.DATA_IMPORT)
        store_id = store_for_write(user, store_id)
    if kind not in ImportKind.values:
        raise InvalidInput({"kind": "导入类型只能是 customers（客户与车辆）或 history（保养记录与里程）"})
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput({"file": "文件过大（超过 100 MB），请拆分后导入"})
    table = read_table(file_name or "", data)
    limit = policy_value(store_id, "dataio.max_rows")
    if len(table.rows) > limit:
        raise InvalidInput({"file": f"文件有 {len(table.rows)} 行，超过单次导入上限 {limit} 行，请拆分"})
    batch = ImportBatch.objects.create(
        store_id=store_id,
        created_by=user,
        kind=kind,
        file_name=(file_name or "upload")[:200],
        file_format=table.file_format,
        encoding=table.encoding,
        columns=table.header,
        mapping=suggest_mapping(kind, table.header),
        total_rows=len(table.rows),
    )
    ImportFile.objects.create(batch=batch, content=data)
    return batch


def import_check(*, user, batch: ImportBatch, mapping: dict, run_now: bool = False) -> ImportBatch:
    """Save the mapping and queue the dry run (validation report, nothing written)."""
    if user is not None:
        require(user, Perm.DATA_IMPORT)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status not in (Status.UPLOADED, Status.CHECKED, Status.FAILED):
            raise Conflict("该批次正在处理中或已导入，不能修改列对应")
        batch.mapping = validate_mapping(batch.kind, batch.columns, mapping)
        batch.status, batch.progress_done, batch.attempts, batch.detail = Status.CHECK_QUEUED, 0, 0, ""
        batch.save(update_fields=["mapping", "status", "progress_done", "attempts", "detail"])
    _kick(batch, run_now)
    batch.refresh_from_db()
    return batch


def import_commit(*, user, batch: ImportBatch, run_now: bool = False) -> ImportBatch:
    """Queue the commit of a clean dry run. All rows go in one transaction, or none do."""
    if user is not None:
        require(user, Perm.DATA_IMPORT)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status in (Status.COMMIT_QUEUED, Status.COMMITTING, Status.DONE):
            return batch  # a second click: the same commit, never a second one
        if not batch.can_commit:
            raise Conflict("请先完成校验并修正所有错误后再导入", {"batch": "校验未通过或尚未校验"})
        batch.status, batch.progress_done, batch.attempts = Status.COMMIT_QUEUED, 0, 0
        batch.save(update_fields=["status", "progress_done", "attempts"])
    _kick(batch, run_now)
    batch.refresh_from_db()
    return batch


def _kick(batch: ImportBatch, run_now: bool) -> None:
    """Start the work now: inline for small files (or when asked), else Celery when configured,
    else a thread (the scheduled job picks up anything a kick missed)."""
    if run_now or batch.total_rows <= INLINE_ROWS:
        imports_process(batch_id=batch.pk)
    elif settings.CELERY_BROKER_URL:
        from core.tasks import run_job

        try:
            run_job.delay("dataio.imports")
        except Exception:  # broker down: beat's 10-second run will still pick the batch up
            logger.warning("dataio: could not queue the import job; it will run on the next schedule")
    else:
        threading.Thread(target=_process_in_thread, name=f"import-{batch.pk}", daemon=True).start()


def _process_in_thread() -> None:
    try:
        imports_process()
    finally:
        close_old_connections()
        connection.close()


def imports_process(*, batch_id: int | None = None) -> dict:
    """The job: hand stale runs back to the queue (or fail them after 3 tries), then run queued
    batches one by one. Idempotent: a claimed batch is run by exactly one worker."""
    recovered = _recover_stale()
    done = 0
    queued = ImportBatch.objects.filter(status__in=ImportBatch.QUEUED).order_by("id")
    if batch_id is not None:
        queued = queued.filter(pk=batch_id)
    for pk, status in list(queued.values_list("pk", "status")[:20]):
        if _claim(pk, status):
            _run(ImportBatch.objects.get(pk=pk))
            done += 1
    return {"recovered": recovered, "processed": done}


def _recover_stale() -> int:
    stale = ImportBatch.objects.filter(status__in=ImportBatch.RUNNING, lease_until__lt=timezone.now())
    count = 0
    for batch in stale:
        if batch.attempts >= MAX_ATTEMPTS:
            changed = ImportBatch.objects.filter(pk=batch.pk, status=batch.status).update(
                status=Status.FAILED, detail="处理多次中断，已停止；未写入任何数据，请重新上传", finished_at=timezone.now()
            )
        else:
            changed = ImportBatch.objects.filter(pk=batch.pk, status=batch.status, lease_until__lt=timezone.now()).update(
                status=_BACK[batch.status], detail="上次处理中断，已自动重新开始（未写入任何数据）"
            )
        count += changed
    return count


def _claim(pk: int, status: str) -> bool:
    batch = ImportBatch.objects.get(pk=pk)
    lease = CHECK_LEASE if status == Status.CHECK_QUEUED else dt.timedelta(seconds=120 + batch.total_rows // 5_000)
    claimed = ImportBatch.objects.filter(pk=pk, status=status).update(
        status=_NEXT[status], lease_until=timezone.now() + lease, attempts=F("attempts") + 1
    )
    return claimed == 1


def _run(batch: ImportBatch) -> None:
    try:
        if batch.status == Status.CHECKING:
            _run_check(batch)
        else:
            _run_commit(batch)
    except InvalidInput as exc:
        _finish(batch, Status.FAILED, detail="；".join(exc.errors.values()) or exc.detail)
    except Exception:  # the user gets a failed batch with a message, the log gets the trace
        logger.exception("dataio: import batch %s failed", batch.pk)
        _finish(batch, Status.FAILED, detail="处理时发生内部错误，未写入任何数据；请联系管理员")


def _parse(batch: ImportBatch, progress):
    """Read and clean the whole file; the result is kept for the commit (dataio.parsed)."""
    table = read_table(batch.file_name, bytes(ImportFile.objects.get(batch=batch).content))
    mapping = validate_mapping(batch.kind, table.header, batch.mapping)
    report = Report()
    parsed = _PARSERS[batch.kind](table, mapping, report, progress)
    ImportFile.objects.filter(batch=batch).update(parsed=parsed_store.dump(parsed, report, mapping))
    return parsed, report, mapping


def _stored_parse(batch: ImportBatch):
    """The dry run's parse when it was made with the batch's current mapping, else a new one."""
    mapping = validate_mapping(batch.kind, batch.columns, batch.mapping)
    blob = ImportFile.objects.filter(batch=batch).values_list("parsed", flat=True).first()
    stored = parsed_store.load(blob, mapping)
    if stored is None:
        return _parse(batch, lambda done: None)
    parsed, report = stored
    return parsed, report, mapping


def _run_check(batch: ImportBatch) -> None:
    def progress(done: int) -> None:
        ImportBatch.objects.filter(pk=batch.pk, status=Status.CHECKING).update(
            progress_done=done, lease_until=timezone.now() + CHECK_LEASE
        )

    parsed, report, mapping = _parse(batch, progress)
    plan = _MATCHERS[batch.kind](parsed, batch.store_id, report, mapping)
    _finish(batch, Status.CHECKED, report=report, counts=plan.counts)


def _run_commit(batch: ImportBatch) -> None:
    try:
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status != Status.COMMITTING:
                return  # another worker finished it meanwhile
            parsed, report, mapping = _stored_parse(batch)
            plan = _MATCHERS[batch.kind](parsed, batch.store_id, report, mapping)
            if report.error_count:
                raise _ChangedSinceCheck(report, plan.counts)
            user_id = batch.created_by_id
            counts = _WRITERS[batch.kind](plan, batch.store_id, user_id)
            locked.status, locked.progress_done, locked.finished_at = Status.DONE, batch.total_rows, timezone.now()
            locked.report = {**_report_dict(report), "counts": counts}
            locked.warning_count, locked.detail = report.warning_count, ""
            locked.save()
    except _ChangedSinceCheck as changed:
        _finish(
            batch, Status.CHECKED, report=changed.report, counts=changed.counts, detail="数据自校验后已变化，请查看新的错误报告"
        )
        return
    except IntegrityError:
        _finish(
            batch, Status.CHECKED, detail="导入期间本店数据发生变化（手机号或车架号重复），未写入任何数据；请重新校验后再导入"
        )
        return
    if batch.total_rows >= 50_000:
        _analyze(batch.kind)


class _ChangedSinceCheck(Exception):
    def __init__(self, report: Report, counts: dict):
        super().__init__("errors at commit time")
        self.report, self.counts = report, counts


def _report_dict(report: Report) -> dict:
    return {"errors": report.errors, "warnings": report.warnings}


def _finish(batch: ImportBatch, status: str, *, report: Report | None = None, counts: dict | None = None, detail: str = ""):
    fields = {"status": status, "detail": detail[:300], "finished_at": timezone.now(), "lease_until": None}
    if report is not None:
        fields.update(
            report={**_report_dict(report), "counts": counts or {}},
            error_count=report.error_count,
            warning_count=report.warning_count,
            progress_done=batch.total_rows,
        )
    ImportBatch.objects.filter(pk=batch.pk).update(**fields)


_WRITTEN = {
    ImportKind.CUSTOMERS: (Customer, CustomerMobile, Vehicle, Ownership, OdometerReading),
    ImportKind.HISTORY: (Vehicle, OdometerReading, Interaction),
}


def _analyze(kind: str) -> None:
    """Planner statistics after a big load (PERFORMANCE.md: searches are 150x slower without), for
    the tables this kind of import wrote."""
    with connection.cursor() as cursor:
        for model in _WRITTEN[kind]:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")  # names from model meta  # nosec B608


REPORT_HEADER = ["行号", "列", "级别", "说明"]


def error_report_csv(batch: ImportBatch) -> bytes:
    """The downloadable report: row, column, level, message — UTF-8 with BOM so Excel opens it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_HEADER)
    for row, column, message in batch.report.get("errors", []):
        writer.writerow([row, column, "错误", message])
    for row, column, message in batch.report.get("warnings", []):
        writer.writerow([row, column, "提示", message])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
