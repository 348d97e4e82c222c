"""The Milestones pages and the worklist grid: parse the URL, ask queries/milestones within
the user's scope, hand the results to layouts/milestones. Plain functions of a Context, so
tests call them directly; `bind` attaches the grid and export callbacks to an app."""

from __future__ import annotations

import re

import dash
from dash import Input, Output, State, html

from callbacks import context
from callbacks.context import Context
from callbacks.views import Refuse, _guarded, _id, _view, parse_filters, unit_param
from dashboard import rules as R
from dashboard.codes import MILESTONE_KINDS
from dashboard.filters import Filters
from dashboard.i18n import t
from dashboard.scope import NotPermitted
from layouts import milestones as L
from layouts import pages
from layouts.export import download
from layouts.formatting import day
from queries import milestones as M
from queries import places

MAX_BLOCK = 500
PATH = re.compile(r"^/milestones(?:/(unit|officer)/(\d{1,12}))?/?$")


def _where(f: Filters, unit_id: int | None = None, officer_id: int | None = None) -> M.Where:
    return M.Where(region=f.region, unit_id=unit_id, officer_id=officer_id,
                   probation_type=f.probation_type, legal_category=f.legal_category)


def _body(ctx: Context, conn, f: Filters, where: M.Where, level: str | None,
          href, profile_href=None, title: str | None = None) -> list:
    rules = R.DeadlineRules.from_env()
    scope, lang = ctx.scope, ctx.lang
    by_kind = M.overdue_breakdown(conn, scope, f.as_of, "kind", where)
    soon = M.due_soon(conn, scope, f.as_of, where)
    headline = L.Headline(due=int(by_kind.due.sum()), overdue=int(by_kind.overdue.sum()),
                          due_soon=int(soon.due.sum()))
    gaps = M.new_type_gaps(conn, scope, f.as_of, f.start, f.end, where, rules)
    parts = [L.headline_cards(headline, gaps, lang, day(f.as_of, lang))]
    rule = pages.officer_rule(lang, f.as_of)  # figures per officer, or of one officer
    if where.officer_id is not None:
        parts.append(rule)
    if level is not None:
        table, bench = M.timeliness(conn, scope, f.as_of, level, where, lang=lang)
        parts.append(pages.child_section(
            title or t(f"milestones.places.{level}", lang),
            L.places_table(table, level, lang, href, profile_href, M.MIN_CASELOAD, bench),
            rule if level == "officer" else None))
    parts.append(L.charts(M.aging(conn, scope, f.as_of, where), by_kind,
                          M.overdue_breakdown(conn, scope, f.as_of, "probation_type", where),
                          M.overdue_at_month_ends(conn, scope, f.as_of, 12, where), soon,
                          rules, lang))
    parts.append(L.rules_help(rules, lang))
    parts.append(L.worklist_section(lang))
    return parts


def _heading(v: pages.View, title: str, crumbs=None) -> list:
    return pages._heading(title, v, crumbs)


def where_in_view(view: places.InView, f: Filters, scope) -> M.Where:
    """The narrowing of the place in view (queries.places.in_view) and the filters."""
    return M.Where(region=view.region_code, unit_id=view.unit_to_narrow(scope),
                   probation_type=f.probation_type, legal_category=f.legal_category)


def page(ctx: Context, search: str | None, refuse: Refuse = lambda *_: None) -> html.Div:
    """/milestones: the level below the place in view (queries.places.in_view): the
    nation's regions, a region's units (a region head's, or the one picked), a unit's
    officers (a unit head's, or ?unit=)."""
    def build():
        with ctx.engine.connect() as conn:
            f = parse_filters(conn, ctx, search)
            view = places.in_view(conn, ctx.scope, f, ctx.lang)
            v = _view(ctx, f)
            links = _view(ctx, f.within(region=None, unit_id=None))
            level = view.below
            drills = {"region": lambda key: "/milestones" + f.to_query(region=key, unit=None),
                      "unit": lambda key: links.link(f"/milestones/unit/{key}"),
                      "officer": lambda key: links.link(f"/milestones/officer/{key}")}
            profiles = {"region": lambda key: links.link(f"/region/{key}"),
                        "unit": lambda key: links.link(f"/unit/{key}"),
                        "officer": lambda key: links.link(f"/officer/{key}")}
            title = None if view.level == "nation" else pages.below_title(view, ctx.lang)
            body = _body(ctx, conn, f, where_in_view(view, f, ctx.scope), level, drills[level],
                         profiles[level], title)
        return html.Div([*_heading(v, t("milestones.title", ctx.lang)), *body])
    return _guarded(ctx, refuse, "unit", unit_param(search), build)


