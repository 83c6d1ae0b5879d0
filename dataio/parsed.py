"""The dry run's parse of a file, kept for the commit (issue 11: throughput).

Cleaning every cell is pure: it depends on the file and the column mapping only. The dry run stores
its result (compressed JSON, column by column, dates as day numbers) beside the upload, so the
commit re-runs only what the archive decides — duplicates by mobile and VIN, each vehicle's
odometer history — instead of reading and cleaning the whole file a second time.
"""

import datetime as dt
import json
import zlib

from dataio.cleaning import Report
from dataio.importing import CustomerPlan

FORMAT = 1
_DATES = frozenset({"birthday", "purchase_date", "delivery_date", "odometer_read_on", "read_on"})


def dump(parsed: CustomerPlan | list[dict], report: Report, mapping: dict[str, str]) -> bytes:
    if isinstance(parsed, CustomerPlan):
        body = {
            "customers": _columns(parsed.customers),
            "extra_mobiles": parsed.extra_mobiles,
            "vehicles": _columns(parsed.vehicles),
            "counts": parsed.counts,
        }
    else:
        body = {"readings": _columns(parsed)}
    document = {
        "format": FORMAT,
        "mapping": mapping,
        "report": {"errors": report.errors, "warnings": report.warnings, "counts": [report.error_count, report.warning_count]},
        **body,
    }
    return zlib.compress(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode(), 1)


def load(blob: bytes | None, mapping: dict[str, str]) -> tuple[CustomerPlan | list[dict], Report] | None:
    """The stored parse and its report, or None when there is none for this mapping (parse again)."""
    if not blob:
        return None
    document = json.loads(zlib.decompress(bytes(blob)))
    if document.get("format") != FORMAT or document.get("mapping") != mapping:
        return None
    report = Report()
    report.errors = [tuple(entry) for entry in document["report"]["errors"]]
    report.warnings = [tuple(entry) for entry in document["report"]["warnings"]]
    report.error_count, report.warning_count = document["report"]["counts"]
    if "readings" in document:
        return _records(document["readings"]), report
    plan = CustomerPlan(
        customers=_records(document["customers"]),
        extra_mobiles=[tuple(pair) for pair in document["extra_mobiles"]],
        vehicles=_records(document["vehicles"]),
        counts=document["counts"],
    )
    return plan, report


def _columns(records: list[dict]) -> dict[str, list]:
    keys = list(records[0]) if records else []
    return {
        key: [_day(r[key]) for r in records] if key in _DATES else [r[key] for r in records]  # fmt: skip
        for key in keys
    }


def _records(columns: dict[str, list]) -> list[dict]:
    decoded = {key: [_date(v) for v in values] if key in _DATES else values for key, values in columns.items()}
    keys = list(decoded)
    return [dict(zip(keys, row, strict=True)) for row in zip(*decoded.values(), strict=True)]


def _day(value: dt.date | None) -> int | None:
    return value.toordinal() if value else None


def _date(value: int | None) -> dt.date | None:
    return dt.date.fromordinal(value) if value else None
