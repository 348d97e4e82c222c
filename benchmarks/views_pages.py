"""The benchmarks of the Milestones, Staff and Outcomes views (issues 5, 6, 7), of the
needs-attention list (issue 25), and of the callbacks of those pages that do their own
work: the milestones worklist's first block and the staff what-if.

As in benchmarks/views.py: a sampler of varied requests and a naive implementation
(whole tables in pandas, the same figures with masks and groupby), timed, not tested.
"""

from __future__ import annotations

import pandas as pd

from benchmarks.bench import Sample, ViewBenchmark, World, register, sample_filters
from benchmarks.views import _active, _cases, _dates, _mixed_scope, _ts
from dashboard.codes import PROBATION_TYPES
from dashboard.filters import Filters

MILESTONE_TABLES = ("units", "cases", "milestones", "case_assignments", "officers")
STAFF_TABLES = ("units", "posts", "officers", "cases", "case_assignments")
OUTCOME_TABLES = ("units", "cases", "violations", "assistance", "case_assignments")


# --- samplers --------------------------------------------------------------------------------

def _page(path: str):
    def samples(world: World, n: int) -> list[Sample]:
        return [Sample(_mixed_scope(world), path, world.filters()) for _ in range(n)]
    return samples


def _staff_scope(world: World):
    # The staff page is for the ministry and region heads (a unit head sees their unit's).
    return world.scope("ministry" if world.rng.random() < 0.7 else "region")


SHOCK = "&shock_category=conditionally_sentenced&shock_pct=-20&shock_date=2027-03-01"
"""A scenario on the staff page's forecast (an amnesty of a fifth of the conditionally
sentenced), as the form puts it in the URL."""


def staff_samples(world: World, n: int) -> list[Sample]:
    """The page with its forecast; one in five with a scenario."""
    out = []
    for _ in range(n):
        search = world.filters()
        if world.rng.random() < 0.2:
            search = f"{search}{SHOCK}" if search else f"?{SHOCK[1:]}"
        out.append(Sample(_staff_scope(world), "/staff", search))
    return out


def worklist_body(pathname: str, search: str, sort_desc: bool = True) -> dict:
    """The grid's first getRowsRequest, as the browser sends it on opening the page."""
    request = {"startRow": 0, "endRow": 100, "filterModel": {},
               "sortModel": [{"colId": "days_overdue", "sort": "desc" if sort_desc else "asc"}]}
    return {"output": "milestones-worklist.getRowsResponse",
            "outputs": {"id": "milestones-worklist", "property": "getRowsResponse"},
            "inputs": [{"id": "milestones-worklist", "property": "getRowsRequest",
                        "value": request}],
            "state": [{"id": "url", "property": "pathname", "value": pathname},
                      {"id": "url", "property": "search", "value": search}],
            "changedPropIds": ["milestones-worklist.getRowsRequest"]}


def worklist_samples(world: World, n: int) -> list[Sample]:
    out = []
    for _ in range(n):
        search = world.filters()
        out.append(Sample(_mixed_scope(world), "/milestones", search,
                          body=worklist_body("/milestones", search, world.rng.random() < 0.8)))
    return out


def whatif_body(search: str, growth: dict[str, float]) -> dict:
    """A change of one of the what-if growth inputs."""
    ids = [f"staff-growth-{p}" for p in PROBATION_TYPES]
    return {"output": "staff-redistribution.children",
            "outputs": {"id": "staff-redistribution", "property": "children"},
            "inputs": [{"id": i, "property": "value", "value": growth.get(p, 0)}
                       for i, p in zip(ids, PROBATION_TYPES, strict=True)],
            "state": [{"id": "url", "property": "search", "value": search}],
            "changedPropIds": [f"{ids[1]}.value"]}


def whatif_samples(world: World, n: int) -> list[Sample]:
    out = []
    for _ in range(n):
        search = world.filters()
        growth = {p: world.rng.choice([0, 5, 10, 20, -10]) for p in PROBATION_TYPES}
        out.append(Sample(_staff_scope(world), "/staff", search, body=whatif_body(search, growth)))
    return out


def attention_samples(world: World, n: int) -> list[Sample]:
    """The needs-attention list as its users open it: region heads and unit heads on their
    own place (their landing page), the ministry on a region or a unit it picked."""
    out = []
    for _ in range(n):
        roll, search = world.rng.random(), world.filters()
        if roll < 0.4:
            scope = world.scope("region")
        elif roll < 0.6:
            scope = world.scope("unit")
        else:
            scope = world.scope("ministry")
            if roll < 0.85:
                search += f"&region={world.rng.choice(world.regions)}"
            else:
                search += f"&unit={int(world.units.id.iloc[world.rng.randrange(len(world.units))])}"
        out.append(Sample(scope, "/attention", search))
    return out


