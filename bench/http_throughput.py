"""HTTP throughput and tail latency of the API under gunicorn, measured with wrk, in one run.

Starts `gunicorn pitstop.wsgi -w 2` (sync workers, DEBUG off) on 127.0.0.1 against the database
named by DATABASE_URL, gets a bearer token for `advisor_a`, then for each connection count
(default 4 and 32) runs --repeat rounds of wrk (-t2, --duration) on, in this order:

  ping    GET /api/ping                      bare endpoint through the same stack, no auth
  pk      GET /api/customers/{id}            primary-key lookup, Bearer token
  search  GET /api/customers?q=<plate>       plate typed as 粤a·12345, Bearer token

pk and search rotate over --samples ids / plates drawn at random from advisor_a's store
(written to a Lua table that bench/rotate.lua cycles through), so no single row stays hot.
Prints, as Markdown, the median req/s, p50/p99 and gunicorn CPU ms per request over the rounds,
and the ratios search/pk and search/ping; then stops gunicorn. Run it on an idle machine.

    DATABASE_URL=sqlite:////tmp/pitstop1m.sqlite3 .venv/bin/python bench/http_throughput.py
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "rotate.lua"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pitstop.settings")

TARGET_P99_MS = 10.0  # at 4 concurrent clients
TARGET_SEARCH_VS_PK = 0.75
USERNAME, PASSWORD = "advisor_a", "pitstop-demo"


def sample_paths(n: int, seed: int) -> dict[str, list[str]]:
    """Paths for each endpoint: n random customers of advisor_a's store and one plate each."""
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Max, Min

    from accounts.models import User
    from vehicles.models import Vehicle

    rng = random.Random(seed)
    stores = User.objects.get(username=USERNAME).accessible_store_ids()
    scope = Vehicle.objects.filter(store_id__in=stores).exclude(plate="")
    bounds = scope.aggregate(lo=Min("id"), hi=Max("id"))
    rows: dict[int, tuple[int, str]] = {}
    while len(rows) < n:
        ids = [rng.randint(bounds["lo"], bounds["hi"]) for _ in range(n)]
        rows.update((v, (o, p)) for v, o, p in scope.filter(id__in=ids).values_list("id", "owner_id", "plate"))
    chosen = list(rows.values())[:n]
    connection.close()
    typed = [f"{plate[:2]}·{plate[2:]}".lower() for _, plate in chosen]  # 粤A12345 → 粤a·12345
    return {
        "ping": ["/api/ping"],
        "pk": [f"/api/customers/{owner}" for owner, _ in chosen],
        "search": [f"/api/customers?q={quote(q)}" for q in typed],
    }


def write_lua_table(paths: list[str], directory: Path, name: str) -> Path:
    target = directory / f"{name}.lua"
    target.write_text("return {\n" + "".join(f"  {json.dumps(p)},\n" for p in paths) + "}\n")
    return target


def http(base: str, path: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(base + path, data=data, headers=headers), timeout=10) as resp:
        return resp.status, json.loads(resp.read())


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DEBUG": "0"}
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "pitstop.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            if http(f"http://127.0.0.1:{port}", "/api/ping")[0] == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"gunicorn did not answer on port {port}")


