"""`probation-dashboard bench`: every view's server-side time, against the raw SQL time of
the statements it issues and against a naive pandas implementation.

How a view is measured (the same for every registered view):

* **callback**: a real POST /_dash-update-component through Flask's test client, with a
  session signed in through /login as a user of the sample's scope (ministry, region head
  or unit head). The whole request is timed: the sign-in gate, flask-login's user load,
  the page callback (filters, queries, layouts) and Dash's JSON serialisation. `uncached`
  clears the server cache before the call; `cached` repeats the same call right after.
* **raw SQL**: every statement the uncached call sent to the database is captured (a
  SQLAlchemy cursor event) and executed again, compiled as it was with its parameters,
  on a plain DBAPI cursor, fetching every row, inside a transaction that is rolled back.
* **least**: (raw SQL + the least overhead of a request) ÷ raw SQL, the lowest
  p50 ÷ raw SQL the view could reach on this stack if building its page and its JSON cost
  nothing. The least overhead is timed for each sample, right after it: the filter bar's
  callback (every navigation sends it), its lookups cached, less its own statements' raw
  time.
* **naive**: the tables the view reads are loaded into pandas (`pd.read_sql`) and the
  same figures are computed in Python; `naive_ms` = load + compute (what a request of a
  naive implementation does), `naive_compute_ms` = compute alone on tables already in
  memory.

Adding a view: write a `ViewBenchmark` (a sampler of varied requests and a naive
function) and `register()` it; see docs/performance.md.
"""

from __future__ import annotations

import json
import random
import re
import secrets
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from dashboard import auth
from dashboard.filters import Filters
from dashboard.scope import Scope

# --- what a benchmark is -----------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One request of a view: who asks (scope), for what page and which filters."""

    scope: Scope
    pathname: str
    search: str = ""
    body: dict | None = None
    """A callback body to POST instead of the page router's (views with own callbacks)."""


@dataclass
class World:
    """What a sampler may draw from: places of the database and its last day."""

    regions: list[str]
    units: pd.DataFrame  # id, region_code
    officers: pd.DataFrame  # id, unit_id, region_code (in post on data_until)
    cases: pd.DataFrame  # id, unit_id, region_code (a sample of open cases)
    data_until: date
    rng: random.Random

    def scope(self, level: str) -> Scope:
        """A random user scope: "ministry", "region" or "unit"."""
        if level == "ministry":
            return Scope.nation("bench-ministry")
        if level == "region":
            code = self.rng.choice(self.regions[:3])
            return Scope("region_head", region_code=code, username=f"bench-{code.lower()}")
        unit_id = int(self.rng.choice(self.bench_units))
        return Scope("unit_head", unit_id=unit_id, username=f"bench-unit-{unit_id}")

    @property
    def bench_units(self) -> list[int]:
        return [int(u) for u in self.units.id.iloc[:3]]

    def filters(self, national: bool = False) -> str:
        """A varied but valid filter query: period, end day, sometimes type or category."""
        rng = self.rng
        year = rng.randint(2015, self.data_until.year)
        month = rng.randint(1, 12 if year < self.data_until.year else self.data_until.month)
        to = min(date(year, month, 28), self.data_until)
        params = {"period": rng.choice(["year", "quarter", "month"]), "to": to.isoformat()}
        roll = rng.random()
        if roll < 0.25:
            params["type"] = rng.choice(["sentence", "post_penitentiary"])
        elif roll < 0.35:
            params["category"] = "conditionally_sentenced"
        if national and rng.random() < 0.2:
            params["metric"] = rng.choice(["overdue", "caseload_per_post"])
        return "?" + "&".join(f"{k}={v}" for k, v in params.items())


@dataclass(frozen=True)
class ViewBenchmark:
    name: str
    samples: Callable[[World, int], list[Sample]]
    """n varied requests of the view."""
    naive: Callable[[dict[str, pd.DataFrame], Sample, World], object]
    """The same figures from whole tables in pandas."""
    tables: tuple[str, ...]
    """The tables the naive implementation loads."""
    national: bool = False
    """A national view (its scale-10 time should stay within 2x of scale 1)."""


REGISTRY: dict[str, ViewBenchmark] = {}


def register(bench: ViewBenchmark) -> ViewBenchmark:
    REGISTRY[bench.name] = bench
    return bench


# --- measuring -----------------------------------------------------------------------------


