"""Each page's body from its URL: parse the filters, ask the queries within the scope,
hand the results to layouts. Plain functions of a Context, so tests call them directly."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlencode

import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from callbacks.context import Context
from dashboard.filters import DATA_FROM, DEFAULT_METRIC, MAP_METRICS, Filters
from dashboard.i18n import t
from dashboard.scope import NotPermitted
from layouts import pages, positions, shell
from layouts.case import case_summary, timeline
from layouts.export import download
from layouts.shell import message_page
from layouts.tables import caseload_frame, caseload_grid, officer_cases_table
from queries import caseload as caseload_q
from queries import drill, kpis, places
from queries import timeline as timeline_q
from queries.common import data_period

Refuse = Callable[[str, str], None]
ANY = shell.ANY


def unit_param(search: str | None) -> str:
    """The ?unit= of the URL as sent, for the audit record of a refusal."""
    values = parse_qs((search or "").lstrip("?")).get("unit")
    return values[-1].strip()[:40] if values else ""


def _no_refusal(_what: str, _target: str) -> None:
    return None


def parse_filters(conn, ctx: Context, search: str | None) -> Filters:
    _, until = data_period(conn)
    allowed = places.region_codes_in_scope(conn, ctx.scope)
    return Filters.from_query(search, until, allowed_regions=allowed)


def _view(ctx: Context, f: Filters) -> pages.View:
    return pages.View(lang=ctx.lang, filters=f, small_min=ctx.settings.small_sample_min)


def map_values(table: pd.DataFrame, metric: str) -> pd.Series:
    """The number each region is coloured by."""
    if metric == "caseload_per_post":
        posts = table.filled_posts.where(table.filled_posts > 0)
        return (table.on_register / posts).astype(float).fillna(0.0)
    return table[metric].astype(int)


BELOW_PATHS = {"region": "/region/{}", "unit": "/unit/{}", "officer": "/officer/{}"}
"""Where a row of the level below leads: that place's own page."""


def officer_label(code: str, lang: str) -> str:
    return f"{t('shell.level.officer', lang)} {code}"


def places_below(conn, ctx: Context, view: places.InView, f: Filters) -> pd.DataFrame:
    """The level below the place in view, one row each with its KPI counts (the drill
    tables): the nation's regions, a region's units, a unit's officers."""
    narrowed = view.filters(f, ctx.scope)
    if view.below == "region":
        return drill.regions_table(conn, ctx.scope, narrowed, ctx.lang)
    if view.below == "unit":
        return drill.units_table(conn, ctx.scope, narrowed, ctx.lang)
    staff = drill.officers_table(conn, ctx.scope, narrowed)
    return staff.assign(name=[officer_label(code, ctx.lang) for code in staff.name])


def counted_in(ctx: Context, view: places.InView) -> Context:
    """The Context to count the place in view with: a unit picked with ?unit= (allowed by
    in_view) is counted with the scope narrowed to it, as its head's scope counts it, for
    the queries that narrow by scope and region only."""
    if view.level == "unit" and ctx.scope.role != "unit_head":
        return dataclasses.replace(ctx, scope=ctx.scope.narrowed_to_unit(view.unit_id))
    return ctx


def headline_in_view(conn, ctx: Context, view: places.InView, f: Filters,
                     below: pd.DataFrame) -> kpis.Headline:
    """The place's own figures: the sum of its regions or units; a unit's are counted
    for the unit (cases no officer holds belong to no officer's row)."""
    if view.below == "officer":
        return kpis.headline(conn, ctx.scope, view.filters(f, ctx.scope))
    return kpis.headline_of(below)