def workers_cpu_seconds(master_pid: int) -> float:
    """user+system CPU time of gunicorn's workers so far: a cost per request that other load on
    the machine does not distort (req/s does). PostgreSQL's own backends are not included."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def run_wrk(url: str, lua_paths: Path, token: str | None, connections: int, duration: str, server_pid: int) -> dict[str, float]:
    env = {**os.environ, "BENCH_PATHS": str(lua_paths), "BENCH_TOKEN": token or ""}
    cmd = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}", "-s", str(LUA), url]
    cpu_before = workers_cpu_seconds(server_pid)
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    cpu = workers_cpu_seconds(server_pid) - cpu_before
    match = re.search(r"^RESULT (.*)$", out, re.M)
    if not match:
        raise SystemExit(f"no RESULT line from wrk:\n{out}")
    r = {k: float(v) for k, v in (kv.split("=") for kv in match.group(1).split())}
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["cpu_ms"] = cpu * 1000 / max(r["requests"], 1)
    return r


def summarise(runs: list[dict[str, float]]) -> dict[str, float]:
    """Median over the repeats (other load on a shared machine comes in bursts), worst max, summed errors."""
    out = {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50_us", "p99_us", "cpu_ms")}
    out.update(rps_min=min(r["rps"] for r in runs), rps_max=max(r["rps"] for r in runs), max_us=max(r["max_us"] for r in runs))
    out.update(errors=sum(r["non2xx"] + r["socket_errors"] for r in runs))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", default="8s", help="wrk -d per measurement")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of ping → pk → search per connection count")
    parser.add_argument("--warmup", default="2s", help="wrk -d of the untimed warm-up per endpoint")
    parser.add_argument("--connections", type=int, nargs="+", default=[4, 32])
    parser.add_argument("--samples", type=int, default=1000, help="distinct ids / plates to rotate over")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    load_before = os.getloadavg()
    paths = sample_paths(args.samples, args.seed)
    base = f"http://127.0.0.1:{args.port}"
    server = start_gunicorn(args.port, args.workers)
    runs: dict[tuple[str, int], list[dict[str, float]]] = {}
    try:
        token = http(base, "/api/auth/token", body={"username": USERNAME, "password": PASSWORD})[1]["token"]
        with tempfile.TemporaryDirectory(prefix="pitstop-wrk-") as tmp:
            tables = {name: write_lua_table(p, Path(tmp), name) for name, p in paths.items()}
            auth = {"ping": None, "pk": token, "search": token}
            for name in tables:  # sanity check (each must answer 200 with a hit), then warm up
                status, body = http(base, paths[name][0], auth[name])
                assert status == 200 and (name != "search" or body["count"] >= 1), (name, status, body)
                run_wrk(base, tables[name], auth[name], 4, args.warmup, server.pid)
            for c in args.connections:
                for _ in range(args.repeat):  # interleaved, so a burst of other load hits every endpoint alike
                    for name in tables:
                        r = run_wrk(base, tables[name], auth[name], c, args.duration, server.pid)
                        runs.setdefault((name, c), []).append(r)
                        print(f"  {name:<6} c={c:<3} {r['rps']:6.0f} req/s  p99 {r['p99_us'] / 1000:6.2f} ms", file=sys.stderr)
    finally:
        server.terminate()
        server.wait(timeout=30)

    results = {key: summarise(rs) for key, rs in runs.items()}
    vendor = os.environ.get("DATABASE_URL", "sqlite (default)").split(":")[0]
    print(f"# HTTP throughput — {vendor}, gunicorn -w {args.workers} sync, wrk -t2 -d{args.duration}, median of {args.repeat}")
    print(f"load average before / after: {load_before} / {os.getloadavg()} on {os.cpu_count()} CPUs\n")
    print("| endpoint | conns | req/s | (min–max) | p50 ms | p99 ms | max ms | gunicorn CPU ms/req | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (name, c), r in results.items():
        print(
            f"| {name} | {c} | {r['rps']:,.0f} | {r['rps_min']:,.0f}–{r['rps_max']:,.0f} | {r['p50_us'] / 1000:.2f}"
            f" | {r['p99_us'] / 1000:.2f} | {r['max_us'] / 1000:.1f} | {r['cpu_ms']:.2f} | {r['errors']:.0f} |"
        )
    print(
        "\n| conns | search/pk req/s | search/ping req/s | search/pk by CPU per req | p99 < 10 ms (pk / search) | search ≥ 75 % of pk |"
    )
    print("|---:|---:|---:|---:|---|---|")
    for c in args.connections:
        # ratios per round (adjacent runs), then the median: fairer than a ratio of medians under bursty load
        vs_pk = statistics.median(s["rps"] / p["rps"] for s, p in zip(runs["search", c], runs["pk", c], strict=True))
        vs_ping = statistics.median(s["rps"] / p["rps"] for s, p in zip(runs["search", c], runs["ping", c], strict=True))
        pk, search = results["pk", c], results["search", c]
        by_cpu = pk["cpu_ms"] / search["cpu_ms"] if search["cpu_ms"] else float("nan")
        p99 = "/".join("yes" if r["p99_us"] / 1000 < TARGET_P99_MS else "NO" for r in (pk, search))
        print(f"| {c} | {vs_pk:.0%} | {vs_ping:.0%} | {by_cpu:.0%} | {p99} | {'yes' if vs_pk >= TARGET_SEARCH_VS_PK else 'NO'} |")


if __name__ == "__main__":
    main()
