"""The outcomes page: pure functions from counts (queries/outcomes) to components and
figures. Rates and their small-sample marks come from dashboard.metrics, so a rate that
is hidden here is hidden everywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import dcc, html

from dashboard import metrics as M
from dashboard.codes import ASSISTANCE_KINDS
from dashboard.i18n import t
from layouts import figures
from layouts.formatting import day, month, months, number, percent, quarter
from layouts.kpis import muted, small_sample_note, table_rate
from layouts.pages import View, _graph, _heading
from layouts.shell import partial_mark, partial_text
from layouts.tables import MOST_ROWS, scroll_box, shown_of, table_body
from queries.outcomes import Escalation

STATUS_COLOURS = {M.MET: "success", M.NEAR: "warning", M.FAR: "danger"}
CLOSURE_COLOURS = {"completed": "#009E73", "revoked": "#D55E00", "other": "#999999"}
OUTLIER_ROWS = 20


@dataclass(frozen=True)
class Outcomes:
    """Everything the page shows, already counted within the user's scope."""

    current: M.Period
    previous: M.Period
    year_earlier: M.Period
    grain: str
    trend: list[tuple[date, date]]
    offences: pd.DataFrame
    closures: pd.DataFrame
    by_place: pd.DataFrame
    place_level: str
    place_names: pd.DataFrame
    by_type: pd.DataFrame
    by_category: pd.DataFrame
    escalation: dict
    assistance: pd.DataFrame
    cohorts: pd.DataFrame
    place_name: str | None = None
    """The region or unit in view, whose units or officers by_place lists (None: the
    nation, its regions)."""
    synthetic_transfers: bool = False
    """The data are the demo generator's, whose transfers to another region are invented."""
    partial: bool = False
    """The current period is a month, quarter or year not over yet (Filters.partial): it
    is marked, and compared with the same days of the earlier ones."""


def _rows(frame: pd.DataFrame) -> dict:
    """Each period's first row in a frame with period_start and period_end, as dicts by
    (start, end): a page looks up dozens of periods in the same frames."""
    index: dict = {}
    for row in frame.to_dict("records"):
        index.setdefault((row["period_start"], row["period_end"]), row)
    return index


def _row(frame: pd.DataFrame | dict, period: M.Period) -> dict:
    """The first row of `period` (in a frame, or in its _rows), {} when none."""
    index = frame if isinstance(frame, dict) else _rows(frame)
    return dict(index.get((period.start, period.end), {}))


def _rate_text(r: M.Rate, lang: str, small_min: int, digits: int = 1, in_table: bool = False):
    """A rate per 1,000, or a small-sample mark when too few to trust: in a table a muted
    dash (the note under the table says why, once: _table), elsewhere a badge."""
    if r.value is not None:
        return number(r.value, lang, digits)
    if in_table:
        return muted("—", number(r.denominator, lang), lang, small_min)
    help_text = t("shell.small_sample_help", lang, n=number(r.denominator, lang), min=small_min)
    return html.Span([
        html.Span("—", className="text-muted"), " ",
        html.Span(t("shell.small_sample", lang), className="badge text-bg-warning small-sample",
                  title=help_text),
        html.Span(help_text, className="visually-hidden")], className="rate-small-sample")


def _raw(value):
    return value.value if isinstance(value, M.Rate) else value


def _change_text(now: float | None, before: float | None, lang: str) -> str:
    return percent(M.change(now, before), lang, digits=1, signed=True)


# --- measures compared across the three periods -----------------------------------------

