"""Load test of the production profile (issue 11): gunicorn + Celery on PostgreSQL/Redis, driven by
locust on loopback with the staff scenario of bench/locustfile.py. Target: 0 errors, p99 < 100 ms at
16 concurrent users. Needs a database seeded with `seed_demo --customers 1000000` and `runjobs
--once` (call tasks), and locust in its own venv (bench/README.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pitstop_load .venv/bin/python bench/load_test.py --users 16 --duration 60s

Prints a Markdown table (stdout): per request kind, requests, failures, req/s, p50/p95/p99 (ms).
"""

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import signal
import subprocess  # nosec B404 - starts the app's own servers and locust
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pitstop.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from accounts.models import ApiToken, User  # noqa: E402
from customers.models import Customer  # noqa: E402
from vehicles.models import Vehicle  # noqa: E402


def samples(count: int) -> dict:
    advisor = User.objects.get(username="advisor_a")
    store_id = advisor.default_store_id()
    top = Customer.objects.filter(store_id=store_id).order_by("-id").values_list("id", flat=True).first()
    ids = random.Random(7).sample(range(1, top), count * 3)
    vehicles = {
        v["owner_id"]: v
        for v in Vehicle.objects.filter(owner_id__in=ids, store_id=store_id).values("owner_id", "id", "plate", "vin")
    }
    customers = []
    for c in Customer.objects.filter(id__in=list(vehicles)).values("id", "mobile", "name_pinyin")[:count]:
        v = vehicles[c["id"]]
        typed = f"{v['plate'][0]}{v['plate'][1].lower()}·{v['plate'][2:]}"
        customers.append({"id": c["id"], "last4": c["mobile"][-4:], "pinyin": c["name_pinyin"], "plate_typed": typed,
                          "vin6": v["vin"][-6:], "vehicle_id": v["id"]})  # fmt: skip
    browser = Client()
    browser.force_login(advisor)
    return {
        "customers": customers,
        "token": ApiToken.issue(advisor),
        "agent_token": ApiToken.issue(User.objects.get(username="agent_a")),
        "session": browser.cookies["sessionid"].value,
    }


def start(env: dict, logs: Path) -> list[subprocess.Popen]:
    out = open(logs / "profile.log", "wb")  # noqa: SIM115 - lives as long as the servers
    gunicorn = [str(ROOT / ".venv/bin/gunicorn"), "-c", "scripts/gunicorn.conf.py", "pitstop.wsgi"]
    worker = [sys.executable, "scripts/run_celery.py", "worker", "--concurrency", "1", "--without-mingle", "--without-gossip"]
    return [
        subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        for cmd in (gunicorn, worker)
    ]  # noqa: S603


def wait_healthy(base: str) -> None:
    for _ in range(150):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # nosec B310 - loopback
                if json.loads(response.read())["status"] == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("the production profile did not become healthy")


def warm_up(base: str, sample: dict, rounds: int = 40) -> None:
    """Every worker serves each kind of request a few times before the measured run, as in
    production, where workers live for thousands of requests (first requests load code and
    templates and open the database connection: up to 2 s each on this machine)."""
    api = {"Authorization": f"Bearer {sample['token']}"}
    day = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    customer = sample["customers"][0]
    paths = [
        ("/api/ping", api),
        (f"/api/customers?q={customer['last4']}", api),
        (f"/customers/{customer['id']}/", {"Cookie": f"sessionid={sample['session']}"}),
        ("/api/tasks?assignee=me&limit=20", {"Authorization": f"Bearer {sample['agent_token']}"}),
        (f"/api/appointments/slots?date={day}&service_type=maintenance", api),
    ]

    def fetch(_round: int) -> None:
        for path, headers in paths:
            request = urllib.request.Request(base + path, headers=headers)  # noqa: S310
            with urllib.request.urlopen(request, timeout=30) as response:  # nosec B310 - loopback
                response.read()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(fetch, range(rounds)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--think", default="1,3", help="seconds between a user's requests: min,max (stress: 0.05,0.2)")
    parser.add_argument("--duration", default="60s")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--locust", default="/tmp/locustenv/bin/locust")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pitstop-load-"))
    (work / "samples.json").write_text(json.dumps(samples(args.samples), ensure_ascii=False), encoding="utf-8")
    base = f"http://127.0.0.1:{args.port}"
    env = {**os.environ, "DEBUG": "0", "GUNICORN_BIND": f"127.0.0.1:{args.port}", "GUNICORN_WORKERS": str(args.workers),
           "LOG_LEVEL": "WARNING", "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")}  # fmt: skip
    processes = start(env, work)
    try:
        wait_healthy(base)
        warm_up(base, json.loads((work / "samples.json").read_text(encoding="utf-8")))
        load1 = os.getloadavg()[0]
        command = [args.locust, "-f", str(ROOT / "bench/locustfile.py"), "--headless", "-u", str(args.users), "-r", str(args.users),
                   "-t", args.duration, "--host", base, "--csv", str(work / "run"), "--only-summary"]  # fmt: skip
        subprocess.run(
            command,
            env={**os.environ, "LOAD_SAMPLES": str(work / "samples.json"), "LOAD_THINK": args.think},
            check=False,
            cwd=work,
        )  # noqa: S603
        report(work / "run_stats.csv", args, load1)
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    print(f"\nfiles: {work}", file=sys.stderr)


def report(path: Path, args, load1: float) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    print(f"\n{time.strftime('%Y-%m-%d %H:%M %Z')}, {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"gunicorn {args.workers} sync workers, {args.users} users, think time {args.think} s, {args.duration}, load average before the run {load1:.2f}\n")  # fmt: skip
    print("| request | requests | failures | req/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} | "
              f"{row['50%']} | {row['95%']} | {row['99%']} |")  # fmt: skip


if __name__ == "__main__":
    main()
