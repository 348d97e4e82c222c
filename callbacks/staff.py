"""The staff page and its what-if: parse the URL, ask queries/staff within the scope,
hand the frames to dashboard.staffing and layouts/staff. Plain functions of a Context."""

from __future__ import annotations

import dataclasses
from datetime import date
from urllib.parse import parse_qs

import dash
import pandas as pd
from dash import Input, Output, State, html, no_update

from callbacks.context import Context
from callbacks.views import (
    Refuse,
    _guarded,
    _id,
    _view,
    counted_in,
    drawn_when_opened,
    parse_filters,
    unit_param,
)
from dashboard import cache, projection, staffing
from dashboard import workload as W
from dashboard.cache import cached
from dashboard.codes import PROBATION_TYPES
from dashboard.filters import DATA_FROM, Filters
from dashboard.i18n import t
from dashboard.scope import Scope
from layouts import forecast as LF
from layouts import pages
from layouts import staff as L
from layouts.shell import breadcrumbs
from queries import forecast as QF
from queries import places
from queries import staff as Q

GROWTH_IDS = tuple(f"staff-growth-{p}" for p in PROBATION_TYPES)


def _in_view(conn, ctx: Context, f: Filters) -> tuple[places.InView, Context]:
    """The place in view (queries.places.in_view) and the Context to count it with: a
    unit picked with ?unit= (checked against the scope there) is counted with the scope
    narrowed to it, as its head's scope would count it."""
    view = places.in_view(conn, ctx.scope, f, ctx.lang)
    return view, counted_in(ctx, view)


def _region(view: places.InView) -> str | None:
    return view.region_code


def timeline_days(as_of: date) -> list[date]:
    """1 January of every year since the data begin, and the day itself."""
    days = [date(y, 1, 1) for y in range(DATA_FROM.year, as_of.year + 1)]
    return days + ([as_of] if as_of not in days else [])


def _names(conn, scope: Scope, lang: str, region: str | None):
    units = Q.units_in_scope(conn, scope, lang, region)
    unit_names = dict(zip(units.unit_id, units.unit_name, strict=True))
    regions = places.regions_in_scope(conn, scope, lang)
    return dict(zip(regions.code, regions.name, strict=True)), unit_names


def officer_capacity(conn, scope: Scope, as_of: date, weights, params: W.CapacityParams,
                     region: str | None = None, unit_id: int | None = None,
                     cached: bool = True):
    """workload.officer_capacity of the officers in post in the place: summed by the
    database (one row per officer comes back) when the weights add up exactly in any
    order, else weighed here from every officer's item counts (the same numbers)."""
    table = W.points_by_item(weights, as_of)
    if W.sums_exactly(table):
        points = tuple((*key, p) for key, p in table.items())
        loads = Q.officer_loads if cached else Q.officer_loads.uncached
        return W.with_capacity(loads(conn, scope, as_of, points, region, unit_id), params)
    return W.officer_capacity(Q.officers_in_post(conn, scope, as_of, region, unit_id),
                              Q.work_items_by_officer(conn, scope, as_of, region, unit_id),
                              weights, as_of, params)


def capacity_summary(conn, scope: Scope, as_of: date, weights, params: W.CapacityParams,
                     level: str, region: str | None, lang: str) -> staffing.CapacitySummary:
    """staffing.capacity_summary of the officers in post in the place: from their numbers
    alone when the database can sum the points (the codes of the most overloaded are
    read afterwards), else from officer_capacity's frame."""
    key = staffing.place_key(level) if level != "unit" else "unit_id"
    table = W.points_by_item(weights, as_of)
    if not W.sums_exactly(table):
        return staffing.capacity_summary(
            officer_capacity(conn, scope, as_of, weights, params, region, cached=False), key,
            L.OVERLOADED_SHOWN)
    points = tuple((*k, p) for k, p in table.items())
    numbers = Q.officer_load_numbers(conn, scope, as_of, points, region)
    units = Q.units_in_scope(conn, scope, lang, region)
    numbers["region_code"] = numbers["unit_id"].map(
        dict(zip(units.unit_id, units.region_code, strict=True)))
    summary = staffing.capacity_summary(W.with_capacity(numbers, params), key,
                                        L.OVERLOADED_SHOWN)
    worst = summary.worst
    codes = Q.officer_codes(conn, scope, worst["officer_id"].tolist())
    return dataclasses.replace(summary, worst=worst.assign(code=worst["officer_id"].map(codes)))


