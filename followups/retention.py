"""Retention (DOMAIN §8), nightly and set-based, safe to run again for the same day.

Definitions (configurable per store):
- missed service: the vehicle's stored `service_due_on` is more than `retention.grace_days` in the
  past and no visit moved it (a visit starts a new cycle and recomputes the due date);
- lost: no visit for more than `retention.lost_months` months past the due service
  (`service_due_on` older than that many months);
- churn risk: two consecutive missed services — the current cycle is missed and so was the previous
  one (the customer came only after its grace period), i.e. MissedService rows for cycles c and c−1
  where c is the vehicle's current `service_cycle`.
Each flag puts the vehicle on the win-back list once per cycle and reason, with one call task per
vehicle and cycle (source_key "win_back:<vehicle>:<cycle>").

Each night looks only at due dates that crossed a cutoff in the last `retention.catch_up_days`
(an index range, not every overdue vehicle of the archive); a store's first run, with nothing
marked yet, looks at all of them.
"""

import calendar
import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Store
from core.policies import policy_value
from followups.models import MissedService

LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)
CALL_HOUR = 10


def months_before(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def retention_run_day(*, day: dt.date) -> dict:
    totals = {"missed": 0, "win_backs": 0, "tasks": 0}
    for store in Store.objects.order_by("pk"):
        for key, count in _store_run(store, day).items():
            totals[key] += count
    return totals


_MISSED_SQL = (
    "INSERT INTO followups_missedservice (store_id, vehicle_id, customer_id, cycle, due_on, detected_on) "
    "SELECT v.store_id, v.id, v.owner_id, v.service_cycle, v.service_due_on, %s FROM vehicles_vehicle v "
    "WHERE v.service_due_on >= %s AND v.service_due_on < %s AND v.store_id = %s AND v.is_active = %s "
    "ON CONFLICT DO NOTHING"
)
_LOST_SQL = (
    "INSERT INTO followups_winback (store_id, vehicle_id, customer_id, reason, cycle, flagged_on) "
    "SELECT v.store_id, v.id, v.owner_id, 'lost', v.service_cycle, %s FROM vehicles_vehicle v "
    "WHERE v.service_due_on >= %s AND v.service_due_on < %s AND v.store_id = %s AND v.is_active = %s "
    "ON CONFLICT DO NOTHING"
)
_CHURN_RISK_SQL = (
    "INSERT INTO followups_winback (store_id, vehicle_id, customer_id, reason, cycle, flagged_on) "
    "SELECT v.store_id, v.id, v.owner_id, 'churn_risk', v.service_cycle, %s FROM followups_missedservice m "
    "JOIN vehicles_vehicle v ON v.id = m.vehicle_id AND v.service_cycle = m.cycle "
    "WHERE m.store_id = %s AND m.detected_on = %s AND v.is_active = %s "
    "AND EXISTS (SELECT 1 FROM followups_missedservice p WHERE p.vehicle_id = v.id AND p.cycle + 1 = v.service_cycle) "
    "ON CONFLICT DO NOTHING"
)
# One call per vehicle and cycle, for the vehicle's advisor (special offer, DOMAIN §8).
_TASKS_SQL = (
    "INSERT INTO tasks_task (store_id, customer_id, vehicle_id, assignee_id, kind, title, script, due_at, status, outcome, "
    "notes, source_key, created_at) "
    "SELECT w.store_id, w.customer_id, w.vehicle_id, MAX(v.service_advisor_id), 'win_back', '客户挽回：' || MAX(v.plate), %s, %s, "
    "'open', '', '', 'win_back:' || CAST(w.vehicle_id AS TEXT) || ':' || CAST(w.cycle AS TEXT), %s "
    "FROM followups_winback w JOIN vehicles_vehicle v ON v.id = w.vehicle_id WHERE w.store_id = %s AND w.flagged_on = %s "
    "GROUP BY w.store_id, w.customer_id, w.vehicle_id, w.cycle ON CONFLICT DO NOTHING"
)
WIN_BACK_SCRIPT = "了解客户未回店保养的原因，介绍回店优惠，邀请预约保养。"


@transaction.atomic
def _store_run(store: Store, day: dt.date) -> dict:
    grace_cutoff = day - dt.timedelta(days=policy_value(store.pk, "retention.grace_days"))
    lost_cutoff = months_before(day, policy_value(store.pk, "retention.lost_months"))
    catch_up = dt.timedelta(days=policy_value(store.pk, "retention.catch_up_days"))
    first_run = not MissedService.objects.filter(store=store).exists()
    since = dt.date.min if first_run else grace_cutoff - catch_up
    lost_since = dt.date.min if first_run else lost_cutoff - catch_up
    missed = _execute(_MISSED_SQL, [day, since, grace_cutoff, store.pk, True])
    lost = _execute(_LOST_SQL, [day, lost_since, lost_cutoff, store.pk, True])
    win_backs = lost + _execute(_CHURN_RISK_SQL, [day, store.pk, day, True])
    due_at = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(CALL_HOUR), tzinfo=LOCAL)
    params = [WIN_BACK_SCRIPT, _adapt(due_at), _adapt(timezone.now()), store.pk, day]
    return {"missed": missed, "win_backs": win_backs, "tasks": _execute(_TASKS_SQL, params)}


def _adapt(value: dt.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _execute(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)