def overview(ctx: Context, search: str | None, refuse: Refuse = _no_refusal) -> html.Div:
    def build():
        with ctx.engine.connect() as conn:
            f = parse_filters(conn, ctx, search)
            view = places.in_view(conn, ctx.scope, f, ctx.lang)
            below = places_below(conn, ctx, view, f)
            headline = headline_in_view(conn, ctx, view, f, below)
            beside = kpis.beside(conn, ctx.scope, view.filters(f, ctx.scope), view.level,
                                 view.place)
            outline = places.all_regions(conn, ctx.lang) if view.below == "region" else None
            if view.below == "unit":
                below = with_positions(conn, view, below)
        v = _view(ctx, f)
        return pages.overview(v, view, headline, below, outline, map_values(below, f.metric),
                              lambda key: BELOW_PATHS[view.below].format(key)
                              + f.to_query(region=None, unit=None), beside)
    return _guarded(ctx, refuse, "unit", unit_param(search), build)


def with_positions(conn, view: places.InView, units: pd.DataFrame) -> pd.DataFrame:
    """A region's units with the column `position`: where the region's map draws each
    ((lon, lat), or None: unknown), found by its name in any language."""
    names = places.unit_names(conn, units.key)
    return units.assign(position=[positions.position(view.region_code, *names.get(key, ()))
                                  for key in units.key])


def caseload_by_place(conn, ctx: Context, view: places.InView, f: Filters) -> pd.DataFrame:
    """Cases on the register per place of the level below the place in view and
    probation type (queries.caseload.by_place_and_type), officers named as on screen."""
    frame = caseload_q.by_place_and_type(conn, ctx.scope, view.filters(f, ctx.scope),
                                         view.below, ctx.lang)
    if view.below == "officer":
        frame = frame.assign(place=[t("shell.no_officer", ctx.lang) if code is None
                                    else officer_label(code, ctx.lang)
                                    for code in frame.place])
    return frame


def caseload(ctx: Context, search: str | None, refuse: Refuse = _no_refusal) -> html.Div:
    def build():
        with ctx.engine.connect() as conn:
            f = parse_filters(conn, ctx, search)
            view = places.in_view(conn, ctx.scope, f, ctx.lang)
            narrowed = view.filters(f, ctx.scope)
            data_from, _ = data_period(conn)
            by_place_type = caseload_by_place(conn, ctx, view, f)
            by_category = caseload_q.by_category(conn, ctx.scope, narrowed)
            trend = caseload_q.monthly_trend(conn, ctx.scope, narrowed,
                                             since=max(data_from, DATA_FROM))
        return pages.caseload(_view(ctx, f), view, by_place_type, by_category, trend,
                              caseload_grid(caseload_frame(by_place_type, ctx.lang, view.below),
                                            ctx.lang))
    return _guarded(ctx, refuse, "unit", unit_param(search), build)


def caseload_export(ctx: Context, search: str | None, fmt: str) -> dict:
    """The caseload grid's rows as a dcc.Download payload (csv or xlsx): the level below
    the place in view, as on screen. A ?unit= outside the scope raises NotPermitted."""
    with ctx.engine.connect() as conn:
        f = parse_filters(conn, ctx, search)
        view = places.in_view(conn, ctx.scope, f, ctx.lang)
        frame = caseload_frame(caseload_by_place(conn, ctx, view, f), ctx.lang, view.below)
    return download(frame, f"caseload_{f.as_of.isoformat()}", fmt,
                    t("caseload.title", ctx.lang))


def _guarded(ctx: Context, refuse: Refuse, what: str, target: str, build):
    """Run `build`; an unknown id gives the not-found page, one outside the scope the
    not-permitted page (and an audit record). Never an error response."""
    try:
        return build()
    except places.NotFound:
        return message_page("not_found", ctx.lang)
    except NotPermitted:
        refuse(what, target)
        return message_page("not_permitted", ctx.lang)


