"""Any dashboard table to Excel (.xlsx, openpyxl write-only, streamed) or CSV."""

import csv
import io
import tempfile

from django.http import FileResponse, Http404, StreamingHttpResponse
from openpyxl import Workbook

from kpis import selectors

UNITS = {"percent": "%", "score": "分", "minutes": "分钟", "count": ""}


def table_rows(*, table: str, store_ids: list[int], period, kpi) -> list[list]:
    """Header and rows of one dashboard table: summary, stores (group view) or staff (one measure)."""
    if table == "summary":
        header = ["指标", "数值", "单位", "目标", "分子", "分母", "状态"]
        return [header] + [_figure_cells(f) for f in selectors.kpi_summary(store_ids=store_ids, period=period)]
    if table == "stores":
        rows = selectors.kpi_by_store(store_ids=store_ids, period=period)
        header = ["门店"] + [f.kpi.label for f in rows[0]["figures"]] if rows else ["门店"]
        return [header] + [[row["store"].name] + [_number(f.value) for f in row["figures"]] for row in rows]
    if table == "staff":
        header = ["员工", f"{kpi.label}", "分子", "分母"]
        staff = selectors.kpi_by_staff(store_ids=store_ids, period=period, kpi=kpi)
        return [header] + [[r["name"], _number(r["value"]), _number(r["numerator"]), _number(r["denominator"])] for r in staff]
    raise Http404("未知的报表")


STATUS = {"ok": "达标", "below": "未达标", "none": "—"}


def _figure_cells(figure) -> list:
    value = figure.value
    return [
        figure.kpi.label,
        _number(value) if value is not None else "—",
        UNITS[figure.kpi.unit],
        figure.target or "—",
        _number(figure.numerator),
        _number(figure.denominator),
        STATUS[figure.status],
    ]


def _number(value):
    return float(value) if value is not None else None


def response(*, table: str, fmt: str, store_ids: list[int], period, kpi):
    rows = table_rows(table=table, store_ids=store_ids, period=period, kpi=kpi)
    filename = f"kpi-{table}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    if fmt == "csv":
        return _csv(rows, f"{filename}.csv")
    if fmt == "xlsx":
        return _xlsx(rows, f"{filename}.xlsx", title=f"{period.label}")
    raise Http404("未知的格式")


def _csv(rows, filename):
    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        yield "\ufeff"  # Excel opens UTF-8 CSV with Chinese correctly only with a BOM
        for row in rows:
            writer.writerow(["" if cell is None else cell for cell in row])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    result = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    result["Content-Disposition"] = f'attachment; filename="{filename}"'
    return result


def _xlsx(rows, filename, title: str):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("指标")
    sheet.append([f"期间：{title}"])
    for row in rows:
        sheet.append(row)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 — FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