def unit_page(ctx: Context, raw_id: str, search: str | None, refuse: Refuse) -> html.Div:
    def build():
        with ctx.engine.connect() as conn:
            place = places.unit(conn, ctx.scope, _id(raw_id), ctx.lang)
            f = parse_filters(conn, ctx, search).within(region=None, unit_id=None)
            v = _view(ctx, f)
            body = _body(ctx, conn, f, _where(f, unit_id=place.unit_id), "officer",
                         lambda key: v.link(f"/milestones/officer/{key}"),
                         lambda key: v.link(f"/officer/{key}"))
        crumbs = pages.crumbs_for(v, place, t("shell.nation", ctx.lang), "unit")
        return html.Div([*_heading(v, t("milestones.unit_title", ctx.lang,
                                        name=place.unit_name), crumbs), *body])
    return _guarded(ctx, refuse, "unit", raw_id, build)


def officer_page(ctx: Context, raw_id: str, search: str | None, refuse: Refuse) -> html.Div:
    def build():
        with ctx.engine.connect() as conn:
            place = places.officer(conn, ctx.scope, _id(raw_id), ctx.lang)
            f = parse_filters(conn, ctx, search).within(region=None, unit_id=None)
            v = _view(ctx, f)
            body = _body(ctx, conn, f, _where(f, officer_id=place.officer_id), None, None)
        crumbs = pages.crumbs_for(v, place, t("shell.nation", ctx.lang), "officer")
        return html.Div([*_heading(v, t("milestones.officer_title", ctx.lang,
                                        code=place.officer_code), crumbs), *body])
    return _guarded(ctx, refuse, "officer", raw_id, build)


# --- the worklist grid ------------------------------------------------------------------

def place_of(ctx: Context, conn, pathname: str | None, f: Filters) -> M.Where:
    """The narrowing the page's path asks for, checked against the scope (the path comes
    from the browser: a unit or officer outside the scope raises NotPermitted)."""
    match = PATH.match(pathname or "")
    if not match:
        raise NotPermitted
    level, raw = match.groups()
    if level == "unit":
        unit = places.unit(conn, ctx.scope, int(raw))
        return _where(f.within(region=None, unit_id=None), unit_id=unit.unit_id)
    if level == "officer":
        officer = places.officer(conn, ctx.scope, int(raw))
        return _where(f.within(region=None, unit_id=None), officer_id=officer.officer_id)
    return where_in_view(places.in_view(conn, ctx.scope, f), f, ctx.scope)


LARGEST = 10**6
"""Filter numbers and row offsets beyond this are ignored (no case id, day count or row
position comes near it; larger ones would overflow a date or an integer column)."""


def _whole(value) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 <= number <= LARGEST else None


def _number(model: dict | None) -> tuple[int | None, int | None]:
    """(low, high) from an ag-grid number filter."""
    if not isinstance(model, dict):
        return None, None
    value, upper = _whole(model.get("filter")), _whole(model.get("filterTo"))
    kind = model.get("type")
    if kind == "equals":
        return value, value
    if kind == "greaterThanOrEqual":
        return value, None
    if kind == "lessThanOrEqual":
        return None, value
    if kind == "inRange":
        return value, upper
    return None, None


