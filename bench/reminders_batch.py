"""Daily reminder batch at scale (DOMAIN §4 target: 1,000,000 vehicles in under 1 s, a re-run
inserting nothing). Not a test: run by hand on a seeded database.

    DATABASE_URL=... .venv/bin/python bench/reminders_batch.py [--days 7] [--start 2026-12-01]

For each day it times the full daily job (generate + dispatch) and then the same day again.
The days are ordinary days (no greeting holiday, which messages every consenting customer).
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pitstop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from reminders.services import reminders_run_day  # noqa: E402
from vehicles.models import Vehicle  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date.today() + dt.timedelta(days=1))
    args = parser.parse_args()
    print(f"database: {connection.vendor}, vehicles: {Vehicle.objects.count():,}")
    print("| day | first run (s) | generated | tasks | messages | re-run (s) | re-run inserted |")
    print("|---|---|---|---|---|---|---|")
    for offset in range(args.days):
        day = args.start + dt.timedelta(days=offset)
        started = time.perf_counter()
        first = reminders_run_day(day=day)
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = reminders_run_day(day=day)
        again_seconds = time.perf_counter() - started
        inserted_again = again.generated + again.tasks + again.messages
        print(
            f"| {day} | {first_seconds:.3f} | {first.generated:,} | {first.tasks:,} | {first.messages:,} | {again_seconds:.3f} | {inserted_again} |"
        )


if __name__ == "__main__":
    main()
