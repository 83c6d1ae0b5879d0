"""REST API of bulk import and list export (issue 11): /api/imports and /api/exports."""

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from core.api import client_ip, paginate
from dataio import exports, selectors, services
from dataio.mapping import targets_for
from dataio.schemas import BatchOut, BatchPage, MappingIn, TargetOut

router = Router(tags=["imports"])
exports_router = Router(tags=["exports"])


@router.get("/targets", response=list[TargetOut])
def import_targets(request, kind: str = "customers"):
    """The fields an import of this kind can fill (customers | history)."""
    if kind not in ("customers", "history"):
        return []
    return targets_for(kind)


@router.post("", response={201: BatchOut})
def import_upload(request, file: File[UploadedFile], kind: Form[str] = "customers", store_id: Form[int | None] = None):
    """Upload a .xlsx or CSV (UTF-8 or GBK); the answer holds the columns and a suggested mapping."""
    batch = services.import_upload(user=request.user, kind=kind, file_name=file.name, data=file.read(), store_id=store_id)
    return Status(201, batch)


@router.get("", response=BatchPage)
def import_list(request, limit: int | None = None, offset: int | None = None):
    return paginate(selectors.batch_list(user=request.user), limit, offset)


@router.get("/{batch_id}", response=BatchOut)
def import_get(request, batch_id: int):
    """Status and progress (poll this), counts of the dry run and the first 100 errors."""
    return selectors.batch_get(user=request.user, batch_id=batch_id)


@router.post("/{batch_id}/check", response={202: BatchOut})
def import_check(request, batch_id: int, payload: MappingIn):
    """Save the column mapping and start the dry run (nothing is written)."""
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    return Status(202, services.import_check(user=request.user, batch=batch, mapping=payload.mapping))


@router.post("/{batch_id}/commit", response={202: BatchOut})
def import_commit(request, batch_id: int):
    """Import a clean dry run: all rows in one transaction, or none."""
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    return Status(202, services.import_commit(user=request.user, batch=batch))


@router.get("/{batch_id}/report.csv")
def import_report(request, batch_id: int):
    """The error report: 行号, 列, 级别, 说明 (CSV, UTF-8 with BOM)."""
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    return report_response(batch)


def report_response(batch) -> HttpResponse:
    response = HttpResponse(services.error_report_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-report.csv"'
    return response


@exports_router.get("")
def export_list(request, list: str, format: str = "csv", reveal: bool = False, reason: str = "", day: str = "", kind: str = ""):
    """Stream a list (customers | vehicles | reminders | orders) as CSV or .xlsx; personal data masked unless
    reveal=true with a reason (roles that may reveal only; every exported customer is access-logged)."""
    export = exports.export_prepare(
        user=request.user,
        list_name=list,
        fmt=format,
        reveal=reveal,
        reason=reason,
        ip_address=client_ip(request),
        filters={"day": day, "kind": kind},
    )
    return export_response(export)


def export_response(export: exports.Export):
    if export.fmt == "xlsx":
        return FileResponse(exports.xlsx_file(export), as_attachment=True, filename=export.file_name)
    response = StreamingHttpResponse(exports.csv_chunks(export), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(export.file_name)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
