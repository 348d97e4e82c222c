"""The benchmarks of the views on this branch: overview, caseload and the drill pages.

Each has a sampler (varied filters and scopes, as users would ask) and a naive
implementation: whole tables in pandas, the same figures computed with boolean masks and
groupby, no SQL beyond SELECT *. The naive functions exist only to be timed; the tests
do not hold them to the dashboard's numbers to the last case (they are a baseline, not a
second implementation to maintain).
"""

from __future__ import annotations

import pandas as pd

from benchmarks.bench import Sample, ViewBenchmark, World, register, sample_filters
from dashboard.filters import Filters
from dashboard.scope import Scope

KPI_TABLES = ("units", "cases", "milestones", "violations", "officers")


# --- samplers --------------------------------------------------------------------------------

def _mixed_scope(world: World) -> Scope:
    roll = world.rng.random()
    return world.scope("ministry" if roll < 0.6 else "region" if roll < 0.85 else "unit")


def _national(path: str):
    def samples(world: World, n: int) -> list[Sample]:
        return [Sample(_mixed_scope(world), path, world.filters(national=True))
                for _ in range(n)]
    return samples


def _scope_over(world: World, region_code: str, unit_id: int | None) -> Scope:
    """Someone allowed to see the place: the ministry, its region head, its unit head."""
    options = [Scope.nation("bench-ministry")]
    if region_code in world.regions[:3]:
        options.append(Scope("region_head", region_code=region_code,
                             username=f"bench-{region_code.lower()}"))
    if unit_id is not None and unit_id in world.bench_units:
        options.append(Scope("unit_head", unit_id=unit_id, username=f"bench-unit-{unit_id}"))
    return world.rng.choice(options)


def region_samples(world: World, n: int) -> list[Sample]:
    out = []
    for _ in range(n):
        code = world.rng.choice(world.regions)
        out.append(Sample(_scope_over(world, code, None), f"/region/{code}", world.filters()))
    return out


def unit_samples(world: World, n: int) -> list[Sample]:
    out = []
    for _ in range(n):
        row = world.units.iloc[world.rng.randrange(len(world.units))]
        if world.rng.random() < 0.5:
            row = world.units.iloc[world.rng.randrange(3)]
        out.append(Sample(_scope_over(world, row.region_code, int(row.id)),
                          f"/unit/{int(row.id)}", world.filters()))
    return out


def _row_samples(frame: pd.DataFrame, path: str):
    def samples(world: World, n: int) -> list[Sample]:
        bench_rows = frame[frame.unit_id.isin(world.bench_units)]
        out = []
        for _ in range(n):
            row = bench_rows.iloc[world.rng.randrange(len(bench_rows))]
            out.append(Sample(_scope_over(world, row.region_code, int(row.unit_id)),
                              f"/{path}/{int(row.id)}", world.filters()))
        return out
    return samples


def officer_samples(world: World, n: int) -> list[Sample]:
    return _row_samples(world.officers, "officer")(world, n)


def case_samples(world: World, n: int) -> list[Sample]:
    return _row_samples(world.cases, "case")(world, n)


# --- the naive implementation ------------------------------------------------------------------

