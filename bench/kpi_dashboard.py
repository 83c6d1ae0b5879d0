"""KPI rollup and dashboard at 10 million events (issue target: any dashboard period < 200 ms server
time; the nightly rollup of one day < 5 s). Not a test: run by hand on a migrated database of its own.

    DATABASE_URL=... .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/python bench/kpi_dashboard.py [--events 10000000] [--days 365]

Tops the event tables up to --events with COPY / executemany (core.db.bulk_insert): 70 % completed
reminder calls (tasks_task, outcomes mixed), 30 % inbound contacts over every channel with their
response deadlines (complaints_contactrequest), spread evenly over the last --days days and two
stores, each handled by one of ten staff members. Then ANALYZE, the rollup of every day (timed per
day: the nightly job's unit of work), and the dashboard page and the API for day / week / month /
quarter / year, one store and the group, through Django's test client (server time: routing,
queries, template). Markdown on stdout, progress on stderr.
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
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from complaints.models import ContactRequest  # noqa: E402
from core.db import analyze, bulk_insert, is_postgres, next_id, reset_sequences  # noqa: E402
from core.seed import ensure_demo_accounts, ensure_organisation, seed_customers  # noqa: E402
from customers.models import Customer  # noqa: E402
from kpis.models import KpiDaily  # noqa: E402
from kpis.rollup import kpi_rollup_day  # noqa: E402
from tasks.models import Task  # noqa: E402

CHUNK = 100_000
OUTCOMES = ["booked", "call_back", "not_interested", "no_answer", "no_answer", "wrong_number", "done"]
CHANNELS = [("online", 15 * 60), ("wechat", 15 * 60), ("app", 15 * 60), ("phone", 30), ("walk_in", 180), ("social_media", 7200)]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Events:
    """Raw rows of the two event tables, datetimes adapted per backend."""

    def __init__(self, store_ids, customers, staff, days: int, seed: int = 11):
        self.random = random.Random(seed).random  # repeatable bench data, not security  # nosec B311
        self.store_ids, self.customers, self.staff = store_ids, customers, staff
        self.sqlite = not is_postgres()
        self.now, self.span = timezone.now(), dt.timedelta(days=days)

    def at(self, value):
        if value is None or not self.sqlite:
            return value
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")

    def _common(self, pk: int):
        store_id = self.store_ids[pk % len(self.store_ids)]
        customers = self.customers[store_id]
        when = self.now - self.span * self.random()
        return store_id, customers[pk % len(customers)], self.staff[store_id][pk % len(self.staff[store_id])], when

    def task(self, pk: int) -> tuple:
        store_id, customer_id, staff_id, when = self._common(pk)
        outcome = OUTCOMES[pk % len(OUTCOMES)]
        row = {
            "id": pk, "store_id": store_id, "customer_id": customer_id, "vehicle_id": None, "assignee_id": staff_id,
            "kind": "reminder_service", "title": "保养提醒", "script": "", "due_at": self.at(when - dt.timedelta(hours=2)),
            "status": "done", "outcome": outcome, "notes": "", "source_key": f"reminder:b{pk}",
            "created_at": self.at(when - dt.timedelta(days=1)), "completed_at": self.at(when), "completed_by_id": staff_id,
        }  # fmt: skip
        return tuple(row[c] for c in TASK_COLUMNS)

    def contact(self, pk: int) -> tuple:
        store_id, customer_id, staff_id, when = self._common(pk)
        channel, seconds = CHANNELS[pk % len(CHANNELS)]
        due = when + dt.timedelta(seconds=seconds)
        responded = when + dt.timedelta(seconds=seconds * (0.2 + 1.0 * self.random()))
        row = {
            "id": pk, "store_id": store_id, "customer_id": customer_id, "sender": "", "channel": channel, "summary": "咨询保养",
            "status": "closed", "owner_id": staff_id, "received_at": self.at(when), "respond_due_at": self.at(due),
            "responded_at": self.at(responded), "escalated_at": None, "closed_at": self.at(responded), "outcome": "已答复",
            "complaint_id": None, "created_by_id": staff_id, "earliest_deadline_at": None, "sla_warn_at": None,
            "sla_state": "stopped", "sla_paused_at": None, "sla_paused_seconds": 0,
        }  # fmt: skip
        return tuple(row[c] for c in CONTACT_COLUMNS)


TASK_COLUMNS = [f.column for f in Task._meta.concrete_fields]
CONTACT_COLUMNS = [f.column for f in ContactRequest._meta.concrete_fields]


def prepare():
    stores = ensure_organisation()
    users = ensure_demo_accounts(stores)
    store_ids = sorted(store.id for store in stores.values())
    if Customer.objects.filter(store_id__in=store_ids).count() < 20_000:
        log("seeding 20,000 customers …")
        seed_customers(stores, 20_000, staff=users)
    customers = {
        s: list(Customer.objects.filter(store_id=s).order_by("id").values_list("id", flat=True)[:10_000]) for s in store_ids
    }
    staff = {}
    for store in stores.values():
        team = [
            User.objects.get_or_create(username=f"bench_{store.code}_{i}", defaults={"role": Role.ADVISOR})[0] for i in range(10)
        ]
        for member in team:
            member.stores.add(store)
        staff[store.id] = [member.pk for member in team]
    return store_ids, customers, staff, users


def top_up(model, table, columns, make_row, want: int) -> None:
    have = model.objects.count()
    if have >= want:
        log(f"{table}: {have:,} rows already")
        return
    first = next_id(model)
    started = time.perf_counter()
    for start in range(first, first + want - have, CHUNK):
        stop = min(start + CHUNK, first + want - have)
        with transaction.atomic():
            bulk_insert(table, columns, (make_row(pk) for pk in range(start, stop)))
        log(f"{table}: {stop - first:,} / {want - have:,} ({time.perf_counter() - started:.0f} s)")
    reset_sequences(model)


def timed(function, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    store_ids, customers, staff, users = prepare()
    events = Events(store_ids, customers, staff, args.days)
    tasks_wanted = int(args.events * 0.7)
    top_up(Task, Task._meta.db_table, TASK_COLUMNS, events.task, tasks_wanted)
    top_up(ContactRequest, ContactRequest._meta.db_table, CONTACT_COLUMNS, events.contact, args.events - tasks_wanted)
    log("ANALYZE …")
    analyze()

    today = timezone.localdate()
    days = [today - dt.timedelta(days=n) for n in range(args.days, -1, -1)]
    log(f"rollup of {len(days)} days …")
    per_day = []
    for day in days:
        started = time.perf_counter()
        kpi_rollup_day(day=day)
        per_day.append(time.perf_counter() - started)
    analyze()

    setup_test_environment()  # the test client's host name is allowed
    admin = next(u for u in users if u.role == Role.GROUP_ADMIN)
    manager = next(u for u in users if u.role == Role.STORE_MANAGER)
    client = Client()
    client.force_login(admin)
    periods = {
        "day": {"period": "day"},
        "week": {"period": "week"},
        "month": {"period": "month"},
        "quarter": {"period": "quarter"},
        "year (custom 365 d)": {
            "period": "custom",
            "start": (today - dt.timedelta(days=364)).isoformat(),
            "end": today.isoformat(),
        },
    }
    vendor = connection.vendor
    total = Task.objects.count() + ContactRequest.objects.count()
    print(f"\n### KPI dashboard — {vendor}, {total:,} events, {KpiDaily.objects.count():,} daily rollup rows\n")
    print(
        f"Rollup of one day (all measures, both stores): median {statistics.median(per_day) * 1000:.0f} ms, max {max(per_day) * 1000:.0f} ms\n"
    )
    print("| view | period | p50 ms | p95 ms | max ms |")
    print("|---|---|---:|---:|---:|")
    for label, params in periods.items():
        for who, view_client, extra in [("group", client, {}), ("store", client, {"store": store_ids[0]})]:
            query = {**params, **extra}
            response = view_client.get("/kpis/", query)
            assert response.status_code == 200, (response.status_code, query)
            samples = sorted(timed(lambda q=query, c=view_client: c.get("/kpis/", q), args.rounds))
            print(
                f"| page /kpis/ ({who}) | {label} | {statistics.median(samples):.1f} | {samples[int(len(samples) * 0.95) - 1]:.1f} | {samples[-1]:.1f} |"
            )
    api = Client()
    api.force_login(manager)
    for label, params in periods.items():
        query = {"period": params["period"], "from": params.get("start"), "to": params.get("end")}
        query = {k: v for k, v in query.items() if v}
        assert api.get("/api/kpis", query).status_code == 200
        samples = sorted(timed(lambda q=query: api.get("/api/kpis", q), args.rounds))
        print(
            f"| GET /api/kpis (store manager) | {label} | {statistics.median(samples):.1f} | {samples[int(len(samples) * 0.95) - 1]:.1f} | {samples[-1]:.1f} |"
        )


if __name__ == "__main__":
    main()
