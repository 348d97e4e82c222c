"""The outcomes page (/outcomes): parse the filters, ask queries/outcomes within the scope,
judge rates with dashboard.metrics, hand everything to layouts/outcomes."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from dash import html

from callbacks.context import Context
from callbacks.views import Refuse, _guarded, _view, parse_filters, unit_param
from dashboard import metrics as M
from dashboard.filters import DATA_FROM, Filters
from dashboard.scope import Scope
from layouts import outcomes as L
from queries import outcomes as Q
from queries import places
from queries.common import data_period, synthetic_data

# The trend behind each period choice: a year shows every year since the data begin, a
# quarter the last three years by quarter, a month (or a custom range) the last two years
# by month.
TREND = {"year": ("year", None), "quarter": ("quarter", 12), "month": ("month", 24),
         "custom": ("month", 24)}
HISTORY_MONTHS = 6
# design.md: leave out officers (and units) whose average daily caseload is under 10; and
# flag none on fewer than 5 events (the defaults of the settings, dashboard/config.py).
MIN_CASELOAD = 10
MIN_EVENTS = 5
RULE = M.OutlierRule(MIN_CASELOAD, MIN_EVENTS)


def rule_of(settings) -> M.OutlierRule:
    """The outlier rule of the settings (PROBATION_OUTLIER_MIN_CASELOAD, _MIN_EVENTS)."""
    return M.OutlierRule(settings.outlier_min_caseload, settings.outlier_min_events)


def trend_periods(f: Filters, data_from: date) -> tuple[str, list[M.Period]]:
    grain, count = TREND[f.period]
    first = max(data_from, DATA_FROM)
    periods = M.buckets(first, f.end, grain)
    return grain, periods[-count:] if count else periods


def narrowing_of(f: Filters, region: bool = True) -> Q.Narrowing:
    return Q.Narrowing.of([f.probation_type] if f.probation_type else None,
                          [f.legal_category] if f.legal_category else None,
                          f.region if region else None)


def _unique(periods: list[M.Period]) -> list[M.Period]:
    return list(dict.fromkeys(periods))


def outliers(conn, scope: Scope, f: Filters, level: str,
             rule: M.OutlierRule = RULE) -> tuple[pd.DataFrame, M.Benchmark | None]:
    """Units or officers in scope judged on both events over the last six trailing
    windows: one row per entity, event and window, of the entities that are NEAR or FAR
    on either event in the latest window (the only ones layouts.outcomes.flagged shows);
    and the repeat offences' benchmark of that window (None when nobody is counted)."""
    windows = [M.trailing_months(day) for day in M.month_ends(f.end, HISTORY_MONTHS)]
    # The peers are national whatever region is picked; the region only narrows the rows.
    everywhere = narrowing_of(f, region=False)
    counts = Q.outlier_counts(conn, scope, windows, level, everywhere)
    if scope.role == "ministry":
        # The ministry's own rows are the national pool: count once, use for both.
        benches = Q.benchmarks_of(counts, windows, rule.min_caseload)
    else:
        benches = Q.outlier_benchmarks(conn, scope, windows, level, everywhere,
                                       rule.min_caseload)
    by_window = {event: dict(zip((w.end for w in windows), benches[event], strict=True))
                 for event in Q.OUTLIER_EVENTS}
    # Only the entities the page can name (in scope, in the region picked) are listed;
    # for the whole country that is every one of the peers, so the ids are not read.
    if scope.role != "ministry" or f.region:
        counts = counts[counts.entity_id.isin(Q.entity_ids(conn, scope, level, f.region))]
    if counts.empty:
        return _judged(counts, by_window, pd.DataFrame(columns=NAME_COLUMNS), rule), None
    # The latest window with rows, and its rows, by bisection (the rows come ordered by
    # window end, and a national officer table has over a hundred thousand of them).
    runs = Q.window_runs(counts, windows)
    last = max(end for end, run in runs.items() if run.stop > run.start)
    # A ministry page would judge ~70,000 officer rows and name every officer; the table
    # lists the first OUTLIER_ROWS NEAR or FAR in the latest window, with their history:
    # chosen here as layouts.outcomes.flagged chooses them, in the order _judged gives.
    now = counts.iloc[runs[last]]
    window_end, caseload = now["window_end"].to_numpy(), now["average_caseload"].to_numpy()
    rates = [M.rate_values(now[event].to_numpy(), caseload, rule.min_caseload)[0]
             for event in Q.OUTLIER_EVENTS]
    rated = pd.DataFrame({
        "entity_id": np.tile(now["entity_id"].to_numpy(), len(rates)),
        "rate": np.concatenate(rates),
        "status": pd.Series(np.concatenate([
            M.statuses(rate, window_end, by_window[event], now[event].to_numpy(),
                       rule.min_events)
            for rate, event in zip(rates, Q.OUTLIER_EVENTS, strict=True)]), dtype=object)})
    shown = set(L.listed(rated).entity_id.tolist())
    names = Q.entity_names(conn, scope, level, sorted(shown))
    if f.region:
        names = names[names.region_code == f.region]
    return (_judged(counts[counts.entity_id.isin(shown)], by_window, names, rule),
            by_window["repeat_offences"][last])