def _recommend(posts, unit_items, weights, as_of: date, level: str, growth, params):
    points = staffing.points_by_place(unit_items, weights, as_of,
                                      level if level != "unit" else "region", growth)
    return staffing.recommend(posts, points, level, params)


def gather(conn, ctx: Context, f: Filters) -> tuple[staffing.StaffData, object]:
    """The staff figures of the place in view (ctx: its Context from _in_view)."""
    view, ctx = _in_view(conn, ctx, f)
    # The weights are read on every request (they are not data of a load, so the data
    # version does not cover them) and their rows are part of the key.
    return _gathered(conn, ctx.scope, ctx.lang, f.as_of, view.level, _region(view),
                     W.CapacityParams.from_env(), Q.weight_rows(conn))


@cached("staff.gathered")
def _gathered(conn, scope: Scope, lang: str, as_of: date, level: str, region: str | None,
              params: W.CapacityParams, weight_rows: tuple) -> tuple[staffing.StaffData,
                                                                     object]:
    """Everything the page shows, computed once per scope, day, place, language, capacity
    parameters and weights: the cached page then skips the weighing of every officer's
    items and the unpickling of the frames it was made from."""
    weights = Q.weights_frame(weight_rows)
    region_names, unit_names = _names(conn, scope, lang, region)
    posts = Q.posts_by_unit(conn, scope, as_of, region)
    unit_items = Q.work_items_by_unit(conn, scope, as_of, region)
    # Weighed once, summed per place of the level below and per unit.
    weighed = W.weigh(unit_items, weights, as_of) if len(unit_items) else None

    def points(by: str) -> pd.Series:
        return (pd.Series(dtype=float) if weighed is None
                else weighed.groupby(staffing.place_key(by))["points"].sum())
    r = staffing.recommend(posts, points(level if level != "unit" else "region"), level, params)
    unit_points = points("region")
    data = staffing.StaffData(
        level=level, names=region_names if level == "nation" else unit_names,
        unit_names=unit_names, posts=posts,
        timeline=Q.headcount_timeline(conn, scope, timeline_days(as_of), region),
        capacity=capacity_summary(conn, scope, as_of, weights, params, level, region, lang),
        units=staffing.units_ranked(posts, unit_points),
        unweighted=W.unweighted_items(unit_items, weights, as_of) if len(unit_items) else 0,
        params=params)
    return data, r


def staff(ctx: Context, search: str | None, refuse: Refuse = lambda *_: None) -> html.Div:
    """The place in view and the level below it: the nation's regions, a region's units,
    a unit's officers (their capacity, in place of posts by source of one unit)."""
    def build():
        with ctx.engine.connect() as conn:
            f = parse_filters(conn, ctx, search)
            view, counted = _in_view(conn, ctx, f)
            data, r = gather(conn, ctx, f)
            fv = forecast_data(conn, counted, f, view, search, data.posts, with_table=False)
            officers = None
            if view.level == "unit":
                officers = officer_capacity(conn, counted.scope, f.as_of,
                                            Q.workload_weights_table(conn),
                                            W.CapacityParams.from_env(), unit_id=view.unit_id)
        v = _view(ctx, f)
        q = f.to_query(region=None, unit=None)
        place_href = ((lambda code: f"/staff{f.to_query(region=code, unit=None)}")
                      if data.level == "nation" else (lambda unit_id: f"/staff/unit/{unit_id}{q}"))
        crumbs = [(t("shell.nation", ctx.lang), f"/staff{q}" if data.level != "nation" else None)]
        if view.level == "region":
            crumbs.append((view.place.region_name, None))
        elif view.level == "unit":
            region_href = (f"/staff{f.to_query(region=view.place.region_code, unit=None)}"
                           if ctx.scope.allows_region(view.place.region_code) else None)
            crumbs += [(view.place.region_name, region_href), (view.place.unit_name, None)]
        body = L.redistribution_body(r, data.names, ctx.lang, data.params)
        hidden = {k: v for k, v in (("region", f.region), ("unit", f.unit_id)) if v}
        forecast = LF.forecast_section(fv, data.names, ctx.lang, data.params.nominal_target,
                                       hidden, f"/staff{f.to_query()}")
        below = None if view.level == "nation" else pages.below_title(view, ctx.lang)
        return L.staff_page(v, t("staff.title", ctx.lang), breadcrumbs(crumbs, ctx.lang), data,
                            body, forecast, place_href,
                            lambda unit_id: f"/staff/unit/{unit_id}{q}",
                            lambda officer_id: f"/staff/officer/{officer_id}{q}",
                            below_title=below, officers=officers)
    return _guarded(ctx, refuse, "unit", unit_param(search), build)


