"""Quarterly in-depth interviews (DOMAIN §7): in the first week of each quarter, one interview task
per high-value customer (gold / platinum member) and per customer on last quarter's win-back list,
for the store's manager. Set-based and idempotent: source_key "interview:<customer>:<year>Q<n>"."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from followups.retention import CALL_HOUR, LOCAL, _adapt, _execute

FIRST_WEEK_DAYS = 7
HIGH_VALUE_TIERS = ("gold", "platinum")
INTERVIEW_SCRIPT = "季度深度访谈：了解客户对服务、价格与便利性的评价，以及未来用车与保养计划。"
INTERVIEW_DUE_DAYS = 14

# The store's manager: the lowest id among its active store managers (or NULL).
_INTERVIEW_SQL = (
    "INSERT INTO tasks_task (store_id, customer_id, vehicle_id, assignee_id, kind, title, script, due_at, status, outcome, "
    "notes, source_key, created_at) "
    "SELECT c.store_id, c.id, NULL, "
    "(SELECT MIN(u.id) FROM accounts_user u JOIN accounts_user_stores us ON us.user_id = u.id "
    "WHERE us.store_id = c.store_id AND u.role = 'store_manager' AND u.is_active = %s), "
    "'interview', %s, %s, %s, 'open', '', '', 'interview:' || CAST(c.id AS TEXT) || ':' || %s, %s "
    "FROM customers_customer c WHERE c.erased_at IS NULL AND (c.member_tier IN (%s, %s) OR EXISTS ("
    "SELECT 1 FROM followups_winback w WHERE w.customer_id = c.id AND w.flagged_on >= %s AND w.flagged_on < %s)) "
    "ON CONFLICT DO NOTHING"
)


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def previous_quarter_start(day: dt.date) -> dt.date:
    return quarter_start(quarter_start(day) - dt.timedelta(days=1))


def quarter_label(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


@transaction.atomic
def interview_tasks_plan(*, day: dt.date) -> dict:
    """Create this quarter's interview tasks; outside the first week of a quarter, do nothing."""
    start = quarter_start(day)
    if (day - start).days >= FIRST_WEEK_DAYS:
        return {"tasks": 0}
    label = quarter_label(day)
    due_at = dt.datetime.combine(start + dt.timedelta(days=INTERVIEW_DUE_DAYS), dt.time(CALL_HOUR), tzinfo=LOCAL)
    params = [
        True,
        f"季度深度访谈（{label}）",
        INTERVIEW_SCRIPT,
        _adapt(due_at),
        label,
        _adapt(timezone.now()),
        *HIGH_VALUE_TIERS,
        previous_quarter_start(day),
        start,
    ]
    return {"tasks": _execute(_INTERVIEW_SQL, params)}