NAME_COLUMNS = ["entity_id", "label_kk", "label_ru", "label_en", "region_code", "unit_id"]


def _judged(counts: pd.DataFrame, by_window: dict, names: pd.DataFrame,
            rule: M.OutlierRule = RULE) -> pd.DataFrame:
    """The rows of `counts` judged on each event, with the entities' names (the rows of
    entities without one left out): each event's rows in `counts`' order."""
    # (entity_names gives each entity once: ids are the tables' keys.)
    at = pd.Index(names["entity_id"]).get_indexer(counts["entity_id"])
    kept = np.flatnonzero(at >= 0)
    # With arrays: the page names at most OUTLIER_ROWS entities, six windows each, and
    # frame operations (a copy, maps, a concat, a merge) cost more than the judging.
    window_end = counts["window_end"].to_numpy()[kept]
    entity = counts["entity_id"].to_numpy()[kept]
    caseload = counts["average_caseload"].to_numpy(dtype=float)[kept]
    parts: dict = {c: [] for c in ("events", "rate", "small_sample", "status", "target",
                                   "iqr")}
    for event in Q.OUTLIER_EVENTS:
        benches = by_window[event]
        events = counts[event].to_numpy()[kept]
        rate, small = M.rate_values(events, caseload, rule.min_caseload)
        for name, values in (("events", events), ("rate", rate), ("small_sample", small),
                             ("status", M.statuses(rate, window_end, benches, events,
                                                   rule.min_events)),
                             ("target", [benches[w].target for w in window_end]),
                             ("iqr", [benches[w].iqr for w in window_end])):
            parts[name].append(values)
    n = len(Q.OUTLIER_EVENTS)
    named = at[kept]
    columns = {
        "window_end": np.concatenate([window_end] * n), "entity_id": np.tile(entity, n),
        "event": [e for e in Q.OUTLIER_EVENTS for _ in range(len(kept))],
        **{c: np.concatenate(parts[c]) for c in ("events", "rate", "small_sample")},
        "average_caseload": np.tile(caseload, n),
        "status": pd.Series(np.concatenate(parts["status"]), dtype=object),
        # Lists, inferred as Series.map infers them: floats, or None in a column of Nones
        # (a target or spread is missing for both events or neither: the same peers).
        "target": [v for p in parts["target"] for v in p],
        "iqr": [v for p in parts["iqr"] for v in p],
        **{c: np.tile(names[c].to_numpy()[named], n) for c in NAME_COLUMNS[1:]}}
    order = ["window_end", "entity_id", "event", "events", "average_caseload", "rate",
             "small_sample", "status", "target", "iqr", *NAME_COLUMNS[1:]]
    return pd.DataFrame({c: columns[c] for c in order})