def measures(d: Outcomes, small_min: int) -> list[tuple[str, list, bool]]:
    """(measure key, [value or Rate for current, previous, year earlier], is_rate)."""
    periods = (d.current, d.previous, d.year_earlier)
    offences, closures = _rows(d.offences), _rows(d.closures)
    off = [_row(offences, p) for p in periods]
    clo = [_row(closures, p) for p in periods]
    esc = [d.escalation.get(p) or Escalation(0, 0, 0, 0, 0, 0) for p in periods]
    people = [int(o.get("on_register", 0)) for o in off]
    return [
        ("repeat_offences", [int(o.get("repeat_offences", 0)) for o in off], False),
        ("repeat_rate", [M.rate(int(o.get("repeat_offences", 0)), n, small_min)
                         for o, n in zip(off, people, strict=True)], True),
        ("on_register", people, False),
        ("revoked", [int(c.get("revoked", 0)) for c in clo], False),
        ("revocation_rate", [M.rate(int(c.get("revoked", 0)), n, small_min)
                             for c, n in zip(clo, people, strict=True)], True),
        ("completed", [int(c.get("completed", 0)) for c in clo], False),
        ("violations", [e.violations + e.malicious_violations for e in esc], False),
        ("submitted", [e.submitted for e in esc], False),
    ]


def comparison_table(d: Outcomes, lang: str, small_min: int) -> dbc.Table | html.Div:
    def value(v):
        return (_rate_text(v, lang, small_min, in_table=True) if isinstance(v, M.Rate)
                else number(v, lang))

    def span(p: M.Period) -> str:
        return f"{day(p.start, lang)} – {day(p.end, lang)}"

    current = [t("outcomes.compare.current", lang), html.Br(), html.Small(span(d.current))]
    if d.partial:
        current += [html.Br(), partial_mark(d.current.start, d.current.end, lang)]
    head = [t("outcomes.compare.measure", lang), current,
            [t("outcomes.compare.previous", lang), html.Br(), html.Small(span(d.previous))],
            t("outcomes.compare.change", lang),
            [t("outcomes.compare.year_earlier", lang), html.Br(),
             html.Small(span(d.year_earlier))],
            t("outcomes.compare.change", lang)]
    body = []
    for key, (now, prev, year), _ in measures(d, small_min):
        body.append(html.Tr([
            html.Th(t(f"outcomes.measure.{key}", lang), scope="row", className="fw-normal"),
            html.Td(value(now), className="text-end"), html.Td(value(prev), className="text-end"),
            html.Td(_change_text(_raw(now), _raw(prev), lang), className="text-end"),
            html.Td(value(year), className="text-end"),
            html.Td(_change_text(_raw(now), _raw(year), lang), className="text-end"),
        ], id=f"outcomes-measure-{key.replace('_', '-')}"))
    table = scroll_box(dbc.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
                                  html.Tbody(body)], id="outcomes-compare", size="sm",
                                 striped=True), head[0])
    if not any(isinstance(v, M.Rate) and v.value is None
               for _, values, _ in measures(d, small_min) for v in values):
        return table
    return html.Div([table, small_sample_note(lang, small_min, "outcomes-compare-note")])


def kpi_cards(d: Outcomes, lang: str, small_min: int) -> dbc.Row:
    cards = []
    for key, (now, prev, year), _ in measures(d, small_min)[:5]:
        if key == "on_register":
            continue
        shown = _rate_text(now, lang, small_min) if isinstance(now, M.Rate) else number(now, lang)
        cards.append(dbc.Col(dbc.Card(dbc.CardBody([
            html.H3(t(f"outcomes.measure.{key}", lang), className="h6 text-secondary"),
            html.P(shown, className="display-6 mb-1 kpi-value"),
            html.P(partial_text(d.current.start, d.current.end, lang),
                   className="small text-muted mb-1 period-partial") if d.partial else None,
            html.P([t("outcomes.compare.vs_previous", lang,
                      value=_change_text(_raw(now), _raw(prev), lang)), html.Br(),
                    t("outcomes.compare.vs_year", lang,
                      value=_change_text(_raw(now), _raw(year), lang))], className="small mb-0"),
        ]), className="h-100", id=f"outcomes-kpi-{key.replace('_', '-')}"), xs=12, sm=6, xl=3))
    return dbc.Row(cards, className="g-3 mb-3")


# --- figures ----------------------------------------------------------------------------

