"""A bounded load test: N simulated signed-in users clicking through the views of a
dashboard served on this machine.

    python -m benchmarks.loadtest --database-url URL [--users 50] [--duration 60]
        [--max-requests 30000] [--start-gunicorn] [--port 8051] [--json out.json]

Each user signs in through /login (its own account, created or reset here with a random
password), then loops: pick a view (overview, caseload, region, unit, officer, case) and
filters, and send what a browser sends on that navigation: the page router callback,
then the filter bar callback (the section links are set in the browser). No think time:
this measures capacity. The report gives requests and whole navigations (all the requests
of one click, one after the other) per second with their percentiles.

The users are spread over --client-processes processes (threads within each): one Python
process holding 50 threads would queue the responses behind its own lock and time that
queue as server latency. The report gives the CPU time of the client, of the gunicorn
workers and of PostgreSQL's processes during the measured window: on a machine where all
three share the cores, server CPU per request is the figure that carries to another
machine.

Bounds: traffic goes only to 127.0.0.1 (any other host is refused); the run stops at
--duration seconds (at most 600) or --max-requests requests (at most 200,000), whichever
comes first; every request has a 30 s timeout. With --start-gunicorn the script starts
gunicorn -c gunicorn.conf.py on 127.0.0.1:PORT and stops it at the end, after reading
each worker's memory (VmRSS).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import resource
import secrets
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.serve import start_gunicorn, stop  # noqa: E402

MAX_DURATION = 600
MAX_REQUESTS = 200_000
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _users(engine, n: int, password: str, world) -> list[str]:
    """n accounts: half ministry, a quarter region heads, a quarter unit heads."""
    from dashboard import auth

    names = []
    for i in range(n):
        kind = i % 4
        if kind in (0, 1):
            spec = dict(role="ministry")
        elif kind == 2:
            spec = dict(role="region_head", region_code=world.regions[i % 3])
        else:
            spec = dict(role="unit_head", unit_id=world.bench_units[i % 3])
        name = f"load-{i:03d}"
        if auth.find_account(engine, name) is None:
            auth.create_user(engine, name, password=password, language="en", **spec)
        else:
            auth.set_password(engine, name, password)
        names.append((name, spec))
    return names


POPULAR = ("", "?period=month&to={until}", "?period=quarter&to={until}",
           "?period=year&to={last_year_end}")


def _paths(world, spec, rng: random.Random, popular: float = 0.0) -> tuple[str, str]:
    """A navigation a user of `spec` may make: (pathname, search). With probability
    `popular` the filters are one of the few everybody uses (the default view, this month,
    this quarter, last year), else random over 2015 to the data's last day."""
    if rng.random() < popular:
        search = rng.choice(POPULAR).format(
            until=world.data_until.isoformat(),
            last_year_end=f"{world.data_until.year - 1}-12-31")
    else:
        search = world.filters(national=True)
    view = rng.choice(["overview", "caseload", "region", "unit", "officer", "case"])
    role = spec["role"]
    if view == "overview":
        return "/", search
    if view == "caseload":
        return "/caseload", search
    if role == "unit_head":
        units = world.units[world.units.id == spec["unit_id"]]
    elif role == "region_head":
        units = world.units[world.units.region_code == spec["region_code"]]
    else:
        units = world.units
    unit = units.iloc[rng.randrange(len(units))]
    if view == "region":
        return f"/region/{unit.region_code}", search
    if view == "unit":
        return f"/unit/{int(unit.id)}", search
    frame = world.officers if view == "officer" else world.cases
    rows = frame[frame.unit_id == unit.id]
    if not len(rows):
        rows = frame[frame.unit_id.isin(world.bench_units)]
    return f"/{view}/{int(rows.id.iloc[rng.randrange(len(rows))])}", search


class Run:
    def __init__(self, base: str, deadline: float, max_requests: int) -> None:
        self.base = base
        self.deadline = deadline
        self.max_requests = max_requests
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.navigations: list[float] = []
        self.errors: dict[str, int] = {}
        self.sent = 0

    def take(self) -> bool:
        with self.lock:
            if self.sent >= self.max_requests or time.monotonic() >= self.deadline:
                return False
            self.sent += 1
            return True

    def record(self, ms: float, error: str | None) -> None:
        with self.lock:
            if error:
                self.errors[error] = self.errors.get(error, 0) + 1
            else:
                self.latencies.append(ms)