def _dates(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if column.endswith("_on") or column in ("planned_end", "valid_from", "valid_until"):
            frame[column] = pd.to_datetime(frame[column])
    return frame


def _ts(day) -> pd.Timestamp:
    return pd.Timestamp(day)


def _place_mask(frame: pd.DataFrame, scope: Scope, f: Filters) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    if scope.role == "region_head":
        mask &= frame.region_code == scope.region_code
    elif scope.role == "unit_head":
        mask &= frame.unit_id == scope.unit_id
    if f.region:
        mask &= frame.region_code == f.region
    if f.unit_id is not None:
        mask &= frame.unit_id == f.unit_id
    return mask


def _cases(t: dict, scope: Scope, f: Filters) -> pd.DataFrame:
    units = t["units"][["id", "region_code"]].rename(columns={"id": "unit_id"})
    c = _dates(t["cases"].copy()).merge(units, on="unit_id")
    mask = _place_mask(c, scope, f)
    if f.probation_type:
        mask &= c.probation_type == f.probation_type
    if f.legal_category:
        mask &= c.legal_category == f.legal_category
    if f.officer_id is not None:
        mask &= c.officer_id == f.officer_id
    return c[mask]


def _active(c: pd.DataFrame, day) -> pd.DataFrame:
    return c[(c.registered_on <= _ts(day)) & (c.closed_on.isna() | (c.closed_on > _ts(day)))]


def naive_kpis(t: dict, scope: Scope, f: Filters, level: str | None) -> pd.DataFrame | dict:
    """The KPI counts of queries.kpis.by_place, from whole tables."""
    key = {None: None, "region": "region_code", "unit": "unit_id", "officer": "officer_id"}[level]

    def count(frame: pd.DataFrame):
        return frame.groupby(key).size() if key else len(frame)

    c = _cases(t, scope, f)
    start, end = _ts(f.start), _ts(f.end)
    active = _active(c, f.as_of)
    closed = c[c.closed_on.between(start, end)]
    milestones = _dates(t["milestones"].copy()).merge(
        active[["id"] + ([key] if key else [])], left_on="case_id", right_on="id")
    overdue = milestones[(milestones.due_on < _ts(f.as_of))
                         & (milestones.completed_on.isna()
                            | (milestones.completed_on > _ts(f.as_of)))]
    violations = _dates(t["violations"].copy())
    offences = violations[violations.kind == "new_offence"].merge(
        c[["id"] + ([key] if key else [])], left_on="case_id", right_on="id")
    before = [_ts(d) for d in f.previous_year()]
    units = t["units"][["id", "region_code"]].rename(columns={"id": "unit_id"})
    officers = _dates(t["officers"].copy()).merge(units, on="unit_id")
    officers = officers[_place_mask(officers, scope, f)
                        & (officers.started_on <= _ts(f.as_of))
                        & (officers.left_on.isna() | (officers.left_on > _ts(f.as_of)))]
    if f.officer_id is not None:
        officers = officers[officers.id == f.officer_id]
    posts = (officers.groupby(key if key != "officer_id" else "id").post_id.nunique()
             if key else officers.post_id.nunique())
    parts = {
        "on_register": count(active), "registered": count(c[c.registered_on.between(start, end)]),
        "closed": count(closed), "completed": count(closed[closed.close_reason == "completed"]),
        "overdue": count(overdue),
        "filled_posts": posts,
        "repeat_offences": count(offences[offences.occurred_on.between(start, end)]),
        "repeat_offences_year_before": count(offences[offences.occurred_on.between(*before)]),
    }
    return pd.DataFrame(parts).fillna(0).astype(int) if key else parts


def _filters(sample: Sample, world: World, **within) -> Filters:
    return sample_filters(sample, world).within(**within)


def naive_overview(t: dict, sample: Sample, world: World):
    f = _filters(sample, world)
    return naive_kpis(t, sample.scope, f, None), naive_kpis(t, sample.scope, f, "region")


def naive_caseload(t: dict, sample: Sample, world: World):
    f = _filters(sample, world)
    c = _cases(t, sample.scope, f)
    active = _active(c, f.as_of)
    by_region_type = active.groupby(["region_code", "probation_type"]).size()
    by_category = active.groupby("legal_category").size()
    months = pd.date_range("2014-01-01", _ts(f.as_of), freq="ME")
    trend = {month: _active(c, month).groupby("probation_type").size() for month in months}
    return by_region_type, by_category, trend


def naive_region(t: dict, sample: Sample, world: World):
    f = _filters(sample, world, region=sample.pathname.rsplit("/", 1)[-1])
    return naive_kpis(t, sample.scope, f, None), naive_kpis(t, sample.scope, f, "unit")


def naive_unit(t: dict, sample: Sample, world: World):
    f = _filters(sample, world, region=None, unit_id=int(sample.pathname.rsplit("/", 1)[-1]))
    return naive_kpis(t, sample.scope, f, None), naive_kpis(t, sample.scope, f, "officer")


def naive_officer(t: dict, sample: Sample, world: World):
    f = _filters(sample, world, region=None, officer_id=int(sample.pathname.rsplit("/", 1)[-1]))
    headline = naive_kpis(t, sample.scope, f, None)
    active = _active(_cases(t, sample.scope, f), f.as_of)
    milestones = _dates(t["milestones"].copy())
    pending = milestones[milestones.case_id.isin(active.id)
                         & (milestones.completed_on.isna()
                            | (milestones.completed_on > _ts(f.as_of)))]
    late = pending[pending.due_on < _ts(f.as_of)].groupby("case_id").due_on.agg(["count", "min"])
    return headline, active.join(late, on="id")


def naive_case(t: dict, sample: Sample, world: World):
    case_id = int(sample.pathname.rsplit("/", 1)[-1])
    return {name: t[name][t[name].case_id == case_id]
            for name in ("milestones", "assistance", "violations", "case_assignments")
            } | {"case": t["cases"][t["cases"].id == case_id]}


register(ViewBenchmark("overview", _national("/"), naive_overview, KPI_TABLES, national=True))
register(ViewBenchmark("caseload", _national("/caseload"), naive_caseload, ("units", "cases"),
                       national=True))
register(ViewBenchmark("region", region_samples, naive_region, KPI_TABLES))
register(ViewBenchmark("unit", unit_samples, naive_unit, KPI_TABLES))
register(ViewBenchmark("officer", officer_samples, naive_officer, KPI_TABLES))
register(ViewBenchmark("case", case_samples, naive_case,
                       ("cases", "milestones", "assistance", "violations", "case_assignments")))