def drawn_when_opened(app, body_id: str, summary_id: str,
                      draw: Callable[[str | None], object]) -> None:
    """A folded section (html.Details) whose body `draw(search)` gives when its summary is
    first clicked: closing and opening it again keeps what was drawn."""
    @app.callback(Output(body_id, "children"), Input(summary_id, "n_clicks"),
                  State("url", "search"), prevent_initial_call=True)
    def opened(clicks, search):
        if clicks != 1:
            return no_update
        # A forged request can send anything: a query that is not text is no query.
        return draw(search if isinstance(search, str) else None)


def _id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 12:
        raise places.NotFound
    return int(raw)


def region(ctx: Context, code: str, search: str | None, refuse: Refuse) -> html.Div:
    def build():
        with ctx.engine.connect() as conn:
            place = places.region(conn, ctx.scope, code, ctx.lang)
            f = parse_filters(conn, ctx, search).within(region=code, unit_id=None)
            units = drill.units_table(conn, ctx.scope, f, ctx.lang)
            headline = kpis.headline_of(units)
            beside = kpis.beside(conn, ctx.scope, f, "region", place)
        v = _view(ctx, f)
        title = t("shell.below.unit", ctx.lang, place=place.region_name)
        below = pages.child_section(title, pages.places_table(
            units, ctx.lang, ctx.settings.small_sample_min,
            lambda key: v.link(f"/unit/{key}"), "units-table", title))
        return pages.place_page(v, place.region_name,
                                pages.crumbs_for(v, place, t("shell.nation", ctx.lang), "region"),
                                headline, below, beside)
    return _guarded(ctx, refuse, "region", code, build)


def unit(ctx: Context, raw_id: str, search: str | None, refuse: Refuse) -> html.Div:
    def build():
        with ctx.engine.connect() as conn:
            place = places.unit(conn, ctx.scope, _id(raw_id), ctx.lang)
            f = parse_filters(conn, ctx, search).within(region=None, unit_id=place.unit_id)
            headline = kpis.headline(conn, ctx.scope, f)
            beside = kpis.beside(conn, ctx.scope, f, "unit", place)
            staff = drill.officers_table(conn, ctx.scope, f)
        v = _view(ctx, f.within(unit_id=None))
        staff["name"] = [f"{t('shell.level.officer', ctx.lang)} {code}" for code in staff.name]
        title = t("shell.below.officer", ctx.lang, place=place.unit_name)
        below = pages.child_section(title, pages.places_table(
            staff, ctx.lang, ctx.settings.small_sample_min,
            lambda key: v.link(f"/officer/{key}"), "officers-table", title),
            pages.officer_rule(ctx.lang, f.as_of))
        return pages.place_page(v, place.unit_name,
                                pages.crumbs_for(v, place, t("shell.nation", ctx.lang), "unit"),
                                headline, below, beside)
    return _guarded(ctx, refuse, "unit", raw_id, build)


def officer(ctx: Context, raw_id: str, search: str | None, refuse: Refuse) -> html.Div:
    def build():
        with ctx.engine.connect() as conn:
            place = places.officer(conn, ctx.scope, _id(raw_id), ctx.lang)
            f = parse_filters(conn, ctx, search).within(region=None, unit_id=None,
                                                        officer_id=place.officer_id)
            headline = kpis.headline(conn, ctx.scope, f)
            beside = kpis.beside(conn, ctx.scope, f, "officer", place)
            open_cases = drill.officer_cases(conn, ctx.scope, f)
        v = _view(ctx, f.within(officer_id=None))
        below = pages.child_section(t("caseload.officer.cases", ctx.lang), officer_cases_table(
            open_cases, ctx.lang, lambda key: v.link(f"/case/{key}")),
            pages.officer_rule(ctx.lang, f.as_of))
        title = f"{t('shell.level.officer', ctx.lang)} {place.officer_code}"
        return pages.place_page(v, title, pages.crumbs_for(v, place, t("shell.nation", ctx.lang),
                                                           "officer"), headline, below, beside)
    return _guarded(ctx, refuse, "officer", raw_id, build)