def redistribution(ctx: Context, search: str | None, growth_pct: dict):
    """The what-if: the redistribution again with caseload grown by type. The whole body
    is kept per scope, language, query, growth, capacity parameters and weights (as a
    page is): a repeated what-if is neither weighed nor drawn again."""
    growth = tuple(sorted(staffing.Growth.from_percent(growth_pct).by_type.items()))
    params = W.CapacityParams.from_env()
    with ctx.engine.connect() as conn:
        rows = Q.weight_rows(conn)

    def build() -> html.Div:
        with ctx.engine.connect() as conn:
            f = parse_filters(conn, ctx, search)
            view, counted = _in_view(conn, ctx, f)
            level = view.level
            r = _redistributed(conn, counted.scope, f.as_of, level, _region(view), growth,
                               params, rows)
            region_names, unit_names = _names(conn, counted.scope, ctx.lang, _region(view))
        names = region_names if level == "nation" else unit_names
        return L.redistribution_body(r, names, ctx.lang, params)

    return cache.page("staff.whatif", ctx, (search or "", growth, params, rows), build,
                      lambda: True)


@cached("staff.redistributed")
def _redistributed(conn, scope: Scope, as_of: date, level: str, region: str | None,
                   growth: tuple, params: W.CapacityParams, weight_rows: tuple):
    """The what-if's redistribution, once per scope, day, place, growth, capacity
    parameters and weights (read on every request, so their rows are in the key)."""
    posts = Q.posts_by_unit(conn, scope, as_of, region)
    items = Q.work_items_by_unit(conn, scope, as_of, region)
    return _recommend(posts, items, Q.weights_frame(weight_rows), as_of, level, dict(growth),
                      params)


def _crumbs(ctx: Context, f: Filters, place, officer: bool):
    q = f.to_query(region=None)
    items = [(t("shell.nation", ctx.lang), f"/staff{q}"),
             (place.region_name, f"/staff{f.to_query(region=place.region_code)}"),
             (place.unit_name, f"/staff/unit/{place.unit_id}{q}" if officer else None)]
    if officer:
        items.append((f"{t('shell.level.officer', ctx.lang)} {place.officer_code}", None))
    return breadcrumbs(items, ctx.lang)


def unit_workload(ctx: Context, raw_id: str, search: str | None, refuse: Refuse):
    def build():
        with ctx.engine.connect() as conn:
            place = places.unit(conn, ctx.scope, _id(raw_id), ctx.lang)
            f = parse_filters(conn, ctx, search).within(region=None, unit_id=None)
            officers = officer_capacity(conn, ctx.scope, f.as_of,
                                        Q.workload_weights_table(conn),
                                        W.CapacityParams.from_env(), unit_id=place.unit_id)
        q = f.to_query()
        return L.unit_workload_page(
            _view(ctx, f), f"{place.unit_name}: {t('staff.link.workload', ctx.lang)}",
            _crumbs(ctx, f, place, officer=False), officers, {place.unit_id: place.unit_name},
            W.CapacityParams.from_env(), lambda o: f"/staff/officer/{o}{q}",
            f"/unit/{place.unit_id}{q}")
    return _guarded(ctx, refuse, "unit", raw_id, build)


