"""Issue 5 bench: N concurrent booking attempts on one store-day (20 bays, 30 technicians) → how many
succeed, how many get 409, the throughput, and the number of double bookings (must be 0). Not a
test: run by hand on a migrated database of its own.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pitstop_appointments_bench .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/python -m appointments.bench [--attempts 200] [--threads 20] [--starts 5]

The attempts aim at --starts start times (10:00, 11:00, …) three days ahead, so each start is
fought over by attempts/starts bookers for its 20 bay+technician pairs. Markdown on stdout.
"""

import argparse
import datetime as dt
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pitstop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from appointments.availability import LOCAL  # noqa: E402
from appointments.models import HOLDING_STATUSES, Appointment, ServiceBay, ServiceType, TechnicianProfile  # noqa: E402
from appointments.services import appointment_book, appointment_templates_ensure  # noqa: E402
from core.errors import Conflict  # noqa: E402
from core.seed import ensure_demo_accounts, ensure_organisation  # noqa: E402
from customers.models import Customer  # noqa: E402
from customers.services import customer_create  # noqa: E402

OVERLAPS_SQL = """
SELECT COUNT(*) FROM appointments_appointment a JOIN appointments_appointment b
  ON a.id < b.id AND (a.bay_id = b.bay_id OR a.technician_id = b.technician_id)
 AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
WHERE a.status IN ({statuses}) AND b.status IN ({statuses})
"""


def workshop(store, group):
    for n in range(20):
        ServiceBay.objects.get_or_create(store=store, name=f"BENCH-{n:02d}", defaults={"kind": "general"})
    for n in range(30):
        user, created = User.objects.get_or_create(
            username=f"bench_tech_{n:02d}", defaults={"role": Role.TECHNICIAN, "dealer_group": group}
        )
        if created:
            user.stores.set([store])
        TechnicianProfile.objects.get_or_create(
            user=user, defaults={"store": store, "skills": ["bench"], "works_from": dt.time(8), "works_until": dt.time(18)}
        )
    service_type, _ = ServiceType.objects.get_or_create(
        store=store,
        code="bench60",
        defaults={"name": "压测保养", "labour_minutes": 60, "required_skill": "bench", "bay_kind": "general"},
    )
    ServiceBay.objects.filter(store=store, kind="general").exclude(name__startswith="BENCH-").update(is_active=False)
    return service_type


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()
    stores = ensure_organisation()
    users = ensure_demo_accounts(stores)
    store = stores["GZ01"]
    advisor = next(u for u in users if u.username == "advisor_a")
    service_type = workshop(store, store.group)
    appointment_templates_ensure()
    customer = Customer.objects.filter(store=store).first() or customer_create(
        user=advisor, name="压测客户", mobile="13800000000"
    )
    day = timezone.localdate() + dt.timedelta(days=3)
    Appointment.objects.filter(store=store, service_type=service_type).delete()
    starts = [dt.datetime.combine(day, dt.time(10 + n), tzinfo=LOCAL) for n in range(args.starts)]

    def attempt(index: int) -> str:
        try:
            appointment_book(user=advisor, customer=customer, service_type=service_type, starts_at=starts[index % len(starts)])
            return "201"
        except Conflict:
            return "409"
        finally:
            connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        outcomes = list(pool.map(attempt, range(args.attempts)))
    elapsed = time.perf_counter() - started
    statuses = ", ".join(f"'{status}'" for status in HOLDING_STATUSES)  # fixed constants of the model
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS_SQL.format(statuses=statuses))  # nosec B608
        overlaps = cursor.fetchone()[0]
    capacity = len(starts) * 20
    print(
        f"| {connection.vendor} | {args.attempts} | {args.threads} | {capacity} | {outcomes.count('201')} | {outcomes.count('409')} | "
        f"{overlaps} | {elapsed:.2f} s | {args.attempts / elapsed:.0f} |"
    )


if __name__ == "__main__":
    main()