def case(ctx: Context, raw_id: str, search: str | None, refuse: Refuse,
         record_view: Callable[[int], None] = lambda _id: None) -> html.Div:
    def build():
        with ctx.engine.connect() as conn:
            header = places.case_header(conn, ctx.scope, _id(raw_id), ctx.lang)
            record_view(header.id)
            events = timeline_q.case_timeline(conn, header)
            f = parse_filters(conn, ctx, search)
        v = _view(ctx, f.within(region=None, unit_id=None))
        title = t("caseload.case.title", ctx.lang, id=header.id)
        return pages.case_page(v, title, pages.crumbs_for(v, header.place,
                                                          t("shell.nation", ctx.lang), "case",
                                                          header.id),
                               case_summary(header, ctx.lang, lambda key: v.link(f"/case/{key}")),
                               timeline(events, ctx.lang, header.synthetic_transfer_out))
    return _guarded(ctx, refuse, "case", raw_id, build)


PLACE_PATHS = re.compile(r"^/(?:(region)/(KZ-\d{2})|(?:milestones/|staff/)?(unit)/(\d{1,12}))/?$")
"""The pages about one region or unit: the filter bar shows that place."""


def _place_of_path(conn, ctx: Context, pathname: str | None) -> places.Place | None:
    """The region or unit a page's path names, within the scope (None: none, or one the
    user may not see: the page itself says so)."""
    match = PLACE_PATHS.match(pathname or "")
    if not match:
        return None
    try:
        if match.group(1):
            return places.region(conn, ctx.scope, match.group(2), ctx.lang)
        return places.unit(conn, ctx.scope, int(match.group(4)), ctx.lang)
    except (places.NotFound, NotPermitted):
        return None


def filter_controls(ctx: Context, search: str | None, pathname: str | None = None) -> tuple:
    """The filter bar's values for the URL: period, from, to, as of, type, category,
    region (ANY for all), and the place line (the unit in view, or ""). The region is the
    page's (/region/<ISO>, /unit/<id>), else the one picked, else the user's own (a region
    or unit head's bar is fixed to it)."""
    with ctx.engine.connect() as conn:
        f = parse_filters(conn, ctx, search)
        place = _place_of_path(conn, ctx, pathname)
        if place is None:
            try:
                place = places.in_view(conn, ctx.scope, f, ctx.lang).place
            except (places.NotFound, NotPermitted):
                place = None
    region = place.region_code if place is not None else f.region
    unit: str | list = (f"{t('shell.level.unit', ctx.lang)}: {place.unit_name}"
                        if place is not None and place.unit_id is not None else "")
    if unit and f.unit_id is not None and ctx.scope.role != "unit_head":
        # A unit picked with ?unit=: a way back up to its region, the filters kept.
        path = pathname if isinstance(pathname, str) and pathname.startswith("/") else "/"
        unit = [html.Span(unit, id="filter-place-unit"), " · ",
                dcc.Link(t("shell.filters.whole_region", ctx.lang, region=place.region_name),
                         href=path + f.to_query(unit=None, region=place.region_code),
                         id="filter-place-up")]
    return (f.period, f.start.isoformat(), f.end.isoformat(), f.as_of.isoformat(),
            f.probation_type or ANY, f.legal_category or ANY, region or ANY, unit)


def query_from_controls(period, first, last, as_of, probation_type, category, region,
                        search: str | None, fixed_region: bool = False) -> str:
    """The URL query for the filter bar's values; the map metric is kept, and the unit
    picked (?unit=) while the region stays the same. The as-of day is dropped when it is
    the period's end, so a new period moves it along. `fixed_region`: the bar's region is
    the user's own (a region or unit head) and the URL's region is kept as it was."""
    before = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}
    if fixed_region:
        region = before.get("region") or ANY
    same_region = (before.get("region") or ANY) == (region or ANY)
    kept = {k: v for k, v in before.items()
            if k == "metric" or (k == "unit" and same_region)}
    params = {"period": period or None, "to": last or None,
              "from": first if period == "custom" else None,
              "asof": as_of if as_of and as_of != last else None,
              "type": probation_type, "category": category, "region": region, **kept}
    params = {k: v for k, v in params.items() if v and v != ANY}
    return "?" + urlencode(params) if params else ""