class StatementLog:
    """Statements sent to the database while `capturing` is on, as executed."""

    def __init__(self, engines: list[Engine]) -> None:
        self.capturing = False
        self.statements: list[tuple[str, object, bool]] = []
        for engine in {id(e): e for e in engines}.values():
            event.listen(engine, "before_cursor_execute", self._record)
            event.listen(engine, "handle_error", self._failed)

    def _record(self, _conn, _cursor, statement, parameters, _context, executemany):
        if self.capturing:
            self.statements.append((statement, parameters, executemany))

    def _failed(self, context) -> None:
        # A statement that failed (pandas' read_sql probes for a table named like the
        # query, and swallows the error) is no part of the request's SQL to replay.
        if (self.capturing and self.statements
                and self.statements[-1][0] == context.statement):
            self.statements.pop()

    def start(self) -> None:
        self.statements = []
        self.capturing = True

    def stop(self) -> list[tuple[str, object, bool]]:
        self.capturing = False
        return self.statements


def statement_times(engine: Engine, statements) -> list[tuple[str, float]]:
    """Each statement executed alone on a plain cursor, rows fetched: (SQL, ms)."""
    raw = engine.raw_connection()
    out = []
    try:
        cursor = raw.cursor()
        for statement, parameters, many in statements:
            started = time.perf_counter()
            if many:
                cursor.executemany(statement, parameters)
            else:
                cursor.execute(statement, parameters)
            if cursor.description is not None:
                cursor.fetchall()
            out.append((statement, (time.perf_counter() - started) * 1000))
        raw.rollback()
        cursor.close()
    finally:
        raw.close()
    return out


def slowest(timed: list[tuple[str, float]], n: int) -> list[tuple[float, float, int, str]]:
    """The `n` statement shapes with the largest total time: (total ms, median ms, count,
    first line of SQL), over every sample of a view."""
    by_shape: dict[str, list[float]] = {}
    for statement, ms in timed:
        by_shape.setdefault(" ".join(statement.split()), []).append(ms)
    ranked = sorted(((sum(v), statistics.median(v), len(v), k) for k, v in by_shape.items()),
                    reverse=True)
    return ranked[:n]


def raw_sql_ms(engine: Engine, statements) -> float:
    """Execute `statements` again on a plain DBAPI cursor, rows fetched; rolled back."""
    return sum(ms for _, ms in statement_times(engine, statements))


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Clients:
    """Flask test clients signed in through /login, one per bench user."""

    def __init__(self, app, engine: Engine) -> None:
        self.app = app
        self.engine = engine
        self.password = secrets.token_urlsafe(18)
        self._clients: dict[str, object] = {}
        self.router: dict | None = None
        self.filter_bar: dict | None = None

    def _ensure_user(self, scope: Scope) -> None:
        account = auth.find_account(self.engine, scope.username)
        if account is None:
            auth.create_user(self.engine, scope.username, scope.role, self.password,
                             region_code=scope.region_code, unit_id=scope.unit_id,
                             language="en")
        else:
            auth.set_password(self.engine, scope.username, self.password)

    def for_scope(self, scope: Scope):
        client = self._clients.get(scope.username)
        if client is not None:
            return client
        self._ensure_user(scope)
        client = self.app.server.test_client()
        token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
        response = client.post("/login", data={"csrf_token": token,
                                               "username": scope.username,
                                               "password": self.password})
        if response.status_code != 302:
            raise RuntimeError(f"bench sign-in failed for {scope.username}")
        client.get("/")  # the page router is registered on the first request
        if self.router is None:
            deps = client.get("/_dash-dependencies").get_json()
            self.router = next(d for d in deps if "_pages_content.children" in d["output"])
            # The filter bar's values from the URL: every page's navigation sends it.
            self.filter_bar = next(
                d for d in deps if not d.get("clientside_function")
                and not d.get("prevent_initial_call") and "filter-period.value" in d["output"])
        self._clients[scope.username] = client
        return client

    def page_body(self, pathname: str, search: str) -> dict:
        values = {"pathname": pathname, "search": search}
        inputs = [{"id": i["id"], "property": i["property"], "value": values.get(i["property"])}
                  for i in self.router["inputs"]]
        return {"output": self.router["output"], "outputs": _outputs(self.router["output"]),
                "inputs": inputs,
                "state": [], "changedPropIds": ["_pages_location.pathname"]}

    def filter_bar_body(self, search: str, pathname: str = "/") -> dict:
        output = self.filter_bar["output"]
        values = {"search": search, "pathname": pathname}
        return {"output": output, "outputs": _outputs(output),
                "inputs": [{"id": i["id"], "property": i["property"],
                            "value": values.get(i["property"])}
                           for i in self.filter_bar["inputs"]],
                "state": [], "changedPropIds": ["url.search"]}


def _outputs(output: str) -> list[dict]:
    """A multi-output callback's "..a.children...b.value.." as the ids and properties
    Dash expects in the request."""
    return [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True))
            for part in output[2:-2].split("...")]