# --- naive implementations -------------------------------------------------------------------

def _filters(sample: Sample, world: World) -> Filters:
    return sample_filters(sample, world)


def _open_milestones(t: dict, active: pd.DataFrame, day) -> pd.DataFrame:
    m = _dates(t["milestones"].copy())
    m = m[m.case_id.isin(active.id)]
    return m[m.completed_on.isna() | (m.completed_on > _ts(day))]


def naive_milestones(t: dict, sample: Sample, world: World):
    f = _filters(sample, world)
    c = _cases(t, sample.scope, f)
    active = _active(c, f.as_of)
    pending = _open_milestones(t, active, f.as_of).merge(
        active[["id", "probation_type"]], left_on="case_id", right_on="id")
    overdue = pending[pending.due_on < _ts(f.as_of)]
    by_kind = overdue.groupby("kind").size()
    by_type = overdue.groupby("probation_type").size()
    soon = pending[(pending.due_on >= _ts(f.as_of))
                   & (pending.due_on < _ts(f.as_of) + pd.Timedelta(days=14))]
    aging = pd.cut((_ts(f.as_of) - overdue.due_on).dt.days, [0, 7, 30, 90, 10_000]).value_counts()
    month_ends = pd.date_range(end=_ts(f.as_of), periods=12, freq="ME")
    everything = _dates(t["milestones"].copy())
    trend = {}
    for day in month_ends:
        on = _active(c, day)
        m = everything[everything.case_id.isin(on.id)]
        late = (m.due_on < day) & (m.completed_on.isna() | (m.completed_on > day))
        trend[day] = int(late.sum())
    return by_kind, by_type, soon.groupby("kind").size(), aging, trend


def naive_worklist(t: dict, sample: Sample, world: World):
    f = _filters(sample, world)
    active = _active(_cases(t, sample.scope, f), f.as_of)
    pending = _open_milestones(t, active, f.as_of)
    overdue = pending[pending.due_on < _ts(f.as_of)].copy()
    overdue["days_overdue"] = (_ts(f.as_of) - overdue.due_on).dt.days
    return len(overdue), overdue.sort_values("days_overdue", ascending=False).head(100)


def naive_attention(t: dict, sample: Sample, world: World):
    """Per officer responsible on the day: cases, milestones due, overdue, due in 14 days,
    cases without a program drafted."""
    f = _filters(sample, world)
    params = dict(p.split("=", 1) for p in sample.search.lstrip("?").split("&") if "=" in p)
    if "unit" in params:
        f = f.within(region=None, unit_id=int(params["unit"]))
    day = _ts(f.as_of)
    active = _active(_cases(t, sample.scope, f), f.as_of)
    ca = _dates(t["case_assignments"].copy())
    held = ca[(ca.assigned_on <= day) & (ca.unassigned_on.isna() | (ca.unassigned_on > day))]
    held = active[["id"]].merge(held[["case_id", "officer_id"]], left_on="id",
                                right_on="case_id", how="left")
    m = _dates(t["milestones"].copy())
    m = m[m.case_id.isin(active.id)].merge(held[["id", "officer_id"]], left_on="case_id",
                                           right_on="id")
    open_on = m.completed_on.isna() | (m.completed_on > day)
    due = m[m.due_on < day]
    soon = m[(m.due_on >= day) & (m.due_on <= day + pd.Timedelta(days=14)) & open_on]
    drafted = m[m.kind.isin(["program_drafted", "release_prep_program"])
                & (m.completed_on <= day)].case_id.unique()
    key = held.officer_id.fillna(-1)
    return (held.groupby(key).size(), due.groupby(due.officer_id.fillna(-1)).size(),
            due[open_on.loc[due.index]].groupby("officer_id").size(),
            soon.groupby("officer_id").size(),
            held[~held.id.isin(drafted)].groupby(key).size())