def officer_workload(ctx: Context, raw_id: str, search: str | None, refuse: Refuse):
    def build():
        with ctx.engine.connect() as conn:
            place = places.officer(conn, ctx.scope, _id(raw_id), ctx.lang)
            f = parse_filters(conn, ctx, search).within(region=None, unit_id=None)
            weights = Q.workload_weights_table(conn)
            params = W.CapacityParams.from_env()
            cap = officer_capacity(conn, ctx.scope, f.as_of, weights, params,
                                   unit_id=place.unit_id)
            cap = cap[cap.officer_id == place.officer_id]
            cases = staffing.case_points(
                Q.officer_cases(conn, ctx.scope, f.as_of, place.officer_id), weights, f.as_of)
        q = f.to_query()
        summary = cap.iloc[0].to_dict() if len(cap) else None
        return L.officer_workload_page(
            _view(ctx, f), f"{t('shell.level.officer', ctx.lang)} {place.officer_code}: "
            f"{t('staff.link.workload', ctx.lang)}", _crumbs(ctx, f, place, officer=True),
            summary, cases, lambda c: f"/case/{c}{q}", f"/officer/{place.officer_id}{q}")
    return _guarded(ctx, refuse, "officer", raw_id, build)


def weights_table(ctx: Context, search: str | None) -> html.Div:
    """The workload weights in force on the page's day (the same for every scope)."""
    with ctx.engine.connect() as conn:
        f = parse_filters(conn, ctx, search)
        weights = Q.weights_frame(Q.weight_rows(conn))
    return L.weights_table(staffing.weights_in_force(weights, f.as_of), ctx.lang)


def forecast_table(ctx: Context, search: str | None,
                   refuse: Refuse = lambda *_: None) -> html.Div:
    """The forecast's table of the level below, for its folded section opened on the
    page: the place in view checked against the scope, as the page's is."""
    def build():
        with ctx.engine.connect() as conn:
            f = parse_filters(conn, ctx, search)
            view, counted = _in_view(conn, ctx, f)
            fv = forecast_data(conn, counted, f, view, search)
            region_names, unit_names = _names(conn, counted.scope, ctx.lang, _region(view))
        names = region_names if view.level == "nation" else unit_names
        if fv.table is None:  # within a unit, or no forecast stored
            return html.P(t("staff.forecast.none", ctx.lang), className="text-muted")
        return LF.forecast_table(fv.table, names, view.level, ctx.lang, fv.shock is not None)
    return _guarded(ctx, refuse, "unit", unit_param(search), build)


def bind(app: dash.Dash, current, refuse: Refuse = lambda *_: None) -> None:
    """The what-if and the two folded tables (the forecast's and the weights); `current`
    gives the request's Context, `refuse` audits a refused place."""
    drawn_when_opened(app, "staff-forecast-table-body", "staff-forecast-table-open",
                      lambda search: forecast_table(current(), search, refuse))
    drawn_when_opened(app, "staff-weights-body", "staff-weights-open",
                      lambda search: weights_table(current(), search))

    @app.callback(Output("staff-redistribution", "children"),
                  [Input(i, "value") for i in GROWTH_IDS], State("url", "search"),
                  prevent_initial_call=True)
    def staff_whatif(*values):
        *growth, search = values
        # A forged request can send anything: a query that is not text is no query.
        search = search if isinstance(search, str) else ""
        try:
            return redistribution(current(), search, dict(zip(PROBATION_TYPES, growth,
                                                              strict=True)))
        except places.NotFound:  # a ?unit= that names no unit: nothing to redistribute
            return no_update


def forecast_data(conn, ctx: Context, f: Filters, view: places.InView,
                  search: str | None, posts: pd.DataFrame | None = None,
                  with_table: bool = True) -> projection.ForecastView:
    """The forecast of the place in view and of the level below, the load it implies on
    today's filled posts and the redistribution, with the URL's shock (ctx: the Context
    the place is counted with; `posts`: posts_by_unit's frame, when already read). Without
    `with_table`, the level below's table only with a shock (the staff page folds it)."""
    scope, level = ctx.scope, view.level
    region = view.place.region_code if view.place is not None else None
    place = QF.place(conn, scope, region, view.place.unit_id if level == "unit" else None)
    fresh = QF.fresh(conn)
    if place.empty:
        return projection.ForecastView(level, pd.Series(dtype=float), place, None, None,
                                       None, None, fresh, None)
    last = place["month"].max().date()
    origin = QF.origin(conn) or (place["month"].min() - pd.offsets.MonthEnd(1)).date()
    query = parse_qs((search or "").lstrip("?"))
    shock, error = projection.parse_shock({k: v[-1] for k, v in query.items()}, origin, last)
    history = QF.history(conn, scope, region, view.place.unit_id if level == "unit" else None)
    items = (Q.work_items_by_unit(conn, scope, f.as_of, region)
             if level != "unit" or shock else None)
    if shock is not None:
        place = _shocked(place, items, shock)
    table = (_forecast_table(conn, scope, f.as_of, level, region, last, shock, items, posts)
             if level != "unit" and (with_table or shock is not None) else None)
    return projection.ForecastView(level, history, place, table, QF.national_backtest(conn),
                                   shock, error, fresh, origin)