def post(client, body: dict) -> tuple[float, int, int]:
    started = time.perf_counter()
    response = client.post("/_dash-update-component", json=body,
                           headers={"Origin": "http://localhost"})
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, response.status_code, len(response.get_data())


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = q / 100 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def build_world(engine: Engine, data_until: date, seed: int = 7) -> World:
    from dashboard.schema import cases, officers, units
    from queries.national import officer_in_post_on, on_register_on

    with engine.connect() as conn:
        unit_frame = pd.DataFrame(conn.execute(select(units.c.id, units.c.region_code)
                                               .order_by(units.c.id)).all(),
                                  columns=["id", "region_code"])
        # The units whose heads the bench signs in as: the three busiest.
        busiest = conn.execute(select(cases.c.unit_id).where(on_register_on(data_until))
                               .group_by(cases.c.unit_id).order_by(func.count().desc())
                               .limit(3)).scalars().all()
        unit_frame = pd.concat([unit_frame[unit_frame.id.isin(busiest)],
                                unit_frame[~unit_frame.id.isin(busiest)]], ignore_index=True)
        officer_frame = pd.DataFrame(conn.execute(
            select(officers.c.id, officers.c.unit_id, units.c.region_code)
            .join_from(officers, units, units.c.id == officers.c.unit_id)
            .where(officer_in_post_on(data_until))).all(),
            columns=["id", "unit_id", "region_code"])
        case_frame = pd.DataFrame(conn.execute(
            select(cases.c.id, cases.c.unit_id, units.c.region_code)
            .join_from(cases, units, units.c.id == cases.c.unit_id)
            .where(on_register_on(data_until), cases.c.unit_id.in_(busiest))
            .order_by(cases.c.id).limit(2000)).all(),
            columns=["id", "unit_id", "region_code"])
    regions_first = list(dict.fromkeys(
        list(unit_frame.region_code.iloc[:3]) + sorted(unit_frame.region_code.unique())))
    return World(regions=regions_first, units=unit_frame, officers=officer_frame,
                 cases=case_frame, data_until=data_until, rng=random.Random(seed))


@dataclass
class ViewResult:
    view: str
    runs: int
    p50_ms: float
    p95_ms: float
    cached_p50_ms: float
    cached_p95_ms: float
    raw_sql_ms: float
    statements: float
    naive_ms: float
    naive_compute_ms: float
    naive_runs: int
    response_kb: float
    errors: int
    national: bool = False
    least_overhead_ms: float = float("nan")
    """What a request costs besides its SQL when it does next to nothing (see
    `least_overhead_ms`)."""
    notes: list[str] = field(default_factory=list)
    slowest: list[tuple[float, float, int, str]] = field(default_factory=list)

    @property
    def ratio_sql(self) -> float:
        return self.p50_ms / self.raw_sql_ms if self.raw_sql_ms else float("nan")

    @property
    def least_ratio_sql(self) -> float:
        """The lowest p50 ÷ raw SQL this request could reach on this stack: its SQL plus
        the least overhead of a request, over its SQL (page building and JSON free)."""
        if not self.raw_sql_ms:
            return float("nan")
        return (self.raw_sql_ms + self.least_overhead_ms) / self.raw_sql_ms

    @property
    def ratio_naive(self) -> float:
        return self.naive_ms / self.p50_ms if self.p50_ms else float("nan")

    def as_dict(self) -> dict:
        out = {k: (round(v, 2) if isinstance(v, float) else v)
               for k, v in self.__dict__.items()}
        out["callback_over_raw_sql"] = round(self.ratio_sql, 2)
        out["least_callback_over_raw_sql"] = round(self.least_ratio_sql, 2)
        out["naive_over_callback"] = round(self.ratio_naive, 1)
        return out


def warm_up(bench: ViewBenchmark, clients: Clients, world: World, n: int) -> None:
    """n requests of the view, not timed, drawn with their own random numbers (the timed
    samples stay the same): what a serving process has done before (SQLAlchemy's compiled
    statements, plotly's validators, Dash's component classes, built on first use)."""
    from dashboard import cache

    state = world.rng.getstate()
    other = World(**{**world.__dict__, "rng": random.Random(world.rng.random())})
    world.rng.setstate(state)
    for sample in bench.samples(other, n):
        with clients.app.server.app_context():
            cache.clear()
        post(clients.for_scope(sample.scope),
             sample.body or clients.page_body(sample.pathname, sample.search))


def least_overhead_ms(clients: Clients, client, log: StatementLog, engine: Engine,
                      search: str) -> float:
    """The cost of a callback request besides its SQL, when it does next to nothing: the
    filter bar's (the sign-in gate, the user's row, Dash's dispatch, eight values back),
    asked a second time so that its own lookups are cached, less the raw time of the
    statements it still ran. No page's request can cost less than its own SQL plus this,
    so (SQL + this) ÷ SQL is the least p50 ÷ raw SQL the page could reach here."""
    body = clients.filter_bar_body(search)
    post(client, body)
    log.start()
    elapsed, status, _ = post(client, body)
    statements = log.stop()
    if status != 200:
        return float("nan")
    return max(elapsed - raw_sql_ms(engine, statements), 0.0)


