"""Whole page bodies, assembled from the other layout modules. Pure: everything shown is
passed in; callbacks/views.py fetches it."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.filters import MAP_METRICS, Filters
from dashboard.i18n import t
from layouts import export, figures, positions
from layouts.formatting import day, number
from layouts.kpis import kpi_cards
from layouts.plotly_locale import graph_box_style, graph_config
from layouts.shell import breadcrumbs, notices, partial_mark, partial_text
from layouts.tables import places_table
from queries.kpis import Beside, Headline


@dataclass(frozen=True)
class View:
    """What every page body is drawn with: language, filters, the small-sample minimum."""

    lang: str
    filters: Filters
    small_min: int

    def period_text(self) -> str:
        f = self.filters
        return t("shell.filters.showing", self.lang, start=day(f.start, self.lang),
                 end=day(f.end, self.lang), asof=day(f.as_of, self.lang))

    def link(self, path: str) -> str:
        """A link to `path` that keeps the filters (but not a region the path replaces)."""
        return path + self.filters.to_query()


def _graph(id_: str, figure, lang: str, label: str) -> html.Div:
    return html.Div(dcc.Graph(id=id_, figure=figure, config=graph_config(lang)),
                    role="figure", className="mb-2", style=graph_box_style(figure),
                    **{"aria-label": label})


def _bars_shown(below: pd.DataFrame, lang: str) -> str:
    """What the bars leave out, when they do (figures.MOST_BARS)."""
    if len(below) <= figures.MOST_BARS:
        return ""
    return " " + t("shell.bars.most", lang, n=number(len(below), lang),
                   shown=number(figures.MOST_BARS, lang))


def _partial(v: View) -> str | None:
    """The unfinished period's label for the KPIs counted over it, None when it is over."""
    f = v.filters
    return partial_text(f.start, f.end, v.lang) if f.partial else None


def _heading(title: str, v: View, crumbs=None) -> list:
    return [
        crumbs,
        html.H1(title, className="h3 mb-1"),
        html.P([v.period_text(), *([" ", partial_mark(v.filters.start, v.filters.end, v.lang,
                                                       "period-partial")]
                                   if v.filters.partial else [])],
               className="text-muted small mb-2", id="period-text"),
        *notices(v.filters.notices, v.lang),
    ]


def below_title(view, lang: str) -> str:
    """The title of a ranking of the level below the place in view ("Units of Almaty")."""
    return t(f"shell.below.{view.below}", lang, place=view.name(t("shell.nation", lang)))


def _metric_select(v: View, label_key: str) -> dbc.Row:
    lang = v.lang
    return dbc.Row([dbc.Col(dbc.Label(t(label_key, lang), html_for="overview-metric",
                                      className="small"), width="auto"),
                    dbc.Col(dbc.Select(id="overview-metric", value=v.filters.metric, size="sm",
                                       options=[{"label": t(f"shell.metric.{m}", lang),
                                                 "value": m} for m in MAP_METRICS]))],
                   className="g-2 align-items-center mb-1")


def overview(v: View, view, headline: Headline, below: pd.DataFrame,
             all_regions: pd.DataFrame | None, values: pd.Series, href,
             beside: Beside | None = None) -> html.Div:
    """The nation: the map of its regions and their table. A region: the map of its units
    by the measure chosen, and their table. A unit: bars of its officers by the measure
    (officers have no place on a map), and their table."""
    lang = v.lang
    metric_label = t(f"shell.metric.{v.filters.metric}", lang)
    heading = [*_heading(t("caseload.overview_title", lang), v),
               kpi_cards(headline, lang, v.small_min, day(v.filters.as_of, lang), beside,
                         partial=_partial(v))]
    if view.below != "region":
        table_id = f"{view.below}s-table"
        title = below_title(view, lang)
        # The map or bars above the table: the table's nine columns need the whole width.
        chart = (_unit_map(v, view, below, values, title) if view.below == "unit"
                 else [_metric_select(v, "shell.bars.metric"),
                       html.P(t(f"shell.bars.help.{view.below}", lang) + _bars_shown(below, lang),
                              className="small text-muted mb-1"),
                       _graph("overview-bars", figures.place_bars(below, values, lang,
                                                                  metric_label),
                              lang, f"{title}: {metric_label}")])
        return html.Div([*heading, html.Section([
            html.H2(title, className="h5", id="below-title"),
            dbc.Row(dbc.Col(chart, lg=8, xl=6)),
            places_table(below, lang, v.small_min, href, table_id, title),
            ])])
    # The map above the table, as for the levels below: beside the map, the table's nine
    # columns were cut off at 1440 px in kk and ru.
    return html.Div([
        *heading,
        dbc.Row(dbc.Col(html.Section([
            html.H2(t("shell.map.title", lang), className="h5"),
            _metric_select(v, "shell.map.metric"),
            html.P(t("shell.map.help", lang), className="small text-muted mb-1"),
            _graph("overview-map", figures.region_map(below, values, lang,
                                                      metric_label, all_regions),
                   lang, t("shell.map.title", lang)),
            dcc.Store(id="overview-map-click"),
        ]), lg=8, xl=6)),
        html.Section([
            html.H2(t("shell.table.regions", lang), className="h5"),
            places_table(below, lang, v.small_min, href, "regions-table",
                         t("shell.table.regions", lang)),
        ]),
    ])


