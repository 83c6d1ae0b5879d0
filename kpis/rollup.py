"""The nightly rollup: each measure's source rows of one day, summed per store and per staff member.

Rewriting a day replaces its rows in one transaction, so reruns and late-arriving data (an issue
resolved a week later) re-aggregate idempotently: the nightly job redoes the last
`kpis.reaggregate_days` days, an hourly one keeps today current.
"""

import datetime as dt
import logging
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.policies import policy_value
from kpis.definitions import KPIS, Kpi
from kpis.models import KpiDaily, KpiStaffDaily

logger = logging.getLogger(__name__)


def kpi_rollup_day(*, day: dt.date, kpis: list[Kpi] | None = None) -> int:
    """Recompute one local day of every measure (or of the given ones); returns rows written."""
    store_rows, staff_rows = [], []
    chosen = kpis or KPIS
    measured = [kpi.key for kpi in chosen]
    for kpi in chosen:
        stores, staff = _summed(kpi.load()(day=day))
        store_rows += [KpiDaily(kpi=kpi.key, store_id=s, day=day, numerator=n, denominator=d) for s, (n, d) in stores.items()]
        staff_rows += [
            KpiStaffDaily(kpi=kpi.key, store_id=s, staff_id=u, day=day, numerator=n, denominator=d)
            for (s, u), (n, d) in staff.items()
        ]
    with transaction.atomic():
        KpiDaily.objects.filter(day=day, kpi__in=measured).delete()
        KpiStaffDaily.objects.filter(day=day, kpi__in=measured).delete()
        KpiDaily.objects.bulk_create(store_rows, batch_size=1000)
        KpiStaffDaily.objects.bulk_create(staff_rows, batch_size=1000)
    return len(store_rows) + len(staff_rows)


def _summed(rows) -> tuple[dict, dict]:
    stores = defaultdict(lambda: [Decimal(0), Decimal(0)])
    staff = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in rows:
        numerator, denominator = Decimal(row["numerator"] or 0), Decimal(row["denominator"] or 0)
        if not numerator and not denominator:
            continue
        for totals in [stores[row["store_id"]]] + ([staff[row["store_id"], row["staff_id"]]] if row.get("staff_id") else []):
            totals[0] += numerator
            totals[1] += denominator
    return stores, staff


def kpi_rollup_recent(*, day: dt.date) -> dict:
    """Yesterday and the days before it that late data may still change (the nightly job)."""
    days = max(1, policy_value(None, "kpis.reaggregate_days"))
    written = 0
    for offset in range(1, days + 1):
        written += kpi_rollup_day(day=day - dt.timedelta(days=offset))
    logger.info("kpis: %s days up to %s re-aggregated, %s rows", days, day - dt.timedelta(days=1), written)
    return {"days": days, "rows": written}


def kpi_rollup_today() -> dict:
    """Today so far, so the dashboard's "today" is at most an hour old."""
    return {"rows": kpi_rollup_day(day=timezone.localdate())}