def measure_view(bench: ViewBenchmark, clients: Clients, log: StatementLog, engine: Engine,
                 world: World, runs: int, naive_runs: int, profile: int = 0,
                 warmup: int = 0) -> ViewResult:
    from dashboard import cache

    if warmup:
        warm_up(bench, clients, world, warmup)
    samples = bench.samples(world, runs)
    uncached, cached, raw, counts, sizes, least = [], [], [], [], [], []
    timed: list[tuple[str, float]] = []
    errors = 0
    first_error: list[str] = []
    for sample in samples:
        client = clients.for_scope(sample.scope)
        body = sample.body or clients.page_body(sample.pathname, sample.search)
        # Only around the clear: a pushed app context would be shared by the requests
        # (and flask.g with it, where flask-login keeps the user).
        with clients.app.server.app_context():
            cache.clear()
        log.start()
        elapsed, status, size = post(client, body)
        statements = log.stop()
        again, status2, _ = post(client, body)
        if status != 200 or status2 != 200:
            errors += 1
            if not first_error:
                first_error.append(f"{sample.pathname}{sample.search}: HTTP {status}/{status2}")
            continue
        uncached.append(elapsed)
        cached.append(again)
        sizes.append(size)
        counts.append(len(statements))
        raw.append(raw_sql_ms(engine, statements))
        overhead = least_overhead_ms(clients, client, log, engine, sample.search)
        if overhead == overhead:  # not NaN: the filter bar answered
            least.append(overhead)
        if profile:
            timed.extend(statement_times(engine, statements))
    naive_total, naive_compute = _naive(bench, engine, samples[:naive_runs], world)
    return ViewResult(
        view=bench.name, runs=len(uncached),
        p50_ms=percentile(uncached, 50), p95_ms=percentile(uncached, 95),
        cached_p50_ms=percentile(cached, 50), cached_p95_ms=percentile(cached, 95),
        raw_sql_ms=percentile(raw, 50), statements=statistics.mean(counts) if counts else 0,
        naive_ms=naive_total, naive_compute_ms=naive_compute, naive_runs=naive_runs,
        response_kb=statistics.mean(sizes) / 1024 if sizes else 0, errors=errors,
        national=bench.national, least_overhead_ms=percentile(least, 50), notes=first_error,
        slowest=slowest(timed, profile) if profile else [])


def _naive(bench: ViewBenchmark, engine: Engine, samples: list[Sample],
           world: World) -> tuple[float, float]:
    """Median of (load the tables + compute) and of compute alone, over `samples`."""
    totals, computes = [], []
    for sample in samples:
        started = time.perf_counter()
        with engine.connect() as conn:
            tables = {name: pd.read_sql_table(name, conn) for name in bench.tables}
        loaded = time.perf_counter()
        bench.naive(tables, sample, world)
        done = time.perf_counter()
        totals.append((done - started) * 1000)
        computes.append((done - loaded) * 1000)
    if not totals:  # --naive-runs 0: profiling the callbacks only
        return float("nan"), float("nan")
    return statistics.median(totals), statistics.median(computes)


def sample_filters(sample: Sample, world: World) -> Filters:
    return Filters.from_query(sample.search, world.data_until)


# --- the report ------------------------------------------------------------------------------

HEADER = (f"{'view':<10} {'runs':>4} {'p50':>8} {'p95':>8} {'cached50':>8} {'cached95':>8} "
          f"{'raw SQL':>8} {'naive':>9} {'p50/SQL':>7} {'least':>5} {'naive/p50':>9} "
          f"{'stmts':>5} "
          f"{'KB':>6} {'err':>3}")


def table_row(r: ViewResult) -> str:
    return (f"{r.view:<10} {r.runs:>4} {r.p50_ms:>8.1f} {r.p95_ms:>8.1f} "
            f"{r.cached_p50_ms:>8.1f} {r.cached_p95_ms:>8.1f} {r.raw_sql_ms:>8.1f} "
            f"{r.naive_ms:>9.0f} {r.ratio_sql:>7.2f} {r.least_ratio_sql:>5.2f} "
            f"{r.ratio_naive:>9.1f} "
            f"{r.statements:>5.0f} {r.response_kb:>6.1f} {r.errors:>3}")


def report(scale: float, backend: str, results: list[ViewResult], meta: dict) -> dict:
    return {"scale": scale, "backend": backend, **meta,
            "views": [r.as_dict() for r in results]}


def write_json(path, payload: dict) -> None:
    with open(path, "w", encoding="utf-8") as out:
        json.dump(payload, out, indent=2, ensure_ascii=False)
        out.write("\n")