def _bodies(deps: list[dict], pathname: str, search: str) -> list[dict]:
    """What the browser posts on a navigation: the router, then callbacks on url.search."""
    out = []
    for dep in deps:
        if dep.get("clientside_function"):  # runs in the browser: no request
            continue
        ids = [i["id"] for i in dep["inputs"]]
        if "_pages_content.children" in dep["output"]:
            values = {"pathname": pathname, "search": search}
        elif set(ids) == {"url"} and dep["inputs"][0]["property"] == "search" and not dep.get(
                "prevent_initial_call"):
            values = {"search": search, "pathname": pathname}  # the filter bar
        else:
            continue
        output = dep["output"]
        if output.startswith(".."):
            outputs = [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True))
                       for p in output[2:-2].split("...")]
        else:
            outputs = dict(zip(("id", "property"), output.rsplit(".", 1), strict=True))
        out.append({"output": output, "outputs": outputs,
                    "inputs": [{**i, "value": values.get(i["property"])} for i in dep["inputs"]],
                    "state": [], "changedPropIds": [f"{ids[0]}.{dep['inputs'][0]['property']}"]})
    return out


def user_loop(run: Run, name: str, spec: dict, password: str, world, seed: int,
              popular: float) -> None:
    rng = random.Random(seed)
    http = requests.Session()
    http.headers["Origin"] = run.base
    try:
        token = CSRF.search(http.get(f"{run.base}/login", timeout=30).text).group(1)
        r = http.post(f"{run.base}/login", data={"csrf_token": token, "username": name,
                                                 "password": password},
                      allow_redirects=False, timeout=30)
        if r.status_code != 302:
            run.record(0, f"sign-in {r.status_code}")
            return
        http.get(f"{run.base}/", timeout=30)
        deps = http.get(f"{run.base}/_dash-dependencies", timeout=30).json()
    except requests.RequestException as exc:
        run.record(0, f"sign-in {exc.__class__.__name__}")
        return
    while True:
        pathname, search = _paths(world, spec, rng, popular)
        clicked = time.perf_counter()
        failed = False
        for body in _bodies(deps, pathname, search):
            if not run.take():
                return
            started = time.perf_counter()
            try:
                response = http.post(f"{run.base}/_dash-update-component", json=body,
                                     timeout=30)
                error = None if response.status_code in (200, 204) else \
                    f"HTTP {response.status_code}"
            except requests.RequestException as exc:
                error = exc.__class__.__name__
            run.record((time.perf_counter() - started) * 1000, error)
            failed = failed or error is not None
        if not failed:
            # A navigation: every request the browser sends for it, one after the other
            # (a browser sends them at once, so this is an upper bound of its wait).
            with run.lock:
                run.navigations.append((time.perf_counter() - clicked) * 1000)


