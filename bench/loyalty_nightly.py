"""The loyalty nightly job at scale: N customers with spend records and points lots, then
`loyalty_nightly(day)` (FIFO expiry + tier recalculation, set-based) twice — the rerun shows it
is idempotent and what a night with nothing to change costs.

Run on a scratch database (it migrates it and loads its own rows once, store code LBENCH):
    DATABASE_URL=sqlite:////tmp/loyalty-bench.sqlite3 .venv/bin/python bench/loyalty_nightly.py 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pitstop_loyalty_bench .venv/bin/python bench/loyalty_nightly.py 1000000
"""

import datetime as dt
import os
import random
import sys
import time

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pitstop.settings")
import django

django.setup()
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import DealerGroup, Store
from core.db import analyze, bulk_insert, next_id, reset_sequences
from customers.models import Customer
from loyalty.models import PointsEntry, PointsLot, SpendRecord
from loyalty.services import loyalty_nightly

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
EXPIRING_SHARE = 0.05  # lots due tonight
PURCHASE_SHARE = 0.2


def model_rows(model, overrides: dict, count: int, first_id: int):
    """Rows of every concrete column of a model: its defaults, the overrides (callables take the index)."""
    fields = [f for f in model._meta.concrete_fields]
    columns = [f.column for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}

    def row(i):
        values = {**defaults, "id": first_id + i}
        for name, value in overrides.items():
            values[name] = value(i) if callable(value) else value
        return [_db(values[f.attname], f) for f in fields]

    return columns, (row(i) for i in range(count))


def _db(value, field):
    if isinstance(value, list | dict):
        return field.get_db_prep_value(value, connection)
    return value


def load(store: Store) -> None:
    now, today, rnd = timezone.now(), timezone.localdate(), random.Random(7)
    first = next_id(Customer)
    columns, rows = model_rows(
        Customer,
        {
            "store_id": store.pk,
            "name": lambda i: f"压测{i}",
            "mobile": lambda i: f"+86139{i:08d}",
            "created_at": now,
            "updated_at": now,
        },
        N,
        first,
    )
    started = time.perf_counter()
    bulk_insert(Customer._meta.db_table, columns, rows)
    spend_first, lot_first, entry_first = next_id(SpendRecord), next_id(PointsLot), next_id(PointsEntry)
    spends = []
    for i in range(N):
        spends.append((store.pk, first + i, "service", rnd.randint(300, 3000), now - dt.timedelta(days=rnd.randint(1, 360))))
        if rnd.random() < PURCHASE_SHARE:
            spends.append(
                (store.pk, first + i, "purchase", rnd.randint(90_000, 600_000), now - dt.timedelta(days=rnd.randint(1, 1000)))
            )
    bulk_insert(
        SpendRecord._meta.db_table,
        ["id", "store_id", "customer_id", "kind", "amount", "occurred_at", "source_key", "created_at"],
        ((spend_first + n, s, c, k, a, t, f"bench:{spend_first + n}", now) for n, (s, c, k, a, t) in enumerate(spends)),
    )
    expires = [today if rnd.random() < EXPIRING_SHARE else today + dt.timedelta(days=rnd.randint(1, 700)) for _ in range(N)]
    bulk_insert(
        PointsLot._meta.db_table,
        ["id", "store_id", "customer_id", "earned_at", "expires_on", "points", "remaining", "expired_points"],
        ((lot_first + i, store.pk, first + i, now, expires[i], 500, 500, 0) for i in range(N)),
    )
    bulk_insert(
        PointsEntry._meta.db_table,
        [
            "id",
            "store_id",
            "customer_id",
            "kind",
            "points",
            "reason",
            "source_key",
            "consumed",
            "lot_id",
            "created_by_id",
            "created_at",
        ],
        ((entry_first + i, store.pk, first + i, "manual", 500, "压测", None, "[]", lot_first + i, None, now) for i in range(N)),
    )
    reset_sequences(Customer, SpendRecord, PointsLot, PointsEntry)
    print(f"loaded {N:,} customers, {len(spends):,} spend records, {N:,} lots in {time.perf_counter() - started:.1f} s")


def reset(store: Store) -> None:
    """Back to the loaded state (nothing expired, every tier "none"), so each run measures the same night."""
    with transaction.atomic():
        PointsEntry.objects.filter(store=store, kind=PointsEntry.Kind.EXPIRE).delete()
        PointsLot.objects.filter(store=store, expired_points__gt=0).update(remaining=500, expired_points=0)
        Customer.objects.filter(store=store).exclude(member_tier="none").update(member_tier="none")


def vacuum_analyze() -> None:
    """Planner statistics, and on PostgreSQL the visibility map that index-only scans need: what
    autovacuum gives a production database, which a bulk load has not had time to get."""
    if connection.vendor != "postgresql":
        analyze()
        return
    with connection.cursor() as cursor:
        for model in (Customer, SpendRecord, PointsLot, PointsEntry):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def main() -> None:
    call_command("migrate", verbosity=0)
    group = DealerGroup.objects.get_or_create(name="压测集团")[0]
    store = Store.objects.get_or_create(code="LBENCH", defaults={"group": group, "name": "会员压测店"})[0]
    if not Customer.objects.filter(store=store).exists():
        with transaction.atomic():  # one transaction: SQLite would sync after every row otherwise
            load(store)
    else:
        reset(store)
    vacuum_analyze()
    engine = connection.vendor
    for label in ("first run", "rerun"):
        started = time.perf_counter()
        result = loyalty_nightly(timezone.localdate())
        print(f"{engine} {label}: {result} in {time.perf_counter() - started:.2f} s")
    tiers = dict(Customer.objects.filter(store=store).values_list("member_tier").annotate(n=django.db.models.Count("id")))
    print(f"tiers: {tiers}")


if __name__ == "__main__":
    main()