def _label(start: date, grain: str, lang: str, end: date | None = None) -> str:
    """A trend bucket's name; one cut short by the data's last day (`end` before its
    grain's end) is named by the months or days it holds ("2026 ж. қаң.–қар.")."""
    if end is not None and M.is_partial(M.Period(start, end), grain):
        return months(start, end, lang)
    if grain == "year":
        return str(start.year)
    if grain == "quarter":
        return quarter(start, lang)
    return month(start, lang)


def trend_figure(d: Outcomes, lang: str, small_min: int) -> dict:
    """Bars: repeat offences per bucket; line: the rate per 1,000 (gaps where the people
    on the register are too few to trust)."""
    offences = _rows(d.offences)
    rows = [_row(offences, M.Period(s, e)) for s, e in d.trend]
    x = [_label(s, d.grain, lang, e) for s, e in d.trend]
    counts = [int(r.get("repeat_offences", 0)) for r in rows]
    rated = [M.rate(c, int(r.get("on_register", 0)), small_min) for c, r in
             zip(counts, rows, strict=True)]
    # A bucket not over yet is hatched, besides its name saying which months it holds.
    hatched = ["/" if M.is_partial(M.Period(s, e), d.grain) else "" for s, e in d.trend]
    bars = {"type": "bar", "x": x, "y": counts, "name": t("outcomes.trend.count", lang),
            "marker": {"color": "#0072B2", "pattern": {"shape": hatched}}}
    values = [r.value for r in rated]
    line = {"type": "scatter", "x": x, "y": values, "name": t("outcomes.trend.rate", lang),
            "yaxis": "y2", "mode": "lines+markers", "line": {"color": "#D55E00"},
            "connectgaps": False}
    # With no rate to draw (every bucket a small sample) plotly would spread the empty
    # right axis's ticks over the left one's grid (0,633 / 1,267 ...): no ticks then.
    return figures.plain_figure([bars, line], 360, lang,
                          yaxis={"title": {"text": t("outcomes.trend.count", lang)}},
                          yaxis2={"overlaying": "y", "side": "right",
                                  "title": {"text": t("outcomes.trend.rate", lang)},
                                  "showgrid": False,
                                  "showticklabels": any(v is not None for v in values)})


def closures_figure(d: Outcomes, lang: str) -> dict:
    closures = _rows(d.closures)
    rows = [_row(closures, M.Period(s, e)) for s, e in d.trend]
    x = [_label(s, d.grain, lang, e) for s, e in d.trend]
    traces = [{"type": "bar", "x": x, "y": [int(r.get(outcome, 0)) for r in rows],
               "marker": {"color": colour},
               # A long name wraps: on one line it ran off a phone's legend.
               "name": figures.wrap_label(t(f"outcomes.closure.{outcome}", lang), 36)}
              for outcome, colour in CLOSURE_COLOURS.items()]
    return figures.plain_figure(traces, 340, lang, barmode="stack",
                          yaxis={"title": {"text": t("outcomes.closures.axis", lang)}})


def escalation_figure(steps: Escalation, lang: str) -> dict:
    keys = ["violations", "malicious_violations", "grounds", "submitted", "revoked", "rejected"]
    values = [getattr(steps, k) for k in keys]
    bar = {"type": "bar", "x": values, "y": [t(f"outcomes.step.{k}", lang) for k in keys],
           "orientation": "h", "text": [number(v, lang) for v in values],
           "textposition": "auto",
           "marker": {"color": ["#56B4E9", "#E69F00", "#F0E442", "#CC79A7", "#D55E00",
                                "#009E73"]}}
    return figures.plain_figure([bar], 300, lang, yaxis={"autorange": "reversed"})