def gather(conn, scope: Scope, f: Filters, data_from: date, data_until: date,
           lang: str) -> L.Outcomes:
    """Everything the page shows, for the place in view (queries.places.in_view) and the
    filters `f` within `scope`: the places ranked are the level below it. A unit picked
    with ?unit= (allowed by in_view) is counted with the scope narrowed to it."""
    view = places.in_view(conn, scope, f, lang)
    scope, f = _counted(view, scope, f)
    current = f.current
    previous, earlier = f.previous(), M.year_earlier(current)
    grain, trend = trend_periods(f, data_from)
    narrowing = narrowing_of(f)
    every = _unique(trend + [current, previous, earlier])
    offences, closed = Q.period_counts(conn, scope, every, narrowing=narrowing)
    by = view.below
    cohort_grain = "year" if grain == "year" else "quarter"
    cohorts = Q.cohort_repeat(conn, scope, M.buckets(max(data_from, DATA_FROM), f.end,
                                                     cohort_grain)[-12:], narrowing)
    place_offences, place_closures = Q.period_counts(conn, scope, [current, earlier], by=by,
                                                     narrowing=narrowing)
    cohorts["complete"] = [end + timedelta(days=366) <= data_until + timedelta(days=1)
                           for end in cohorts.period_end]
    return L.Outcomes(
        current=current, previous=previous, year_earlier=earlier, grain=grain,
        partial=f.partial,
        trend=[(p.start, p.end) for p in trend],
        offences=offences, closures=closed,
        by_place=place_offences.merge(place_closures, on=["period_start", "period_end", "key"],
                                      how="outer").fillna(0),
        place_level=by,
        place_names=Q.place_names(conn, scope, by, f.region, lang),
        place_name=view.place and view.name(""),
        synthetic_transfers=synthetic_data(conn),
        by_type=Q.repeat_offences(conn, scope, [current], by="probation_type",
                                  narrowing=narrowing),
        by_category=Q.repeat_offences(conn, scope, [current], by="legal_category",
                                      narrowing=narrowing),
        escalation=dict(zip(_unique([current, previous, earlier]),
                            Q.escalation(conn, scope, _unique([current, previous, earlier]),
                                         narrowing), strict=True)),
        assistance=Q.assistance_results(conn, scope, current, narrowing),
        cohorts=cohorts,
    )


def _counted(view: places.InView, scope: Scope, f: Filters) -> tuple[Scope, Filters]:
    """The scope and filters the place in view (queries.places.in_view) is counted with:
    a unit picked with ?unit= is counted with the scope narrowed to it."""
    if view.level == "unit" and scope.role != "unit_head":
        scope = scope.narrowed_to_unit(view.unit_id)
    return scope, view.filters(f, scope).within(unit_id=None)


def gather_outliers(conn, scope: Scope, f: Filters, lang: str,
                    rule: M.OutlierRule = RULE) -> L.Outliers:
    """The outliers section of the place in view: its units and officers far above the
    nation's benchmark."""
    scope, f = _counted(places.in_view(conn, scope, f, lang), scope, f)
    unit_outliers, unit_benchmark = outliers(conn, scope, f, "unit", rule)
    regions = places.regions_in_scope(conn, scope, lang)
    return L.Outliers(unit_outliers=unit_outliers,
                      officer_outliers=outliers(conn, scope, f, "officer", rule)[0],
                      unit_benchmark=unit_benchmark, min_caseload=rule.min_caseload,
                      min_events=rule.min_events,
                      region_names=dict(zip(regions.code, regions.name, strict=True)))


def outcomes(ctx: Context, search: str | None, refuse: Refuse = lambda *_: None) -> html.Div:
    def build():
        with ctx.engine.connect() as conn:
            f = parse_filters(conn, ctx, search)
            data_from, data_until = data_period(conn)
            data = gather(conn, ctx.scope, f, data_from, data_until, ctx.lang)
            outliers_ = gather_outliers(conn, ctx.scope, f, ctx.lang, rule_of(ctx.settings))
        return L.page(_view(ctx, f), data, outliers_)
    return _guarded(ctx, refuse, "unit", unit_param(search), build)
