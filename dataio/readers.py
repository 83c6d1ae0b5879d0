"""Reading DMS exports: CSV in UTF-8 or GBK (detected) and .xlsx (first sheet), as a header and
rows of text, with the merged cell ranges that must be reported rather than guessed."""

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from core.errors import InvalidInput

MAX_COLUMNS = 200
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]  # data rows as text; row i is spreadsheet row i + 2
    file_format: str
    encoding: str = ""
    merged: list[tuple[str, int, int]] = field(default_factory=list)  # (range, first row, last row)


def file_format_of(name: str, data: bytes) -> str:
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx"):
        return "xlsx"
    if name.lower().endswith(".xls"):
        raise InvalidInput({"file": "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV"})
    return "csv"


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK/GB2312, what Excel on a
    Chinese Windows writes); anything else is refused with a hint rather than read as mojibake."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError:
        raise InvalidInput({"file": "无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV"}) from None


def read_table(name: str, data: bytes) -> Table:
    if not data:
        raise InvalidInput({"file": "文件为空"})
    fmt = file_format_of(name, data)
    table = _read_xlsx(data) if fmt == "xlsx" else _read_csv(data)
    if not any(table.header):
        raise InvalidInput({"file": "第 1 行应为列名（表头），但它是空的"})
    if len(table.header) > MAX_COLUMNS:
        raise InvalidInput({"file": f"列数过多（超过 {MAX_COLUMNS} 列）"})
    return table


def _read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InvalidInput({"file": f"CSV 格式错误：{exc}"}) from None
    if not records:
        raise InvalidInput({"file": "文件为空"})
    header = [h.strip() for h in records[0]]
    return Table(header=header, rows=records[1:], file_format="csv", encoding=encoding)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a corrupt or password-protected file: the user gets a message, never a 500
        raise InvalidInput({"file": "无法读取该 Excel 文件，请确认是 .xlsx 格式且未加密"}) from None
    try:
        sheet = workbook.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        header = [_cell_text(v).strip() for v in next(rows_iter, ())]
        width = len(header)
        rows = [[_cell_text(v) for v in row[:width]] for row in rows_iter]
        merged = _merged_ranges(data, getattr(sheet, "_worksheet_path", "xl/worksheets/sheet1.xml"))
    finally:
        workbook.close()
    while header and not header[-1]:
        header.pop()
    return Table(header=header, rows=rows, file_format="xlsx", merged=merged)


def _merged_ranges(data: bytes, sheet_path: str) -> list[tuple[str, int, int]]:
    """Read-only openpyxl hides merged cells; the sheet XML lists them in <mergeCells>."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            xml = archive.read(sheet_path.lstrip("/"))
        except KeyError:
            return []
    return [(f"{a.decode()}{r1.decode()}:{b.decode()}{r2.decode()}", int(r1), int(r2)) for a, r1, b, r2 in _MERGE.findall(xml)]