def cohort_figure(d: Outcomes, lang: str, small_min: int) -> dict:
    """The share of each cohort with a new offence within 12 months; cohorts whose 12
    months are not over, or too small, are drawn hollow with no value."""
    cohort_grain = "year" if d.grain == "year" else "quarter"
    x, y, text, colours = [], [], [], []
    for r in d.cohorts.itertuples(index=False):
        rated = M.rate(r.reoffended_12m, r.registered, small_min, per=100)
        shown = rated.value if r.complete else None
        x.append(_label(r.period_start, cohort_grain, lang))
        y.append(shown)
        text.append(t("outcomes.cohort.open", lang) if not r.complete
                    else (t("shell.small_sample", lang) if shown is None else None))
        colours.append("#0072B2" if shown is not None else "#cccccc")
    bar = {"type": "bar", "x": x, "y": [v if v is not None else 0 for v in y], "text": text,
           "marker": {"color": colours}, "hovertext": text}
    return figures.plain_figure([bar], 320, lang,
                          yaxis={"title": {"text": t("outcomes.cohort.axis", lang)}})


# --- tables -----------------------------------------------------------------------------

# Each table's scroll box is a region named for its section (axe: landmark-unique).
TABLE_TITLES = {"outcomes-by-type": "outcomes.by.probation_type",
                "outcomes-by-category": "outcomes.by.legal_category",
                "outcomes-assistance": "outcomes.assistance.title",
                "outcomes-outlier-units": "outcomes.outliers.units",
                "outcomes-outlier-officers": "outcomes.outliers.officers"}


def _table(header: list, rows: list[list], table_id: str, lang: str,
           small_min: int | None = None, label: str | None = None):
    """A table of the page; with muted small-sample cells, one note under it says why.
    `label` names its scroll box (else its section's title, TABLE_TITLES)."""
    if not rows:
        return html.P(t("shell.table.empty", lang), id=table_id, className="text-muted")
    table = scroll_box(dbc.Table(table_body(header, rows), id=table_id, size="sm",
                                 striped=True, hover=True),
                       label or (t(TABLE_TITLES[table_id], lang) if table_id in TABLE_TITLES
                                 else str(header[0])))
    if small_min is None or not any(getattr(c, "className", None) == "small-sample-value"
                                    for row in rows for c in row):
        return table
    return html.Div([table, small_sample_note(lang, small_min, f"{table_id}-note")])


PLACE_PATHS = {"region": "/region/{}", "unit": "/unit/{}", "officer": "/officer/{}"}


def _place_key(key, level: str) -> str | None:
    """A place's key as its link takes it (None: the cases no officer holds)."""
    if key is None or (isinstance(key, float) and key != key):
        return None
    return str(key) if level == "region" else str(int(key))


def place_title(d: Outcomes, lang: str) -> str:
    """"By region" for the nation; "Units of Astana", "Officers of Yesil District"."""
    if d.place_name is None:
        return t(f"outcomes.by.{d.place_level}", lang)
    return t(f"shell.below.{d.place_level}", lang, place=d.place_name)


def place_table(d: Outcomes, v: View, small_min: int) -> html.Div:
    """Regions (a region's units, a unit's officers) with repeat offences and revocations,
    this period against a year earlier; each name links to its page."""
    lang = v.lang
    names = dict(zip(d.place_names.key.astype(str), d.place_names.name, strict=True))
    if d.place_level == "officer":
        names = {k: f"{t('shell.level.officer', lang)} {n}" for k, n in names.items()}
    now = d.by_place[d.by_place.period_start == d.current.start]
    before = d.by_place[d.by_place.period_start == d.year_earlier.start]
    before_rates = {_place_key(r.key, d.place_level): M.rate(int(r.repeat_offences),
                                                             int(r.on_register), small_min)
                    for r in before.itertuples(index=False)}
    path = PLACE_PATHS[d.place_level]
    query = v.filters.to_query(region=None, unit=None)
    total = len(now)
    if total > MOST_ROWS:
        now = now.sort_values(["repeat_offences", "on_register"], ascending=False,
                              kind="stable").head(MOST_ROWS)
    rows = []
    for r in sorted(now.itertuples(index=False),
                    key=lambda r: (_place_key(r.key, d.place_level) is None,
                                   str(names.get(_place_key(r.key, d.place_level), "")))
                    if d.place_level != "region" else (False, str(r.key))):
        key = _place_key(r.key, d.place_level)
        rated = M.rate(int(r.repeat_offences), int(r.on_register), small_min)
        revoked = M.rate(int(r.revoked), int(r.on_register), small_min)
        earlier = before_rates.get(key)
        label = (t("shell.no_officer", lang) if key is None
                 else dcc.Link(names.get(key, key), href=path.format(key) + query))
        rows.append([label,
                     number(int(r.repeat_offences), lang), number(int(r.on_register), lang),
                     _rate_text(rated, lang, small_min, in_table=True),
                     _change_text(rated.value, earlier.value if earlier else None, lang),
                     number(int(r.revoked), lang),
                     _rate_text(revoked, lang, small_min, in_table=True)])
    header = [t(f"outcomes.col.{c}", lang) for c in (
        "place", "repeat_offences", "on_register", "repeat_rate", "change_year", "revoked",
        "revocation_rate")]
    table = _table(header, rows, "outcomes-by-place", lang, small_min, place_title(d, lang))
    if total <= len(now):
        return table
    return html.Div([table, shown_of("outcomes.places_most", lang, total, len(now),
                                     "outcomes-by-place-most")])


