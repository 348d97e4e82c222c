"""Lighthouse (desktop preset) on the pages of a dashboard served by gunicorn here.

    python -m benchmarks.lighthouse --database-url URL [--runs 3] [--json lighthouse.json]
        [--pages / /caseload ...] [--drill] [--lang kk] [--base http://127.0.0.1:PORT]

Starts gunicorn -c gunicorn.conf.py on a free port of 127.0.0.1 (unless --base names a
running server on this machine), creates or resets a ministry account (random password,
language --lang), signs in through /login with its CSRF token before each page, and runs
Lighthouse on it --runs times with that session's cookie (--extra-headers). The sign-in
page is audited without the cookie, as a stranger sees it. Prints, per page, the median
of the runs of each column (performance, accessibility, best-practices, LCP, TBT, CLS,
total transfer, and Lighthouse's CPU benchmark index: higher is a faster, quieter machine),
writes them and every run to --json, and, with --reports DIR, each run's full report.

Needs lighthouse in node_modules/ (`make lighthouse` installs a pinned one) and Chromium
(CHROME_PATH, default /usr/bin/chromium). Bounds: traffic to 127.0.0.1 only; each
Lighthouse run is killed after --run-timeout seconds (default 180); the server is stopped
at the end whatever happens. The score for performance depends on the CPU: note the load
(printed) and compare medians taken on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.serve import start_gunicorn, stop  # noqa: E402

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
COOKIE = "probation_session"
PAGES = ("/", "/attention?region=KZ-75", "/caseload", "/milestones", "/staff", "/outcomes",
         "/review")
DRILL_REGION = "KZ-75"
"""The drill pages (--drill) go down from this region: its first unit, that unit's first
case still on the register, and that case's officer."""
LOGIN = "/login"
CATEGORIES = ("performance", "accessibility", "best-practices")
USERNAME = "lighthouse-ministry"
MAX_RUNS = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_user(database_url: str, username: str, lang: str) -> str:
    """A ministry account `username` in language `lang` with a fresh random password."""
    from sqlalchemy import update

    from dashboard import auth
    from dashboard.db import make_engine
    from dashboard.schema import users

    engine = make_engine(database_url)
    password = secrets.token_urlsafe(18)
    try:
        if auth.find_account(engine, username) is None:
            auth.create_user(engine, username, role="ministry", password=password,
                             language=lang)
        else:
            auth.set_password(engine, username, password)
            with engine.begin() as conn:
                conn.execute(update(users).where(users.c.username == username)
                             .values(language=lang))
    finally:
        engine.dispose()
    return password


def drill_pages(database_url: str, region: str = DRILL_REGION) -> list[str]:
    """/region, /unit, /officer and /case pages of real ids in `region` of this database."""
    from sqlalchemy import select

    from dashboard.db import make_engine
    from dashboard.schema import cases, units

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            unit = conn.scalar(select(units.c.id).where(units.c.region_code == region)
                               .order_by(units.c.id).limit(1))
            case, officer = conn.execute(
                select(cases.c.id, cases.c.officer_id)
                .where(cases.c.unit_id == unit, cases.c.closed_on.is_(None),
                       cases.c.officer_id.is_not(None))
                .order_by(cases.c.id).limit(1)).one()
    finally:
        engine.dispose()
    return [f"/region/{region}", f"/unit/{unit}", f"/officer/{officer}", f"/case/{case}"]


def desktop_user_agent() -> str:
    """The User-Agent of Lighthouse's desktop preset. The session is bound to the browser
    that signed in (flask-login's strong protection hashes the address and User-Agent), so
    the sign-in here must send the one Lighthouse's Chromium will send."""
    out = subprocess.run(
        ["node", "-e", "import('lighthouse/core/config/constants.js')"
                       ".then(m => console.log(m.userAgents.desktop))"],
        cwd=ROOT, capture_output=True, text=True, timeout=30, check=True)
    return out.stdout.strip()