def naive_staff(t: dict, sample: Sample, world: World):
    f = _filters(sample, world)
    day = _ts(f.as_of)
    units = t["units"][["id", "region_code"]].rename(columns={"id": "unit_id"})
    officers = _dates(t["officers"].copy()).merge(units, on="unit_id")
    if sample.scope.role == "region_head":
        officers = officers[officers.region_code == sample.scope.region_code]
    in_post = officers[(officers.started_on <= day)
                       & (officers.left_on.isna() | (officers.left_on > day))]
    posts = _dates(t["posts"].copy())
    posts = posts[(posts.valid_from <= day)
                  & (posts.valid_until.isna() | (posts.valid_until > day))]
    active = _active(_cases(t, sample.scope, f.within(region=None)), f.as_of)
    ca = _dates(t["case_assignments"].copy())
    held = ca[(ca.assigned_on <= day) & (ca.unassigned_on.isna() | (ca.unassigned_on > day))]
    items = held.merge(active[["id", "probation_type", "legal_category", "risk_tier"]],
                       left_on="case_id", right_on="id")
    per_officer = items.groupby(["officer_id", "probation_type"]).size().unstack(fill_value=0)
    timeline = {d: int(((officers.started_on <= d)
                        & (officers.left_on.isna() | (officers.left_on > d))).sum())
                for d in pd.date_range(end=day, periods=24, freq="ME")}
    return (posts.groupby("unit_id").size(), in_post.groupby("unit_id").size(),
            per_officer, timeline)


def naive_outcomes(t: dict, sample: Sample, world: World):
    f = _filters(sample, world)
    c = _cases(t, sample.scope, f)
    v = _dates(t["violations"].copy())
    v = v[v.case_id.isin(c.id)]
    offences = v[v.kind == "new_offence"]
    end = _ts(f.end)
    months = pd.date_range(end=end, periods=24, freq="MS")
    trend = []
    for start in months:
        last = start + pd.offsets.MonthEnd(0)
        on = c[(c.registered_on <= last) & (c.closed_on.isna() | (c.closed_on > start))]
        trend.append((on.person_id.nunique(),
                      int(offences.occurred_on.between(start, last).sum()),
                      c[c.closed_on.between(start, last)].groupby("close_reason").size()))
    start = _ts(f.start)
    current = v[v.occurred_on.between(start, end)]
    escalation = (current.groupby("kind").size(),
                  int(v.submitted_to_court_on.between(start, end).sum()),
                  v[v.decided_on.between(start, end)].groupby("court_decision").size())
    a = _dates(t["assistance"].copy())
    a = a[a.case_id.isin(c.id)]
    assistance = (a[a.requested_on.between(start, end)].groupby("kind").size(),
                  a[a.provided_on.between(start, end)].groupby(["kind", "result"]).size())
    by_region = offences[offences.occurred_on.between(start, end)].merge(
        c[["id", "region_code"]], left_on="case_id", right_on="id").groupby("region_code").size()
    first = offences.merge(c[["id", "registered_on"]], left_on="case_id", right_on="id")
    within = first[(first.occurred_on >= first.registered_on)
                   & (first.occurred_on < first.registered_on + pd.DateOffset(years=1))]
    cohorts = c.assign(re=c.id.isin(within.case_id)).groupby(
        c.registered_on.dt.to_period("Q")).re.agg(["size", "sum"])
    ca = _dates(t["case_assignments"].copy())
    windows = pd.date_range(end=end, periods=6, freq="ME")
    per_officer = {}
    for w_end in windows:
        w_start = w_end - pd.DateOffset(years=1) + pd.Timedelta(days=1)
        held = ca[(ca.assigned_on <= w_end)
                  & (ca.unassigned_on.isna() | (ca.unassigned_on > w_start))]
        days = ((held.unassigned_on.fillna(w_end + pd.Timedelta(days=1))
                 .clip(upper=w_end + pd.Timedelta(days=1))
                 - held.assigned_on.clip(lower=w_start)).dt.days)
        per_officer[w_end] = days.groupby(held.officer_id).sum()
    return trend, escalation, assistance, by_region, cohorts, per_officer


register(ViewBenchmark("milestones", _page("/milestones"), naive_milestones,
                       MILESTONE_TABLES, national=True))
register(ViewBenchmark("worklist", worklist_samples, naive_worklist, MILESTONE_TABLES,
                       national=True))
register(ViewBenchmark("attention", attention_samples, naive_attention, MILESTONE_TABLES))
register(ViewBenchmark("staff", staff_samples, naive_staff, STAFF_TABLES, national=True))
register(ViewBenchmark("whatif", whatif_samples, naive_staff, STAFF_TABLES, national=True))
register(ViewBenchmark("outcomes", _page("/outcomes"), naive_outcomes, OUTCOME_TABLES,
                       national=True))