def split_table(frame: pd.DataFrame, prefix: str, table_id: str, lang: str, small_min: int):
    rows = [[t(f"{prefix}.{r.key}", lang), number(int(r.repeat_offences), lang),
             number(int(r.on_register), lang),
             _rate_text(M.rate(int(r.repeat_offences), int(r.on_register), small_min), lang,
                        small_min, in_table=True)]
            for r in frame.itertuples(index=False)]
    header = [t(f"outcomes.col.{c}", lang) for c in ("place", "repeat_offences", "on_register",
                                                     "repeat_rate")]
    return _table(header, rows, table_id, lang, small_min)


def assistance_table(frame: pd.DataFrame, people_on_register: int, lang: str,
                     small_min: int):
    """Each kind of assistance: requested, provided, results in the kind's own words, and
    the share of the people on the register who got it."""
    by_kind = {r.kind: r for r in frame.itertuples(index=False)}
    rows = []
    for kind in ASSISTANCE_KINDS:
        r = by_kind.get(kind)
        if r is None:
            continue
        share = r.people / people_on_register if people_on_register else None
        rows.append([t(f"outcomes.kind.{kind}", lang), number(r.requested, lang),
                     number(r.provided, lang),
                     [number(r.achieved, lang), " ",
                      html.Small(t(f"outcomes.achieved.{kind}", lang), className="text-muted")],
                     number(r.partial, lang), number(r.not_achieved, lang),
                     number(r.people, lang),
                     table_rate(share, people_on_register, lang, small_min)])
    header = [t(f"outcomes.col.{c}", lang) for c in (
        "kind", "requested", "provided", "achieved", "partial", "not_achieved", "people",
        "share_people")]
    return _table(header, rows, "outcomes-assistance", lang, small_min)


def _status_badge(status: str | None, lang: str):
    if status is None:
        return html.Span(t("outcomes.status.none", lang), className="badge text-bg-light")
    return html.Span(t(f"outcomes.status.{status}", lang),
                     className=f"badge text-bg-{STATUS_COLOURS[status]} status-{status}")


HISTORY_MARKS = {M.MET: "○", M.NEAR: "◐", M.FAR: "●", None: "·"}
"""A month of an outlier's history: the shape says the status (not the colour alone)."""


def _history(statuses: list, lang: str) -> html.Span:
    """Six months of statuses as one line of marks, oldest first; the words in its label
    and tooltip (one element a row: the badges it replaces made the column the table's
    widest, and a tenth of the page's components)."""
    words = ", ".join(t("outcomes.status.none" if s is None else f"outcomes.status.{s}", lang)
                      for s in statuses)
    return html.Span("".join(HISTORY_MARKS.get(s, "·") for s in statuses), title=words,
                     role="img", className="status-history",
                     **{"aria-label": t("outcomes.history.label", lang, statuses=words)})


