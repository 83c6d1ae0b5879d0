"""Job entry points (core.jobs): the nightly rollup, today's hourly refresh, the red-light check."""

import datetime as dt

from kpis.rollup import kpi_rollup_recent, kpi_rollup_today
from kpis.services import red_indicators_check


def rollup_nightly(day: dt.date) -> dict:
    return kpi_rollup_recent(day=day)


def rollup_today() -> dict:
    return kpi_rollup_today()


def red_check_daily(day: dt.date) -> dict:
    return {"opened": red_indicators_check(day=day)}