def worker_memory(master_pid: int) -> list[dict]:
    """VmRSS of each child of the gunicorn master."""
    out = []
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    for pid in children.read_text().split() if children.exists() else []:
        status = Path(f"/proc/{pid}/status").read_text()
        rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
        out.append({"pid": int(pid), "rss_mb": round(rss / 1024, 1)})
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--base", default=None, help="a running server (127.0.0.1 only)")
    parser.add_argument("--start-gunicorn", action="store_true")
    parser.add_argument("--port", type=int, default=8051)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=30_000)
    parser.add_argument("--warmup", type=float, default=0,
                        help="seconds of traffic before measuring (not counted)")
    parser.add_argument("--json", default=None)
    parser.add_argument("--popular", type=float, default=0.0,
                        help="share of navigations with the common filters (0..1)")
    parser.add_argument("--client-processes", type=int, default=4,
                        help="processes the users are spread over (threads within each)")
    parser.add_argument("--app-dir", default=str(ROOT),
                        help="serve the app.py of this checkout (to compare versions)")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is required")
    duration = min(args.duration, MAX_DURATION)
    max_requests = min(args.max_requests, MAX_REQUESTS)

    from benchmarks.bench import build_world
    from dashboard.db import make_engine
    from queries.common import data_period

    engine = make_engine(args.database_url)
    with engine.connect() as conn:
        _, until = data_period(conn)
    world = build_world(engine, until)
    password = secrets.token_urlsafe(18)
    accounts = _users(engine, args.users, password, world)

    proc = None
    if args.start_gunicorn:
        proc = start_gunicorn(args.database_url, args.port, app_dir=Path(args.app_dir))
        base = f"http://127.0.0.1:{args.port}"
    else:
        base = args.base or f"http://127.0.0.1:{args.port}"
    if urlsplit(base).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the load test sends traffic to this machine only (127.0.0.1)")
    try:
        if args.warmup:
            drive(base, min(args.warmup, 120), max_requests, accounts, password, world,
                  seed=1, popular=args.popular, processes=args.client_processes)
        cpu_before = cpu_by_program()
        started = time.monotonic()
        run, client_cpu = drive(base, duration, max_requests, accounts, password, world,
                                seed=2, popular=args.popular,
                                processes=args.client_processes)
        elapsed = time.monotonic() - started
        cpu_after = cpu_by_program()
        memory = worker_memory(proc.pid) if proc else []
    finally:
        if proc:
            stop(proc)
    result = {
        "users": args.users, "seconds": round(elapsed, 1), "requests": len(run.latencies),
        "errors": sum(run.errors.values()), "error_kinds": run.errors,
        "throughput_rps": round(len(run.latencies) / elapsed, 1),
        "p50_ms": round(percentile(run.latencies, 50), 1),
        "p95_ms": round(percentile(run.latencies, 95), 1),
        "p99_ms": round(percentile(run.latencies, 99), 1),
        "max_ms": round(max(run.latencies, default=float("nan")), 1),
        "navigations": len(run.navigations),
        "navigations_per_s": round(len(run.navigations) / elapsed, 1),
        "navigation_p50_ms": round(percentile(run.navigations, 50), 1),
        "navigation_p95_ms": round(percentile(run.navigations, 95), 1),
        "worker_rss_mb": memory,
        "client_processes": args.client_processes,
        "cpu_seconds": {"client": round(client_cpu, 1),
                        **{k: round(cpu_after[k] - cpu_before[k], 1) for k in cpu_after}},
        "server_cpu_ms_per_request": round(
            1000 * sum(cpu_after[k] - cpu_before[k] for k in cpu_after)
            / max(len(run.latencies), 1), 2),
        "cores": os.cpu_count(),
        "cache": "redis" if os.environ.get("REDIS_URL") else "simple (per worker)",
        "popular_share": args.popular, "app_dir": args.app_dir,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if not run.errors else 1


def _drive_threads(run: Run, accounts, password: str, world, seed: int,
                   popular: float) -> None:
    threads = [threading.Thread(target=user_loop, args=(run, name, spec, password, world,
                                                        seed * 1000 + i, popular), daemon=True)
               for i, (name, spec) in accounts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=MAX_DURATION + 60)


def _client_process(conn, base, deadline_in, max_requests, accounts, password, world, seed,
                    popular) -> None:
    run = Run(base, time.monotonic() + deadline_in, max_requests)
    _drive_threads(run, accounts, password, world, seed, popular)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    conn.send((run.latencies, run.navigations, run.errors, usage.ru_utime + usage.ru_stime))
    conn.close()


def drive(base: str, seconds: float, max_requests: int, accounts, password: str, world,
          seed: int, popular: float, processes: int) -> tuple[Run, float]:
    """Run the users for `seconds` in `processes` forked processes; the merged latencies
    and errors, and the client's CPU seconds."""
    numbered = list(enumerate(accounts))
    processes = max(1, min(processes, len(numbered)))
    context = multiprocessing.get_context("fork")
    children = []
    for k in range(processes):
        mine = numbered[k::processes]
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_client_process, daemon=True, args=(
            send, base, seconds, -(-max_requests // processes), mine, password, world, seed,
            popular))
        child.start()
        send.close()
        children.append((child, receive))
    merged = Run(base, 0, max_requests)
    cpu = 0.0
    for child, receive in children:
        if receive.poll(MAX_DURATION + 120):
            latencies, navigations, errors, child_cpu = receive.recv()
            merged.latencies.extend(latencies)
            merged.navigations.extend(navigations)
            for kind, n in errors.items():
                merged.errors[kind] = merged.errors.get(kind, 0) + n
            cpu += child_cpu
        else:
            merged.errors["client process lost"] = merged.errors.get("client process lost", 0) + 1
        child.join(timeout=30)
    return merged, cpu


def _cpu_seconds(pid: int) -> float:
    """utime + stime of one process and of its children that ended and were reaped
    (cutime + cstime), from /proc (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def cpu_by_program() -> dict[str, float]:
    """CPU seconds so far of the gunicorn processes and of PostgreSQL's, on this machine.
    A worker recycled by gunicorn's max_requests (or a backend that closed) is counted
    through its parent's reaped-children times; without them a recycled worker's share
    vanished and a delta could come out negative."""
    out = {"gunicorn": 0.0, "postgres": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "gunicorn" in cmdline and "app:server" in cmdline:
            out["gunicorn"] += _cpu_seconds(int(entry.name))
        elif cmdline.startswith("postgres") or "/bin/postgres " in cmdline:
            # The backends ("postgres: ...") and the postmaster, which reaps them.
            out["postgres"] += _cpu_seconds(int(entry.name))
    return out


if __name__ == "__main__":
    sys.exit(main())