def href_from_controls(pathname: str | None, region: str | None, page_region: str | None,
                       query: str) -> str:
    """Where Apply leads: the same page with the new query; from a region's or unit's
    page (whose region is `page_region`) to the region picked, or to the overview for
    all regions, when it is another."""
    path = pathname if isinstance(pathname, str) and pathname.startswith("/") else "/"
    if PLACE_PATHS.match(path) and page_region and (region or ANY) != page_region:
        path = f"/region/{region}" if region and region != ANY else "/"
    return path + query


def apply_filters(ctx: Context, values: tuple, search: str | None,
                  pathname: str | None) -> str:
    """The href the filter bar's Apply leads to (see query_from_controls and
    href_from_controls); a region or unit head's region stays their own."""
    fixed = ctx.scope.role != "ministry"
    query = query_from_controls(*values, search, fixed_region=fixed)
    page_region = None
    if not fixed and PLACE_PATHS.match(pathname or ""):
        with ctx.engine.connect() as conn:
            place = _place_of_path(conn, ctx, pathname)
        page_region = place.region_code if place is not None else None
    return href_from_controls(pathname, values[6], page_region, query)


def with_metric(search: str | None, metric: str | None) -> str | None:
    """The query with the map metric changed, or None when it does not change (the
    selector fires when it first appears)."""
    params = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}
    if metric not in MAP_METRICS or params.get("metric", DEFAULT_METRIC) == metric:
        return None
    params["metric"] = metric
    return "?" + urlencode(params)


def region_href(click_data: dict | None, search: str | None) -> str | None:
    """Where a click on the map leads: the clicked region's page, filters kept. The click
    names the region by its trace's customdata (assets/map.js)."""
    try:
        code = click_data["points"][0]["customdata"]
    except (TypeError, KeyError, IndexError):
        return None
    if not isinstance(code, str) or not code.startswith("KZ-") or len(code) != 5:
        return None
    params = (search or "").lstrip("?")
    return f"/region/{code}" + (f"?{params}" if params else "")


def unit_href(ctx: Context, click_data: dict | None, search: str | None,
              refuse: Refuse = _no_refusal) -> str | None:
    """Where a click on a unit's marker on a region's map leads: that unit's page, the
    filters kept (but not the region or ?unit=, which the page's path replaces). The click
    names the unit by its id (assets/map.js); an id that is no unit, or one outside the
    scope (a forged click), leads nowhere, and the latter is recorded as a refusal."""
    try:
        unit_id = click_data["points"][0]["customdata"]
    except (TypeError, KeyError, IndexError):
        return None
    if type(unit_id) is not int or not 0 < unit_id < 10 ** 12:
        return None
    with ctx.engine.connect() as conn:
        try:
            places.unit(conn, ctx.scope, unit_id, ctx.lang)
        except places.NotFound:
            return None
        except NotPermitted:
            refuse("unit", str(unit_id))
            return None
        f = parse_filters(conn, ctx, search)
    return BELOW_PATHS["unit"].format(unit_id) + f.to_query(region=None, unit=None)


def map_href(ctx: Context, click_data: dict | None, search: str | None,
             refuse: Refuse = _no_refusal) -> str | None:
    """Where a click on the overview map leads: a region's code (the nation's map) or a
    unit's id (a region's map)."""
    if _clicked_unit(click_data):
        return unit_href(ctx, click_data, search, refuse)
    return region_href(click_data, search)


def _clicked_unit(click_data) -> bool:
    try:
        return not isinstance(click_data["points"][0]["customdata"], str)
    except (TypeError, KeyError, IndexError):
        return False