def history_legend(lang: str) -> html.P:
    """What the history marks mean, once under the outlier tables."""
    return html.P(t("outcomes.history.legend", lang, **{
        key: HISTORY_MARKS[status] for key, status in
        (("met", M.MET), ("near", M.NEAR), ("far", M.FAR), ("none", None))}),
        className="small text-muted", id="outcomes-history-legend")


def listed(now: pd.DataFrame) -> pd.DataFrame:
    """The rows of one window the table lists: NEAR or FAR, FAR first, then by rate
    (ties in the frame's order), at most OUTLIER_ROWS."""
    status = now["status"].to_numpy(dtype=object)
    far = status == M.FAR
    rows = np.flatnonzero(far | (status == M.NEAR))
    # A stable sort on (not FAR, -rate): a NEAR or FAR row always has a rate.
    order = np.lexsort((-now["rate"].to_numpy(dtype=float)[rows], ~far[rows]))
    return now.iloc[rows[order][:OUTLIER_ROWS]]


def flagged(judged: pd.DataFrame) -> pd.DataFrame:
    """One row per entity and event at the latest window, with its six-month status
    history; only those NEAR or FAR now, FAR first, then by rate."""
    if judged.empty:
        return judged
    now = listed(judged[judged.window_end == judged.window_end.max()])
    # The history of the rows shown only (a ministry page judges every officer).
    shown = set(zip(now.entity_id, now.event, strict=True))
    past = judged[judged.entity_id.isin(now.entity_id)]
    history: dict = {key: [] for key in shown}
    for _window_end, entity_id, event, status in sorted(
            zip(past.window_end, past.entity_id, past.event, past.status, strict=True),
            key=lambda r: r[0]):
        if (entity_id, event) in shown:
            history[(entity_id, event)].append(status)
    return now.assign(history=[history[key] for key in zip(now.entity_id, now.event,
                                                             strict=True)])


def outlier_table(judged: pd.DataFrame, level: str, v: View, table_id: str,
                  region_names: dict | None = None):
    """The units or officers flagged NEAR or FAR, each with its region named (the code
    kept in data-region)."""
    lang = v.lang
    region_names = region_names or {}
    rows_frame = flagged(judged)
    if rows_frame.empty:
        return html.P(t("outcomes.outliers.none", lang), id=table_id, className="text-muted")
    query = v.filters.to_query(region=None, unit=None)
    rows = []
    for r in rows_frame.itertuples(index=False):
        label = getattr(r, f"label_{lang}")
        href = (f"/unit/{r.entity_id}" if level == "unit" else f"/officer/{r.entity_id}") + query
        rows.append([dcc.Link(label, href=href, className=f"outlier-link-{r.status}"),
                     t(f"outcomes.outliers.event.{r.event}", lang),
                     html.Span(region_names.get(r.region_code, r.region_code),
                               **{"data-region": r.region_code}),
                     number(r.average_caseload, lang, 1),
                     number(int(r.events), lang), number(r.rate, lang, 1),
                     _status_badge(r.status, lang), _history(r.history, lang)])
    header = [t(f"outcomes.col.{c}", lang) for c in (
        "place", "event", "region", "caseload", "events", "rate", "status", "history")]
    return _table(header, rows, table_id, lang)


def _benchmark_note(bench: M.Benchmark | None, lang: str, min_caseload: float,
                    min_events: int) -> str:
    if bench is None:
        return ""
    return t("outcomes.outliers.help", lang, target=number(bench.target, lang, 1),
             iqr=number(bench.iqr, lang, 1), min=number(min_caseload, lang),
             events=number(min_events, lang))


@dataclass(frozen=True)
class Outliers:
    """The outliers section's figures (callbacks/outcomes.py gather_outliers)."""

    unit_outliers: pd.DataFrame
    officer_outliers: pd.DataFrame
    min_caseload: float = 10
    min_events: int = 5
    unit_benchmark: M.Benchmark | None = None
    """The units' repeat-offence benchmark in the latest window (None: no unit counted)."""
    region_names: dict = field(default_factory=dict)
    """ISO code -> name of the regions in scope: an outlier's region is named, never a
    bare code."""


