"""The staff page: posts by source, headcount since 2014, officer capacity, units ranked by
load, and the redistribution with its what-if. Pure: everything shown is passed in."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.codes import PROBATION_TYPES
from dashboard.i18n import t
from dashboard.redistribution import Redistribution
from dashboard.staffing import StaffData, place_key, posts_by_place
from dashboard.workload import CapacityParams
from layouts.figures import plain_figure
from layouts.formatting import day, number, percent
from layouts.pages import View, _graph, _heading
from layouts.tables import _table

SOURCE_COLOURS = ("#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9")
OVERLOADED_SHOWN = 20
UNITS_SHOWN = 25


def source_label(source: str, year, lang: str) -> str:
    if source == "penal_transfer":
        return t("staff.source.penal_transfer", lang, year=int(year))
    return t("staff.source.establishment_2012", lang)


def _sources(frame: pd.DataFrame, lang: str) -> pd.Series:
    return pd.Series([source_label(s, y, lang) for s, y in
                      zip(frame["source"], frame["transfer_year"], strict=True)],
                     index=frame.index, dtype=object)


def _pct(value: float, lang: str) -> str:
    return "—" if value != value else percent(value / 100, lang)


# --- figures ---------------------------------------------------------------------------

def _days(values) -> list[str]:
    return [pd.Timestamp(v).date().isoformat() for v in values]


def posts_by_source_figure(posts: pd.DataFrame, names: Mapping, level: str,
                           lang: str) -> dict:
    """Posts authorised per place, stacked by source (2012 establishment, transfer year)."""
    key = place_key(level)
    frame = posts.assign(label=_sources(posts, lang), place=posts[key].map(names))
    order = list(dict.fromkeys(frame.sort_values(key)["place"]))
    traces = []
    for i, (label, part) in enumerate(frame.groupby("label", sort=False)):
        sums = part.groupby("place")["authorised"].sum()
        traces.append({"type": "bar", "x": [str(p) for p in sums.index],
                       "y": sums.tolist(), "name": label,
                       "marker": {"color": SOURCE_COLOURS[i % len(SOURCE_COLOURS)]}})
    return plain_figure(traces, 380, lang,
                        yaxis={"title": {"text": t("staff.axis.posts", lang)}},
                        barmode="stack", xaxis={"categoryorder": "array",
                                                "categoryarray": order, "tickangle": -40})


def headcount_figure(timeline: pd.DataFrame, lang: str) -> dict:
    """Posts on each day by source (stacked areas) and the posts filled (a line)."""
    frame = timeline.assign(label=_sources(timeline, lang))
    traces = []
    for i, (label, part) in enumerate(frame.groupby("label", sort=False)):
        traces.append({"type": "scatter", "x": _days(part["day"]),
                       "y": part["authorised"].tolist(), "name": label, "mode": "lines",
                       "stackgroup": "posts",
                       "line": {"color": SOURCE_COLOURS[i % len(SOURCE_COLOURS)],
                                "width": 1}})
    filled = frame.groupby("day")["filled"].sum()
    traces.append({"type": "scatter", "x": _days(filled.index), "y": filled.tolist(),
                   "name": t("staff.timeline.filled", lang), "mode": "lines+markers",
                   "line": {"color": "#222", "dash": "dot"}})
    return plain_figure(traces, 360, lang,
                        yaxis={"title": {"text": t("staff.axis.posts", lang)}})


def capacity_figure(boxes, names: Mapping, lang: str, overload_pct: float) -> dict:
    """One box of officer capacity % per place (staffing.Box: five numbers per place,
    not every officer), with the overload line."""
    traces = []
    if boxes:
        traces.append({"type": "box", "x": [str(names.get(b.place, b.place)) for b in boxes],
                       "q1": [b.q1 for b in boxes], "median": [b.median for b in boxes],
                       "q3": [b.q3 for b in boxes], "lowerfence": [b.low for b in boxes],
                       "upperfence": [b.high for b in boxes], "marker": {"color": "#0072B2"},
                       "showlegend": False, "name": t("staff.axis.capacity", lang)})
    line = {"type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": overload_pct,
            "y1": overload_pct, "yref": "y", "line": {"color": "#D55E00", "dash": "dash"}}
    return plain_figure(traces, 380, lang,
                        yaxis={"title": {"text": t("staff.axis.capacity", lang)}},
                        shapes=[line], xaxis={"tickangle": -40})


def spread_figure(r: Redistribution, names: Mapping, lang: str) -> dict:
    """Capacity of each place now and after the recommended redistribution."""
    frame = r.places.sort_values("capacity_before", ascending=False)
    labels = [str(names.get(p, p)) for p in frame["place"]]
    traces = [
        {"type": "scatter", "x": labels, "y": frame["capacity_before"].tolist(),
         "mode": "markers", "name": t("staff.spread.before", lang),
         "marker": {"color": "#999", "size": 9}},
        {"type": "scatter", "x": labels, "y": frame["capacity_after"].tolist(),
         "mode": "markers", "name": t("staff.spread.after", lang),
         "marker": {"color": "#0072B2", "size": 9, "symbol": "diamond"}},
    ]
    return plain_figure(traces, 340, lang,
                        yaxis={"title": {"text": t("staff.axis.capacity", lang)}},
                        xaxis={"tickangle": -40})


# --- tables ----------------------------------------------------------------------------

def _cols(lang: str, *keys: str) -> list[str]:
    return [t(f"staff.col.{k}", lang) for k in keys]


def posts_table(posts: pd.DataFrame, names: Mapping, level: str, lang: str,
                href: Callable[[object], str]):
    per_place = posts_by_place(posts, level)
    name = "region" if level == "nation" else "unit"
    rows = [[dcc.Link(str(names.get(k, k)), href=href(k)), number(r.authorised, lang),
             number(r.filled, lang), number(r.vacant, lang), number(r.transferred, lang)]
            for k, r in per_place.iterrows()]
    return _table(_cols(lang, name, "authorised", "filled", "vacant", "transferred"), rows,
                  lang, "staff-posts", t("staff.posts.table", lang))


def officers_table(officers: pd.DataFrame, unit_names: Mapping, lang: str,
                   href: Callable[[int], str], table_id: str, caption: str):
    rows = [[dcc.Link(str(r.code), href=href(r.officer_id)),
             str(unit_names.get(r.unit_id, r.unit_id)), number(r.contracted_hours, lang),
             number(r.cases, lang), number(r.pre_trial_reports, lang),
             number(r.points, lang, 1), number(r.available, lang, 1),
             _pct(r.capacity_pct, lang)] for r in officers.itertuples(index=False)]
    return _table(_cols(lang, "officer", "unit", "hours", "cases", "reports", "points",
                        "available", "capacity"), rows, lang, table_id, caption)


def units_table(units: pd.DataFrame, unit_names: Mapping, lang: str,
                href: Callable[[int], str]):
    rows = [[dcc.Link(str(unit_names.get(r.unit_id, r.unit_id)), href=href(r.unit_id)),
             number(r.authorised, lang), number(r.filled, lang), number(r.points, lang, 1),
             number(None if r.points_per_filled_post != r.points_per_filled_post
                    else r.points_per_filled_post, lang, 1)]
            for r in units.head(UNITS_SHOWN).itertuples(index=False)]
    return _table(_cols(lang, "unit", "authorised", "filled", "points", "points_per_post"),
                  rows, lang, "staff-units", t("staff.units.title", lang))


def weights_table(weights: pd.DataFrame, lang: str):
    any_ = t("staff.any", lang)
    rows = [[t(f"staff.item.{r.work_item}", lang), t(f"shell.type.{r.probation_type}", lang),
             t(f"shell.category.{r.legal_category}", lang) if r.legal_category else any_,
             t(f"caseload.risk.{r.risk_tier}", lang) if r.risk_tier else any_,
             number(r.points, lang, 1), day(r.effective_from, lang)]
            for r in weights.itertuples(index=False)]
    # Type, category and risk tier are words: aligned as text, the numbers to the right.
    return _table(_cols(lang, "item", "type", "category", "risk", "points", "since"), rows,
                  lang, "staff-weights", t("staff.col.points", lang),
                  (None, None, None, "text-end", "text-end"))


def allocation_table(r: Redistribution, names: Mapping, lang: str):
    rows = [[str(names.get(p.place, p.place)), number(p.points, lang), number(p.posts, lang),
             number(p.recommended, lang),
             f"{'+' if p.change > 0 else ''}{number(p.change, lang)}",
             _pct(p.capacity_before, lang), _pct(p.capacity_after, lang)]
            for p in r.places.itertuples(index=False)]
    return _table(_cols(lang, "region" if isinstance(r.places["place"].iloc[0], str)
                        else "unit", "points", "posts", "recommended", "change",
                        "capacity_before", "capacity_after"), rows, lang,
                  "staff-allocation", t("staff.redistribution.allocation", lang))


def moves_table(r: Redistribution, names: Mapping, lang: str):
    if not r.moves:
        return html.P(t("staff.moves.none", lang), id="staff-moves", className="text-muted")
    rows = [[str(names.get(m.source, m.source)), str(names.get(m.target, m.target)),
             number(m.posts, lang)] for m in r.moves]
    return html.Div([
        _table(_cols(lang, "from", "to", "posts"), rows, lang, "staff-moves",
               t("staff.moves.title", lang)),
        html.P(t("staff.moves.total", lang, n=r.posts_moved), className="small",
               id="staff-moves-total"),
    ])


def spread_table(r: Redistribution, lang: str):
    s = r.spread()
    stats = ("min", "p25", "median", "p75", "max")
    rows = [[t(f"staff.spread.{when}", lang), *[_pct(s.loc[when, k], lang) for k in stats]]
            for when in ("before", "after")]
    # The first column's header is for screen readers (axe: empty-table-header).
    return _table([html.Span(t("staff.spread.when", lang), className="visually-hidden"),
                   *[t(f"staff.spread.{k}", lang) for k in stats]], rows, lang,
                  "staff-spread", t("staff.spread.title", lang))


# --- sections and pages ----------------------------------------------------------------

def _card(key: str, value: str, note: str | None = None) -> dbc.Col:
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.H3(key, className="h6 card-title text-secondary"),
        html.P(value, className="display-6 mb-1 kpi-value"),
        html.P(note, className="small mb-0") if note else None,
    ]), className="h-100"), xs=12, sm=6, lg=4, xl=2)


def kpis(data: StaffData, lang: str) -> dbc.Row:
    posts = data.posts
    c = data.capacity
    return dbc.Row([
        _card(t("staff.kpi.authorised", lang), number(int(posts["authorised"].sum()), lang)),
        _card(t("staff.kpi.filled", lang), number(int(posts["filled"].sum()), lang)),
        _card(t("staff.kpi.vacant", lang), number(int(posts["vacant"].sum()), lang)),
        _card(t("staff.kpi.transferred", lang), number(int(
            posts.loc[posts["source"] == "penal_transfer", "authorised"].sum()), lang)),
        _card(t("staff.kpi.overloaded", lang), number(c.overloaded, lang),
              t("staff.kpi.overloaded_note", lang, pct=number(data.params.overload_pct, lang),
                total=number(c.officers, lang))),
        _card(t("staff.kpi.median_capacity", lang), _pct(c.median, lang)),
    ], className="g-2 mb-3", id="staff-kpis")


def whatif_controls(lang: str) -> html.Div:
    inputs = [dbc.Col([dbc.Label(t(f"shell.type.{p}", lang), html_for=f"staff-growth-{p}",
                                 className="small mb-0"),
                       dbc.InputGroup([dbc.Input(id=f"staff-growth-{p}", type="number",
                                                 value=0, step=5, min=-100, max=1000,
                                                 debounce=True, size="sm"),
                                       dbc.InputGroupText("%")], size="sm")],
                      xs=12, sm=6, lg=3) for p in PROBATION_TYPES]
    return html.Div([html.H3(t("staff.whatif.title", lang), className="h6"),
                     html.P(t("staff.whatif.help", lang), className="small text-muted mb-1"),
                     dbc.Row(inputs, className="g-2 mb-2")], id="staff-whatif")


def redistribution_body(r: Redistribution | None, names: Mapping, lang: str,
                        params: CapacityParams) -> html.Div:
    """What the what-if recomputes: the allocation, the moves and the spread."""
    if r is None:
        return html.P(t("staff.redistribution.unit_level", lang), className="text-muted")
    return html.Div([
        html.P(t("staff.redistribution.help", lang, count=int(r.places["posts"].sum()),
                 total=number(int(r.places["posts"].sum()), lang),
                 target=number(params.nominal_target, lang)), className="small text-muted"),
        dbc.Row([
            dbc.Col([html.H3(t("staff.moves.title", lang), className="h6"),
                     moves_table(r, names, lang),
                     html.H3(t("staff.spread.title", lang), className="h6 mt-3"),
                     spread_table(r, lang)], lg=5),
            dbc.Col([html.H3(t("staff.redistribution.allocation", lang), className="h6"),
                     allocation_table(r, names, lang)], lg=7),
        ]),
        _graph("staff-spread-figure", spread_figure(r, names, lang), lang,
               t("staff.spread.title", lang)),
    ])


def load_source(p: CapacityParams, lang: str) -> str:
    """Where each capacity parameter comes from: an act and article, or an assumption."""
    return t("staff.load.source", lang, target=number(p.nominal_target, lang),
             hours=number(p.standard_hours, lang), reduction=number(p.head_reduction * 100, lang),
             overload=number(p.overload_pct, lang))


def staff_page(v: View, title: str, crumbs, data: StaffData, redistribution: html.Div,
               forecast: html.Section, place_href: Callable[[object], str],
               unit_href: Callable[[int], str], officer_href: Callable[[int], str],
               below_title: str | None = None, officers: pd.DataFrame | None = None) -> html.Div:
    """The nation's regions or a region's units by posts; for a unit (`officers` given),
    its officers by capacity in their place. `below_title` names the level below and the
    place ("Units of Astana"). `forecast`: layouts/forecast.py's section, drawn with the page
    (filled by a callback of its own once the page was drawn, it cost the browser seconds:
    Dash re-renders the whole page for every component the callback adds)."""
    lang, p = v.lang, data.params
    key = place_key(data.level) if data.level != "unit" else "unit_id"
    c = data.capacity
    notes = [html.P(t("staff.unweighted", lang, count=data.unweighted,
                      n=number(data.unweighted, lang)),
                    className="small text-warning")] if data.unweighted else []
    return html.Div([
        *_heading(title, v, crumbs),
        html.Section([html.H2(t("shell.kpi.title", lang), className="visually-hidden"),
                      kpis(data, lang)]),  # the cards' titles are h3
        dbc.Row([
            dbc.Col(html.Section([
                html.H2(below_title, className="h5", id="staff-officers-title"),
                officers_table(officers.sort_values("capacity_pct", ascending=False),
                               data.unit_names, lang, officer_href, "staff-officers",
                               below_title),
            ]) if officers is not None else html.Section([
                html.H2(t("staff.posts.title", lang) if below_title is None
                        else f"{below_title} · {t('staff.posts.title', lang)}", className="h5"),
                html.P(t("staff.posts.help", lang), className="small text-muted mb-1"),
                _graph("staff-posts-figure", posts_by_source_figure(
                    data.posts, data.names, data.level, lang), lang,
                    t("staff.posts.title", lang)),
                posts_table(data.posts, data.names, data.level, lang, place_href),
            ]), xl=6),
            dbc.Col(html.Section([
                html.H2(t("staff.timeline.title", lang), className="h5"),
                _graph("staff-headcount-figure", headcount_figure(data.timeline, lang), lang,
                       t("staff.timeline.title", lang)),
            ]), xl=6),
        ]),
        html.Section([
            html.H2(t("staff.load.title", lang), className="h5"),
            html.P(t("staff.load.help", lang, target=number(p.nominal_target, lang),
                     hours=number(p.standard_hours, lang),
                     reduction=number(p.head_reduction * 100, lang)),
                   className="small text-muted mb-1"),
            html.P(load_source(p, lang), className="small text-muted mb-1"),
            *notes,
            _graph("staff-capacity-figure", capacity_figure(
                c.boxes, data.names if key != "unit_id" else data.unit_names, lang,
                p.overload_pct), lang, t("staff.load.title", lang)),
        ]),
        dbc.Row([
            dbc.Col(html.Section([
                html.H2(t("staff.overloaded.title", lang,
                          pct=number(p.overload_pct, lang)), className="h5"),
                officers_table(c.worst, data.unit_names, lang, officer_href,
                               "staff-overloaded", t("staff.overloaded.title", lang,
                                                     pct=number(p.overload_pct, lang))),
                html.P(t("staff.overloaded.more", lang, count=len(c.worst), shown=len(c.worst),
                         total=number(c.overloaded, lang)), className="small text-muted")
                if c.overloaded > len(c.worst) else None,
            ]), xl=7),
            dbc.Col(html.Section([
                html.H2(t("staff.units.title", lang), className="h5"),
                units_table(data.units, data.unit_names, lang, unit_href),
            ]), xl=5) if officers is None else None,
        ]),
        forecast,
        html.Section([
            html.H2(t("staff.redistribution.title", lang), className="h5"),
            whatif_controls(lang) if data.level != "unit" else None,
            dcc.Loading(html.Div(redistribution, id="staff-redistribution")),
        ], className="mt-3"),
        # Folded, and drawn when first opened (callbacks.staff.bind): reference rows that
        # would otherwise be built and sent with every page.
        html.Details([
            html.Summary(t("staff.weights.title", lang, date=day(v.filters.as_of, lang)),
                         id="staff-weights-open"),
            html.Div(id="staff-weights-body"),
        ], className="mt-3"),
    ])


def unit_workload_page(v: View, title: str, crumbs, officers: pd.DataFrame,
                       unit_names: Mapping, params: CapacityParams,
                       officer_href: Callable[[int], str], unit_link: str) -> html.Div:
    lang = v.lang
    return html.Div([
        *_heading(title, v, crumbs),
        html.P(dcc.Link(t("staff.link.unit", lang), href=unit_link), className="small"),
        html.Section([
            html.H2(t("staff.officers.title", lang), className="h5"),
            officers_table(officers.sort_values("capacity_pct", ascending=False), unit_names,
                           lang, officer_href, "staff-officers",
                           t("staff.officers.title", lang)),
        ]),
    ])


def officer_workload_page(v: View, title: str, crumbs, summary: dict | None,
                          cases: pd.DataFrame, case_href: Callable[[int], str],
                          officer_link: str) -> html.Div:
    lang = v.lang
    if summary is None:
        head = html.P(t("staff.officer.not_in_post", lang, date=day(v.filters.as_of, lang)))
    else:
        head = html.P(t("staff.officer.summary", lang,
                        points=number(summary["points"], lang, 1),
                        available=number(summary["available"], lang, 1),
                        capacity=_pct(summary["capacity_pct"], lang)), id="staff-officer-summary")
    rows = [[dcc.Link(f"№ {r.case_id}", href=case_href(r.case_id)),
             t(f"shell.type.{r.probation_type}", lang),
             t(f"shell.category.{r.legal_category}", lang),
             t(f"caseload.risk.{r.risk_tier}", lang), day(r.registered_on, lang),
             t("staff.yes", lang) if r.pre_trial_report_in_hand else "—",
             number(r.points, lang, 1)] for r in cases.itertuples(index=False)]
    return html.Div([
        *_heading(title, v, crumbs),
        html.P(dcc.Link(t("staff.link.officer", lang), href=officer_link), className="small"),
        head,
        html.Section([
            html.H2(t("staff.officer.cases", lang), className="h5"),
            _table(_cols(lang, "case", "type", "category", "risk", "registered", "report",
                         "points"), rows, lang, "staff-officer-cases",
                   t("staff.officer.cases", lang)),
        ]),
    ])