def sign_in(base: str, username: str, password: str, user_agent: str) -> str:
    """The session cookie of a fresh sign-in through /login."""
    http = requests.Session()
    http.headers.update({"Origin": base, "User-Agent": user_agent})
    token = CSRF.search(http.get(f"{base}/login", timeout=30).text).group(1)
    response = http.post(f"{base}/login", data={"csrf_token": token, "username": username,
                                                "password": password},
                         allow_redirects=False, timeout=30)
    if response.status_code != 302 or COOKIE not in http.cookies:
        raise SystemExit(f"sign-in failed: HTTP {response.status_code}")
    # The first page view registers Dash's page router in a fresh worker: not measured.
    http.get(f"{base}/", timeout=60)
    return http.cookies[COOKIE]


def lighthouse_bin() -> Path:
    path = ROOT / "node_modules" / ".bin" / "lighthouse"
    if not path.exists():
        raise SystemExit("lighthouse is not installed: `make lighthouse` installs it "
                         "(npm install --no-save lighthouse@VERSION)")
    return path


def run_lighthouse(url: str, headers_file: Path | None, out: Path, timeout: float) -> dict:
    cmd = [str(lighthouse_bin()), url, "--preset=desktop", "--output=json",
           f"--output-path={out}", "--quiet", "--max-wait-for-load=60000",
           f"--only-categories={','.join(CATEGORIES)}",
           "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
    if headers_file is not None:
        cmd.append(f"--extra-headers={headers_file}")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # lighthouse and the Chromium it started
        proc.wait(timeout=10)
        raise RuntimeError(f"lighthouse timed out after {timeout:.0f} s on {url}") from None
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url}: {err.decode()[-1000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def summarise(report: dict) -> dict:
    audits, cats = report["audits"], report["categories"]
    problem = report.get("runtimeError")
    return {
        "performance": cats["performance"]["score"],
        "accessibility": cats["accessibility"]["score"],
        "best-practices": cats["best-practices"]["score"],
        "lcp_ms": audits["largest-contentful-paint"].get("numericValue"),
        "tbt_ms": audits["total-blocking-time"].get("numericValue"),
        "cls": audits["cumulative-layout-shift"].get("numericValue"),
        "transfer_kb": (audits["total-byte-weight"].get("numericValue") or 0) / 1024,
        # Lighthouse's own measure of the CPU at the time (higher is faster): performance
        # scores taken at very different indexes are not comparable.
        "benchmark_index": (report.get("environment") or {}).get("benchmarkIndex"),
        "final_url": report.get("finalDisplayedUrl") or report.get("finalUrl"),
        "error": problem.get("message") if problem else None,
        "failing": sorted(
            audit_id for cat in cats.values() for ref in cat["auditRefs"]
            if (audit_id := ref["id"]) in audits and ref.get("weight", 0) > 0
            and audits[audit_id].get("score") is not None and audits[audit_id]["score"] < 0.9),
    }


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


COLUMNS = (("performance", "perf", "{:.2f}"), ("accessibility", "a11y", "{:.2f}"),
           ("best-practices", "b-p", "{:.2f}"), ("lcp_ms", "LCP ms", "{:.0f}"),
           ("tbt_ms", "TBT ms", "{:.0f}"), ("cls", "CLS", "{:.3f}"),
           ("transfer_kb", "KB", "{:.0f}"), ("benchmark_index", "CPU idx", "{:.0f}"))


def table(rows: list[dict]) -> str:
    head = f"{'page':<24}" + "".join(f"{label:>9}" for _, label, _ in COLUMNS)
    lines = [head, "-" * len(head)]
    for row in rows:
        cells = "".join(f"{(fmt.format(row[key]) if row[key] is not None else '-'):>9}"
                        for key, _, fmt in COLUMNS)
        lines.append(f"{row['page']:<24}{cells}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--base", default=None,
                        help="a running server on this machine instead of starting gunicorn")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (0: a free one)")
    parser.add_argument("--pages", nargs="+", default=list(PAGES))
    parser.add_argument("--drill", action="store_true",
                        help="also the region, unit, officer and case pages (drill_pages)")
    parser.add_argument("--no-login-page", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lang", default="kk", choices=("kk", "ru", "en"))
    parser.add_argument("--username", default=USERNAME)
    parser.add_argument("--run-timeout", type=float, default=180)
    parser.add_argument("--json", default=None)
    parser.add_argument("--reports", default=None, help="keep every full report here")
    parser.add_argument("--server-log", default=None,
                        help="write gunicorn's log (errors, tracebacks) to this file")
    parser.add_argument("--min-performance", type=float, default=None,
                        help="exit 1 when a page's median is below this")
    parser.add_argument("--min-accessibility", type=float, default=None)
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is required")
    runs = max(1, min(args.runs, MAX_RUNS))
    lighthouse_bin()
    if args.drill:
        args.pages += drill_pages(args.database_url)

    password = ensure_user(args.database_url, args.username, args.lang)
    proc = None
    if args.base:
        base = args.base.rstrip("/")
    else:
        port = args.port or free_port()
        proc = start_gunicorn(args.database_url, port, log_path=args.server_log)
        base = f"http://127.0.0.1:{port}"
    if urlsplit(base).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("Lighthouse is run against this machine only (127.0.0.1)")
    load_before = os.getloadavg()
    results: list[dict] = []
    try:
        user_agent = desktop_user_agent()
        with tempfile.TemporaryDirectory() as tmp:
            headers = Path(tmp) / "headers.json"
            targets = [(page, f"{base}{page}", headers) for page in args.pages]
            if not args.no_login_page:
                targets.append((LOGIN, f"{base}{LOGIN}?lang={args.lang}", None))
            for page, url, header_file in targets:
                if header_file is not None:  # a fresh session per page: none outlives its timeout
                    cookie = sign_in(base, args.username, password, user_agent)
                    header_file.write_text(json.dumps({"Cookie": f"{COOKIE}={cookie}"}),
                                           encoding="utf-8")
                page_runs = []
                for i in range(runs):
                    out = Path(tmp) / f"run-{len(results)}-{i}.json"
                    try:
                        report = run_lighthouse(url, header_file, out, args.run_timeout)
                    except RuntimeError as exc:
                        print(f"  {page} run {i + 1}: {exc}", file=sys.stderr)
                        continue
                    summary = summarise(report)
                    if urlsplit(summary["final_url"] or "").path != urlsplit(page).path:
                        summary["error"] = summary["error"] or \
                            f"ended on {summary['final_url']} (signed out?)"
                    page_runs.append(summary)
                    if args.reports:
                        keep = Path(args.reports)
                        keep.mkdir(parents=True, exist_ok=True)
                        name = re.sub(r"[^\w-]+", "_", page.strip("/")) or "overview"
                        out.replace(keep / f"{name}-{i + 1}.json")
                    print(f"  {page} run {i + 1}: perf {summary['performance']} "
                          f"a11y {summary['accessibility']}"
                          + (f" ERROR {summary['error']}" if summary["error"] else ""),
                          file=sys.stderr, flush=True)
                row = {"page": page, "runs": len(page_runs)}
                for key, _, _ in COLUMNS:
                    row[key] = median([r[key] for r in page_runs if not r["error"]])
                row["failing"] = sorted({a for r in page_runs for a in r["failing"]})
                row["all_runs"] = page_runs
                results.append(row)
    finally:
        if proc is not None:
            stop(proc)
    load_after = os.getloadavg()
    print(table(results))
    print(f"median of {runs} runs per page; load average before "
          f"{' '.join(f'{x:.2f}' for x in load_before)}, after "
          f"{' '.join(f'{x:.2f}' for x in load_after)} ({os.cpu_count()} cores)")
    for row in results:
        if row["failing"]:
            print(f"{row['page']}: audits below 0.9: {', '.join(row['failing'])}")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "base": base, "runs": runs, "lang": args.lang, "preset": "desktop",
            "load_before": load_before, "load_after": load_after, "cpus": os.cpu_count(),
            "pages": results}, indent=2) + "\n", encoding="utf-8")
    failed = any(r["runs"] == 0 or r["performance"] is None for r in results)
    if args.min_performance is not None:
        failed |= any((r["performance"] or 0) < args.min_performance for r in results)
    if args.min_accessibility is not None:
        failed |= any((r["accessibility"] or 0) < args.min_accessibility for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
