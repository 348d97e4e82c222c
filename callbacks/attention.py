"""The needs-attention page (/attention) and its exports: the officers of the place in
view ranked by what needs action on the day. The place is the signed-in user's (a unit
head's unit, a region head's region) or, within the scope, the one the URL picks
(?region=, ?unit=); a place outside the scope gets "not permitted". Plain functions of a
Context, so tests call them directly; `bind` attaches the downloads."""

from __future__ import annotations

import functools

import dash
import pandas as pd
from dash import Input, Output, State, html, no_update

from callbacks import staff
from callbacks.context import Context
from callbacks.views import Refuse, _guarded, _view, parse_filters, unit_param
from dashboard import workload as W
from dashboard.filters import Filters
from dashboard.i18n import t
from dashboard.scope import NotPermitted
from layouts import attention as L
from layouts.export import download
from layouts.shell import breadcrumbs
from queries import attention as A
from queries import places
from queries import staff as Q
from queries.milestones import Where

PATH = "/attention"


def place_of(ctx: Context, conn, f: Filters, search: str | None = None) -> places.Place | None:
    """The place the list is about (queries.places.in_view: ?unit= within the scope, a
    unit head's unit, the region picked or a region head's region). None: the ministry
    has picked nothing."""
    return places.in_view(conn, ctx.scope, f, ctx.lang).place


def where_of(place: places.Place, f: Filters) -> Where:
    """The milestones page's narrowing for the same place and filters."""
    return Where(region=place.region_code if place.unit_id is None else None,
                 unit_id=place.unit_id, probation_type=f.probation_type,
                 legal_category=f.legal_category)


def officers(ctx: Context, conn, f: Filters, where: Where,
             named: int | None = None) -> pd.DataFrame:
    """queries.attention.ranked for the place: the officers' counts on f.as_of, with the
    staff page's capacity % of those in post there; the first `named` rows (all: None)
    with their codes and units, which the page shows (the totals count every row)."""
    actions = A.officer_actions(conn, ctx.scope, f.as_of, where)
    capacity = staff.officer_capacity(conn, ctx.scope, f.as_of, Q.workload_weights_table(conn),
                                      W.CapacityParams.from_env(), where.region,
                                      where.unit_id)
    frame = A.ranked(actions, capacity)
    shown = frame if named is None else frame.head(named)
    ids = tuple(sorted(int(i) for i in shown.officer_id if i is not None))
    return A.with_places(frame, A.officer_places(conn, ctx.scope, ids, ctx.lang))


def _crumbs(ctx: Context, f: Filters, place: places.Place):
    nation = t("shell.nation", ctx.lang)
    items: list[tuple[str, str | None]] = [
        (nation, PATH + f.to_query(region=None, unit=None)
         if ctx.scope.role == "ministry" else None)]
    if place.unit_id is None:
        items.append((place.region_name, None))
    else:
        region_href = (PATH + f.to_query(region=place.region_code, unit=None)
                       if ctx.scope.allows_region(place.region_code) else None)
        items += [(place.region_name, region_href), (place.unit_name, None)]
    return breadcrumbs(items, ctx.lang)


def page(ctx: Context, search: str | None, refuse: Refuse) -> html.Div:
    def build():
        with ctx.engine.connect() as conn:
            f = parse_filters(conn, ctx, search)
            place = place_of(ctx, conn, f, search)
            if place is None:
                regions = places.regions_in_scope(conn, ctx.scope, ctx.lang)
                return L.pick_region(_view(ctx, f), regions,
                                     lambda code: PATH + f.to_query(region=code, unit=None))
            frame = officers(ctx, conn, f, where_of(place, f), named=L.MOST_ROWS)
        v = _view(ctx, f)
        links = _view(ctx, f.within(region=None, unit_id=None))
        with_unit = place.unit_id is None
        unit_href = functools.cache(lambda u: PATH + f.to_query(region=None, unit=str(u)))
        row_data = L.rows(frame.head(L.MOST_ROWS), ctx.lang,
                          lambda o: links.link(f"/officer/{o}"),
                          lambda o: links.link(f"/milestones/officer/{o}"), unit_href)
        name = place.unit_name if place.unit_id is not None else place.region_name
        return L.page(v, t("attention.title", ctx.lang, place=name), _crumbs(ctx, f, place),
                      frame, row_data, with_unit)
    return _guarded(ctx, refuse, "unit", unit_param(search), build)


def export(ctx: Context, search: str | None, fmt: str) -> dict | None:
    """The grid's rows as a dcc.Download payload (csv or xlsx); None when there is no
    place to export (nothing picked, or a place outside the scope)."""
    with ctx.engine.connect() as conn:
        f = parse_filters(conn, ctx, search)
        place = place_of(ctx, conn, f, search)
        if place is None:
            return None
        frame = officers(ctx, conn, f, where_of(place, f))
    with_unit = place.unit_id is None
    code = f"unit{place.unit_id}" if place.unit_id is not None else place.region_code
    return download(L.export_frame(frame, ctx.lang, with_unit),
                    f"needs_attention_{code}_{f.as_of.isoformat()}", fmt,
                    t("attention.sheet", ctx.lang))


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def bind(app: dash.Dash, current, audit_export, audit_refusal) -> None:
    """The two downloads; `current` gives the request's Context (scope from the user)."""
    @app.callback(Output("attention-download", "data"),
                  Input("attention-export-csv", "n_clicks"),
                  Input("attention-export-xlsx", "n_clicks"), State("url", "search"),
                  prevent_initial_call=True)
    def attention_export(_csv, _xlsx, search):
        fmt = "xlsx" if dash.ctx.triggered_id == "attention-export-xlsx" else "csv"
        search = _text(search)
        try:
            out = export(current(), search, fmt)
        except places.NotFound:
            return no_update
        except NotPermitted:
            audit_refusal("unit", unit_param(search))
            return no_update
        if out is None:
            return no_update
        audit_export(f"attention.{fmt}")
        return out
