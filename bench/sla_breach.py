"""What is about to breach, among 1,000,000 open and closed complaints (issue target: < 50 ms). Not a
test: run by hand on a migrated database of its own.

    DATABASE_URL=... .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/python bench/sla_breach.py [--rows 1000000] [--rounds 50] [--within-minutes 120]

Tops the complaint table up to --rows with COPY / executemany (core.db.bulk_insert, as core/seed.py
does): half closed (no earliest deadline), half open with deadlines spread over the next 30 days and
0.1 % already overdue. Then ANALYZE, and timings of the indexed queries: every item about to breach
(the whole answer, as the escalation job and a manager's overview read it), the first page of one
store's list, and the job's two candidate queries. Markdown on stdout, progress on stderr.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pitstop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from complaints.models import Complaint  # noqa: E402
from complaints.services.escalation import BATCH  # noqa: E402
from core.db import analyze, bulk_insert, is_postgres, next_id, reset_sequences  # noqa: E402
from core.seed import ensure_organisation, seed_customers  # noqa: E402
from customers.models import Customer  # noqa: E402
from sla.models import SlaState  # noqa: E402
from sla.selectors import due_soon  # noqa: E402
from sla.services import due_candidates, warning_candidates  # noqa: E402

CHUNK = 50_000
OPEN_SHARE = 0.5
OVERDUE_SHARE = 0.001
HORIZON = dt.timedelta(days=30)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Rows:
    """Complaint rows as the raw insert wants them: every concrete column, datetimes adapted per backend."""

    def __init__(self, store_ids: list[int], customers: dict[int, list[int]], now: dt.datetime, seed: int = 7):
        self.random = random.Random(seed).random  # repeatable bench data, not security  # nosec B311
        self.store_ids, self.customers, self.now = store_ids, customers, now
        self.sqlite = not is_postgres()
        self.columns = [f.column for f in Complaint._meta.concrete_fields]

    def at(self, value: dt.datetime | None):
        if value is None or not self.sqlite:
            return value
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")

    def row(self, pk: int) -> tuple:
        store_id = self.store_ids[pk % len(self.store_ids)]
        customers = self.customers[store_id]
        is_open = self.random() < OPEN_SHARE
        if is_open:
            deadline = (
                self.now - dt.timedelta(hours=1)
                if self.random() < OVERDUE_SHARE / OPEN_SHARE
                else self.now + HORIZON * self.random()
            )
            opened = deadline - dt.timedelta(hours=24)
        else:
            opened = self.now - dt.timedelta(days=1 + 700 * self.random())
        values = self._values(pk, store_id, customers[pk % len(customers)], opened, deadline if is_open else None)
        return tuple(values[column] for column in self.columns)

    def _values(self, pk: int, store_id: int, customer_id: int, opened: dt.datetime, deadline: dt.datetime | None) -> dict:
        hours = dt.timedelta(hours=1)
        closed = None if deadline else opened + 30 * hours
        return {
            "id": pk,
            "store_id": store_id,
            "customer_id": customer_id,
            "vehicle_id": None,
            "advisor_id": None,
            "owner_id": None,
            "opened_by_id": None,
            "source": "staff",
            "source_key": "",
            "channel": "phone",
            "category": "repair",
            "title": "保养后异响",
            "description": "压测数据",
            "is_safety": False,
            "is_media": False,
            "is_legal": False,
            "is_vip": False,
            "status": "open" if deadline else "closed",
            "tier": "L1",
            "tier_since": self.at(opened),
            "tier_due_at": self.at(opened + 24 * hours),
            "tier_breached_at": None,
            "opened_at": self.at(opened),
            "respond_due_at": self.at(opened + 24 * hours),
            "responded_at": None if deadline else self.at(opened + 2 * hours),
            "respond_breached_at": None,
            "close_due_at": self.at(opened + 48 * hours),
            "closed_at": self.at(closed),
            "close_breached_at": None,
            "team_formed_at": None,
            "joint_due_at": None,
            "joint_solution_at": None,
            "joint_breached_at": None,
            "solution": "",
            "root_cause": "",
            "cause": "" if deadline else "workmanship",
            "confirmation": "" if deadline else "confirmed",
            "confirmation_note": "",
            "earliest_deadline_at": self.at(deadline),
            "sla_warn_at": self.at(deadline - 2 * hours) if deadline else None,
            "sla_state": SlaState.RUNNING if deadline else SlaState.STOPPED,
            "sla_paused_at": None,
            "sla_paused_seconds": 0,
        }


def prepare(rows: int) -> tuple[list[int], dict[int, list[int]]]:
    """A store pair and some customers to hang the complaints on (the demo organisation)."""
    stores = ensure_organisation()
    store_ids = sorted(store.id for store in stores.values())
    if Customer.objects.filter(store_id__in=store_ids).count() < 2_000:
        log("seeding 2,000 customers …")
        seed_customers(stores, 2_000)
    customers = {
        s: list(Customer.objects.filter(store_id=s).order_by("id").values_list("id", flat=True)[:10_000]) for s in store_ids
    }
    return store_ids, customers


def top_up(rows: int, store_ids: list[int], customers: dict[int, list[int]], now: dt.datetime) -> int:
    missing = rows - Complaint.objects.count()
    if missing <= 0:
        return 0
    first, factory, table = next_id(Complaint), Rows(store_ids, customers, now), Complaint._meta.db_table
    started = time.perf_counter()
    for start in range(first, first + missing, CHUNK):
        with transaction.atomic():
            bulk_insert(table, factory.columns, (factory.row(pk) for pk in range(start, min(start + CHUNK, first + missing))))
        log(f"  {min(start - first + CHUNK, missing):,} / {missing:,} inserted ({time.perf_counter() - started:.0f} s)")
    reset_sequences(Complaint)
    log("ANALYZE …")
    analyze()
    return missing


def timed(label: str, queryset, rounds: int) -> str:
    """Each round evaluates a fresh copy of the query (a QuerySet caches its rows)."""
    samples, found = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        found = len(list(queryset.all()))
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return f"| {label} | {found:,} | {statistics.median(samples):.2f} | {p95:.2f} | {samples[-1]:.2f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--within-minutes", type=int, default=120, help="the warning horizon (complaints: 2 h)")
    args = parser.parse_args()
    now = timezone.now()
    store_ids, customers = prepare(args.rows)
    started = time.perf_counter()
    inserted = top_up(args.rows, store_ids, customers, now)
    load_seconds = time.perf_counter() - started
    within = dt.timedelta(minutes=args.within_minutes)
    complaints = Complaint.objects.all()
    total, open_count = complaints.count(), complaints.filter(earliest_deadline_at__isnull=False).count()
    soon = due_soon(complaints, now=now, within=within).values_list("pk", flat=True)
    store_page = due_soon(complaints.filter(store_id__in=store_ids[:1]), now=now, within=within).values_list("pk", flat=True)[
        :100
    ]
    job_due = due_candidates(Complaint, now=now)[:BATCH]
    job_warn = warning_candidates(Complaint, now=now)[:BATCH]
    print(
        f"database: {connection.vendor}, complaints: {total:,} ({open_count:,} open), inserted now: {inserted:,} in {load_seconds:.1f} s"
    )
    print(f"\nplan of the about-to-breach query:\n\n```\n{soon.explain()}\n```\n")
    print(f"| query (within {args.within_minutes} min, {args.rounds} rounds) | rows | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    print(timed("all items about to breach (incl. overdue)", soon, args.rounds))
    print(timed("one store, first page of 100", store_page, args.rounds))
    print(timed(f"job: overdue candidates (≤ {BATCH})", job_due, args.rounds))
    print(timed(f"job: warning candidates (≤ {BATCH})", job_warn, args.rounds))


if __name__ == "__main__":
    main()