LEGEND_LINE = 30  # characters: a line of the unit map's colour bar title on a phone


def _unit_map(v: View, view, units: pd.DataFrame, values: pd.Series, title: str) -> list:
    """A region's units on its map, coloured by the measure chosen, the colour bar in the
    measure's unit; a click on a unit opens its page (callbacks/views.py map_href). Each
    unit's place is its `position` column when there is one (callbacks/views.py
    with_positions), else found by its name (layouts/positions.py); units with none are
    named below the map."""
    lang, metric = v.lang, v.filters.metric
    metric_label = t(f"shell.metric.{metric}", lang)
    where = (list(units.position) if "position" in units
             else [positions.position(view.region_code, name) for name in units.name])
    unplaced = [str(name) for name, at in zip(units.name, where, strict=True) if at is None]
    # Short lines: a phone's width holds "Нагрузка на штатную единицу", not the unit too.
    legend = "<br>".join([metric_label, *textwrap.wrap(
        f"({t(f'shell.metric_unit.{metric}', lang)})", LEGEND_LINE)])
    return [_metric_select(v, "shell.map.metric"),
            html.P(t("shell.unit_map.help", lang), className="small text-muted mb-1"),
            _graph("overview-map", figures.unit_map(units, values, lang, legend,
                                                    view.region_code, where),
                   lang, f"{title}: {metric_label}"),
            *([html.P(t("shell.unit_map.unplaced", lang, names=", ".join(unplaced)),
                      className="small text-muted", id="unit-map-unplaced")] if unplaced
              else []),
            dcc.Store(id="overview-map-click")]


def caseload(v: View, view, by_place_type: pd.DataFrame, by_category: pd.DataFrame,
             trend: pd.DataFrame, grid) -> html.Div:
    """The nation's regions, a region's units or a unit's officers by probation type."""
    lang = v.lang
    title = (t("caseload.by_region", lang) if view.below == "region"
             else t(f"caseload.by_{view.below}", lang, place=view.name(t("shell.nation", lang))))
    return html.Div([
        *_heading(t("caseload.title", lang), v),
        html.Section([html.H2(title, className="h5"),
                      _graph("caseload-by-region",
                             figures.stacked_by_type(by_place_type, "place", lang),
                             lang, title)]),
        dbc.Row([
            dbc.Col(html.Section([html.H2(t("caseload.by_category", lang), className="h5"),
                                  _graph("caseload-by-category",
                                         figures.category_bars(by_category, lang), lang,
                                         t("caseload.by_category", lang))]), lg=5),
            dbc.Col(html.Section([html.H2(t("caseload.trend", lang), className="h5"),
                                  _graph("caseload-trend", figures.trend(trend, lang), lang,
                                         t("caseload.trend", lang)),
                                  html.Ul([html.Li(note) for note in
                                           figures.widening_notes(lang)],
                                          className="small text-muted ps-3 mb-0")]), lg=7),
        ]),
        html.Section([
            export.heading(t("caseload.table", lang) if view.below == "region"
                           else below_title(view, lang), "caseload", lang),
            grid,
        ], className="mt-3"),
    ])


def crumbs_for(v: View, place, nation: str, level: str, case_id: int | None = None):
    """Breadcrumbs from the nation down to `level` (region, unit, officer or case)."""
    q = v.filters.to_query(region=None)
    items = [(nation, "/" + q), (place.region_name, f"/region/{place.region_code}{q}")]
    if level in ("unit", "officer", "case"):
        items.append((place.unit_name, f"/unit/{place.unit_id}{q}"))
    if level in ("officer", "case") and place.officer_id is not None:
        items.append((f"{t('shell.level.officer', v.lang)} {place.officer_code}",
                      f"/officer/{place.officer_id}{q}"))
    if level == "case":
        items.append((t("caseload.case.title", v.lang, id=case_id), None))
    else:
        items[-1] = (items[-1][0], None)
    return breadcrumbs(items, v.lang)


def place_page(v: View, title: str, crumbs, headline: Headline, below,
               beside: Beside | None = None) -> html.Div:
    """A region, unit or officer: the same KPIs (the wider places' `beside` them), then
    the level below."""
    return html.Div([*_heading(title, v, crumbs),
                     kpi_cards(headline, v.lang, v.small_min, day(v.filters.as_of, v.lang),
                               beside, partial=_partial(v)),
                     below])


def child_section(title: str, table, note=None) -> html.Section:
    return html.Section([html.H2(title, className="h5"), table,
                         *([note] if note is not None else [])])


def officer_rule(lang: str, as_of) -> html.P:
    """The one rule of "the officer's cases" (queries/common.py), said wherever figures
    are counted per officer: the officer and unit pages, the milestones pages."""
    return html.P(t("shell.officer_rule", lang, date=day(as_of, lang)),
                  className="small text-muted", id="officer-rule")


def case_page(v: View, title: str, crumbs, summary, timeline) -> html.Div:
    return html.Div([crumbs, html.H1(title, className="h3"), summary, timeline])