def outliers_body(v: View, d: Outliers) -> list:
    """The benchmark, the units and officers far above it, and the legend of their
    history."""
    lang = v.lang
    return [html.P(_benchmark_note(d.unit_benchmark, lang, d.min_caseload,
                                   d.min_events), className="small"),
            html.H3(t("outcomes.outliers.units", lang), className="h6"),
            outlier_table(d.unit_outliers, "unit", v, "outcomes-outlier-units",
                          d.region_names),
            html.H3(t("outcomes.outliers.officers", lang), className="h6"),
            outlier_table(d.officer_outliers, "officer", v, "outcomes-outlier-officers",
                          d.region_names),
            history_legend(lang)]


# --- the page ---------------------------------------------------------------------------

def _section(title_key: str, lang: str, *children, id_: str | None = None) -> html.Section:
    return html.Section([html.H2(t(title_key, lang), className="h5"), *children],
                        className="mb-4", **({"id": id_} if id_ else {}))


def page(v: View, d: Outcomes, outliers: Outliers) -> html.Div:
    """The whole page, its outliers section included (filled by a callback of its own once
    the page was drawn, it froze the browser for seconds: Dash re-renders the page for
    every component such a callback adds)."""
    lang, small_min = v.lang, v.small_min
    people_now = int(_row(d.offences, d.current).get("on_register", 0))
    return html.Div([
        *_heading(t("outcomes.title", lang), v),
        html.P(t("outcomes.lead", lang), className="text-muted"),
        html.Section([html.H2(t("outcomes.kpi.title", lang), className="visually-hidden"),
                      kpi_cards(d, lang, small_min)]),
        _section("outcomes.compare.title", lang, comparison_table(d, lang, small_min)),
        _section("outcomes.trend.title", lang,
                 html.P(t("outcomes.trend.help", lang, min=small_min), className="small"),
                 _graph("outcomes-trend", trend_figure(d, lang, small_min), lang,
                        t("outcomes.trend.title", lang))),
        html.Section([html.H2(place_title(d, lang), className="h5"),
                      place_table(d, v, small_min)], className="mb-4"),
        dbc.Row([
            dbc.Col(_section("outcomes.by.probation_type", lang, split_table(
                d.by_type, "shell.type", "outcomes-by-type", lang, small_min)), lg=6),
            dbc.Col(_section("outcomes.by.legal_category", lang, split_table(
                d.by_category, "shell.category", "outcomes-by-category", lang, small_min)),
                lg=6),
        ]),
        dbc.Row([
            dbc.Col(_section("outcomes.closures.title", lang,
                             _graph("outcomes-closures", closures_figure(d, lang), lang,
                                    t("outcomes.closures.title", lang)),
                             *([html.P(t("outcomes.closures.synthetic_transfers", lang),
                                       className="small text-muted",
                                       id="outcomes-synthetic-transfers")]
                               if d.synthetic_transfers else [])), lg=7),
            dbc.Col(_section("outcomes.escalation.title", lang,
                             html.P(t("outcomes.escalation.help", lang), className="small"),
                             _graph("outcomes-escalation",
                                    escalation_figure(d.escalation[d.current], lang), lang,
                                    t("outcomes.escalation.title", lang))), lg=5),
        ]),
        _section("outcomes.assistance.title", lang,
                 html.P(t("outcomes.assistance.help", lang), className="small"),
                 assistance_table(d.assistance, people_now, lang, small_min)),
        _section("outcomes.cohort.title", lang,
                 html.P(t("outcomes.cohort.help", lang), className="small"),
                 _graph("outcomes-cohorts", cohort_figure(d, lang, small_min), lang,
                        t("outcomes.cohort.title", lang))),
        _section("outcomes.outliers.title", lang, *outliers_body(v, outliers),
                 id_="outcomes-outliers"),
    ])
