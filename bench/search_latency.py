"""In-process latency of customer search, one row per search kind and user.

Measures `customers.selectors.customer_search(user=..., q=...)` — the selector the API and the
staff UI call — with the database named by DATABASE_URL (run it against a seeded 1M database).
For each kind (mobile full, mobile last 4, plate typed lower-case with a separator, VIN full,
VIN last 6, Chinese name, full pinyin, initials) it takes --samples real customers from the
user's own stores, runs every query once to warm up, then --rounds times timed, and prints
p50/p95/p99 in milliseconds as a Markdown table (plus the SQL queries one search costs and the
median number of customers found). Users: `advisor_a` (one store) and `admin` (the whole group).

    DATABASE_URL=sqlite:////tmp/pitstop1m.sqlite3 .venv/bin/python bench/search_latency.py
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pitstop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Max, Min  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from customers.models import Customer  # noqa: E402
from customers.selectors import customer_search  # noqa: E402
from customers.validators import national_digits  # noqa: E402

USERS = ("advisor_a", "admin")


def _plate_as_typed(plate: str) -> str:
    """粤A12345 → 粤a·12345: lower case with a separator, the way staff type it."""
    return f"{plate[:2]}·{plate[2:]}".lower()


# kind → how to turn a sampled customer (and its first vehicle) into a search box entry
KINDS: dict[str, Callable[[Customer], str]] = {
    "mobile full": lambda c: national_digits(c.mobile),
    "mobile last 4": lambda c: c.mobile[-4:],
    "plate 粤a·12345": lambda c: _plate_as_typed(c.vehicles.all()[0].plate),
    "VIN full": lambda c: c.vehicles.all()[0].vin,
    "VIN last 6": lambda c: c.vehicles.all()[0].vin[-6:],
    "Chinese name": lambda c: c.name,
    "full pinyin": lambda c: c.name_pinyin,
    "initials": lambda c: c.name_initials,
}


def sample_customers(user: User, n: int, rng: random.Random) -> list[Customer]:
    """n random customers of the user's stores that own a plated vehicle (random ids: no ORDER BY RANDOM())."""
    scope = Customer.objects.filter(store_id__in=user.accessible_store_ids())
    bounds = scope.aggregate(lo=Min("id"), hi=Max("id"))
    picked: list[Customer] = []
    while len(picked) < n:
        ids = [rng.randint(bounds["lo"], bounds["hi"]) for _ in range(n * 2)]
        rows = scope.filter(id__in=ids).prefetch_related("vehicles")
        picked += [c for c in rows if c.vehicles.all() and c.vehicles.all()[0].plate]
    return picked[:n]


def percentile(sorted_ms: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    k = max(0, min(len(sorted_ms) - 1, round(p / 100 * len(sorted_ms) + 0.5) - 1))
    return sorted_ms[k]


def measure(user: User, queries: list[str], rounds: int) -> dict[str, float]:
    for q in queries:  # warm-up: page cache, statement cache, pinyin/phonenumbers imports
        customer_search(user=user, q=q)
    with CaptureQueriesContext(connection) as ctx:
        customer_search(user=user, q=queries[0])
    timings: list[float] = []
    found: list[int] = []
    for _ in range(rounds):
        for q in queries:
            start = time.perf_counter()
            result = customer_search(user=user, q=q)
            timings.append((time.perf_counter() - start) * 1000)
            found.append(len(result))
    timings.sort()
    return {
        "n": len(timings),
        "p50": percentile(timings, 50),
        "p95": percentile(timings, 95),
        "p99": percentile(timings, 99),
        "max": timings[-1],
        "sql": len(ctx.captured_queries),
        "found": statistics.median(found),
        "misses": sum(1 for f in found if f == 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200, help="distinct customers per kind and user")
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over the samples")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    total = Customer.objects.count()
    print(f"# customer_search latency — {connection.vendor}, {total:,} customers, {args.samples} samples × {args.rounds} rounds")
    print(f"load average at the start (1/5/15 min): {os.getloadavg()}\n")
    print("| user | kind | example | p50 ms | p95 ms | p99 ms | max ms | SQL/search | found (median) | misses |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for username in USERS:
        user = User.objects.get(username=username)
        customers = sample_customers(user, args.samples, rng)
        for kind, make_query in KINDS.items():
            queries = [make_query(c) for c in customers]
            r = measure(user, queries, args.rounds)
            print(
                f"| {username} | {kind} | `{queries[0]}` | {r['p50']:.2f} | {r['p95']:.2f} | {r['p99']:.2f} | {r['max']:.1f}"
                f" | {r['sql']} | {r['found']:g} | {r['misses']} |",
                flush=True,
            )
    print(f"\nload average at the end (1/5/15 min): {os.getloadavg()} on {os.cpu_count()} CPUs — other work skews the tail")


if __name__ == "__main__":
    main()