def worklist_query(request: dict | None, lang: str, block: bool = True) -> M.WorklistQuery:
    """A WorklistQuery from the grid's getRowsRequest. Anything unexpected is ignored: the
    request comes from the browser and only narrows what the scope already allows."""
    request = request if isinstance(request, dict) else {}
    filters = request.get("filterModel")
    filters = filters if isinstance(filters, dict) else {}
    kinds = None
    kind_filter = filters.get("kind")
    if isinstance(kind_filter, dict) and isinstance(kind_filter.get("filter"), str):
        text = kind_filter["filter"].strip().lower()
        kinds = tuple(k for k in MILESTONE_KINDS if text in L.kind_label(k, lang).lower())
    officer = filters.get("officer")
    officer_code = (officer.get("filter")[:40] if isinstance(officer, dict)
                    and isinstance(officer.get("filter"), str) else None)
    case_low, case_high = _number(filters.get("case_id"))
    min_days, max_days = _number(filters.get("days_overdue"))
    sort_model = request.get("sortModel")
    sort = tuple((s.get("colId"), s.get("sort") == "desc")
                 for s in (sort_model[:3] if isinstance(sort_model, list) else [])
                 if isinstance(s, dict) and isinstance(s.get("colId"), str)
                 and s.get("colId") in M.WORKLIST_SORTS)
    start = _whole(request.get("startRow")) or 0
    end = _whole(request.get("endRow"))
    end = end if end is not None and end > start else start + L.WORKLIST_BLOCK
    return M.WorklistQuery(
        kinds=kinds, officer_code=officer_code or None,
        case_id=case_low if case_low is not None and case_low == case_high else None,
        min_days=min_days, max_days=max_days, sort=sort or (("days_overdue", True),),
        offset=start if block else 0,
        limit=max(1, min(end - start, MAX_BLOCK)) if block else None)


def worklist_block(ctx: Context, pathname: str | None, search: str | None,
                   request: dict | None) -> dict:
    """The grid's getRowsResponse: one block of rows and how many there are in all."""
    with ctx.engine.connect() as conn:
        f = parse_filters(conn, ctx, search)
        where = place_of(ctx, conn, pathname, f)
        page = M.worklist(conn, ctx.scope, f.as_of, where,
                          worklist_query(request, ctx.lang), lang=ctx.lang)
    v = _view(ctx, f.within(region=None, unit_id=None))
    rows = L.worklist_rows(page.rows, ctx.lang, lambda c: v.link(f"/case/{c}"),
                           lambda o: v.link(f"/milestones/officer/{o}"),
                           R.DeadlineRules.from_env())
    return {"rowData": rows, "rowCount": page.total}


def worklist_download(ctx: Context, pathname: str | None, search: str | None,
                      request: dict | None) -> dict:
    """Every worklist row under the grid's filters and sort, as a CSV download."""
    with ctx.engine.connect() as conn:
        f = parse_filters(conn, ctx, search)
        where = place_of(ctx, conn, pathname, f)
        # Every row, once per click: not worth a cache entry of that size.
        page = M.worklist.uncached(conn, ctx.scope, f.as_of, where,
                                   worklist_query(request, ctx.lang, block=False),
                                   lang=ctx.lang)
    return download(L.worklist_export(page.rows, ctx.lang), f"overdue_{f.as_of.isoformat()}",
                    "csv", t("milestones.worklist", ctx.lang))


def _text(value) -> str | None:
    """A URL part as sent by the browser: anything but text is taken as absent."""
    return value if isinstance(value, str) else None


def bind(app: dash.Dash) -> None:
    @app.callback(Output(L.WORKLIST_ID, "getRowsResponse"),
                  Input(L.WORKLIST_ID, "getRowsRequest"),
                  State("url", "pathname"), State("url", "search"))
    def worklist_rows(request, pathname, search):
        try:
            return worklist_block(context.current(), _text(pathname), _text(search), request)
        except places.NotFound:  # a unit or officer that does not exist: no rows
            return {"rowData": [], "rowCount": 0}

    @app.callback(Output("milestones-download", "data"),
                  Input("milestones-export-csv", "n_clicks"),
                  State(L.WORKLIST_ID, "getRowsRequest"),
                  State("url", "pathname"), State("url", "search"), prevent_initial_call=True)
    def worklist_export(_clicks, request, pathname, search):
        try:
            out = worklist_download(context.current(), _text(pathname), _text(search),
                                    request)
        except places.NotFound:
            return dash.no_update
        context.audit_export("milestones.worklist.csv")
        return out