def _shocked(place: pd.DataFrame, items: pd.DataFrame, shock) -> pd.DataFrame:
    """`place` with a "shocked" column on its all-types rows: the forecast with the shock."""
    cases = items[items["work_item"] == "case"]
    ptype = projection.shock_type(shock)
    category_today = float(cases.loc[cases["legal_category"] == shock.category, "items"].sum())
    type_today = float(cases.loc[cases["probation_type"] == ptype, "items"].sum())
    total = place["probation_type"].isna()
    of_type = place[place["probation_type"] == ptype].set_index("month")["mean"]
    mean = place[total].set_index("month")["mean"]
    line = projection.shocked_line(mean, category_today, type_today,
                                   of_type.reindex(mean.index).fillna(type_today), shock)
    out = place.copy()
    out.loc[total, "shocked"] = line.to_numpy()
    return out


def _forecast_table(conn, scope: Scope, as_of: date, level: str, region: str | None,
                    last: date, shock, items: pd.DataFrame,
                    posts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per place of the level below: cases today and forecast, capacity of today's filled
    posts now and in 12 months (and with the shock), the posts recommended now and under
    the forecast (and with the shock)."""
    params = W.CapacityParams.from_env()
    weights = Q.weights_frame(Q.weight_rows(conn))
    if posts is None:
        posts = Q.posts_by_unit(conn, scope, as_of, region)
    below = QF.below(conn, scope, region if level == "region" else None, last)
    key = staffing.place_key(level)
    ahead_rows = below[below["month"] == pd.Timestamp(last)]
    place_col = "region_code" if level == "nation" else "unit_id"
    by_type = ahead_rows[ahead_rows["probation_type"].notna()]
    ahead = {(int(p) if key == "unit_id" else p, t_): m for p, t_, m in zip(
        by_type[place_col], by_type["probation_type"], by_type["mean"], strict=True)}
    totals = ahead_rows[ahead_rows["probation_type"].isna()].set_index(place_col)
    if key == "unit_id":
        totals.index = totals.index.astype(int)
    filled = staffing.posts_by_place(posts, level)["filled"]
    cases_by_type = projection.cases_today(items, key)
    today = cases_by_type.groupby(level=0).sum()
    # Weighed once: a load ahead is these points times each row's growth.
    weighed = W.weigh(items, weights, as_of) if len(items) else None

    def load(factor: pd.Series | None = None) -> pd.Series:
        if weighed is None:
            return pd.Series(dtype=float)
        points = weighed["points"] if factor is None else weighed["points"] * factor
        return points.groupby(weighed[key]).sum()

    def growth(with_shock=None) -> pd.Series:
        return projection.growth_factors(items, key, ahead, with_shock, cases_by_type)

    loads = {"now": load(), "ahead": load(growth())}
    if shock is not None:
        loads["shock"] = load(growth(shock))
    out = pd.DataFrame(index=sorted(set(filled.index) | set(totals.index), key=str))
    out["cases"] = today.reindex(out.index).fillna(0.0)
    for col in ("mean", "lower", "upper"):
        out[col] = totals[col].reindex(out.index) if len(totals) else float("nan")
    out["filled"] = filled.reindex(out.index).fillna(0)
    for name, pts in loads.items():
        pts = pts.reindex(out.index).fillna(0.0)
        out[f"capacity_{name}"] = [projection.capacity_pct(p, n, params.nominal_target)
                                   for p, n in zip(pts, out["filled"], strict=True)]
        r = staffing.recommend(posts, pts, level, params)
        rec = r.places.set_index("place") if r is not None else None
        if name == "now" and rec is not None:
            out["posts"] = rec["posts"].reindex(out.index)
        out[f"recommended_{name}"] = (rec["recommended"].reindex(out.index)
                                      if rec is not None else float("nan"))
    return out.rename_axis("place").reset_index()
