"""The page figures are plain dicts (layouts.figures.lean). Each must be exactly what
plotly's validated API builds from the same input, in the JSON Dash sends (plotly's figure
objects send number arrays as typed arrays, plotly.js reads both: compared as lists): the
reference builders below are the figures as they were written with plotly's API."""

from __future__ import annotations

import base64
import json
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from dash._utils import to_json

from dashboard.codes import LEGAL_CATEGORIES, PROBATION_TYPES
from dashboard.i18n import t
from layouts import figures
from layouts.figures import FONT, TYPE_COLOURS, WIDENINGS


def _as_lists(value):
    """Typed arrays ({"dtype", "bdata"[, "shape"]}) as the plain lists they encode."""
    if isinstance(value, dict):
        if set(value) in ({"dtype", "bdata"}, {"dtype", "bdata", "shape"}):
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            if "shape" in value:
                array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
            return array.tolist()
        return {k: _as_lists(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_lists(v) for v in value]
    return value


def _json(fig) -> dict:
    return _as_lists(json.loads(to_json(fig)))


# --- the reference builders ---------------------------------------------------------------

def _base(fig: go.Figure, height: int = 380) -> go.Figure:
    """The common layout as plotly's API set it (what figures.lean writes directly)."""
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      font={"family": FONT, "size": 13}, plot_bgcolor="white",
                      paper_bgcolor="white",
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0})
    fig.update_yaxes(gridcolor="#e5e5e5", rangemode="tozero")
    return fig


def ref_stacked_by_type(frame, x, lang):
    fig = go.Figure()
    order = list(dict.fromkeys(frame[x]))
    for probation_type in PROBATION_TYPES:
        part = frame[frame.probation_type == probation_type]
        if part.empty:
            continue
        fig.add_bar(x=part[x], y=part["cases"], name=t(f"shell.type.{probation_type}", lang),
                    marker_color=TYPE_COLOURS[probation_type])
    fig.update_layout(barmode="stack", xaxis={"categoryorder": "array", "categoryarray": order,
                                              "tickangle": -40})
    fig.update_yaxes(title_text=t("caseload.axis.cases", lang), separatethousands=True)
    return _base(fig, 420)


def ref_category_bars(frame, lang):
    labels = [t(f"shell.category.{c}", lang) for c in frame.legal_category]
    fig = go.Figure(go.Bar(x=frame["cases"], y=labels, orientation="h",
                           marker_color="#0072B2"))
    fig.update_yaxes(autorange="reversed", gridcolor="rgba(0,0,0,0)")
    fig.update_xaxes(title_text=t("caseload.axis.cases", lang), gridcolor="#e5e5e5")
    return _base(fig, 320)


def ref_trend(frame, lang):
    fig = go.Figure()
    for probation_type in PROBATION_TYPES:
        part = frame[frame.probation_type == probation_type]
        if part.empty:
            continue
        fig.add_scatter(x=pd.to_datetime(part.month_end), y=part["cases"], mode="lines",
                        stackgroup="one", name=t(f"shell.type.{probation_type}", lang),
                        line={"color": TYPE_COLOURS[probation_type], "width": 1})
    for row, (when, key) in enumerate(WIDENINGS):
        x = pd.Timestamp(when).timestamp() * 1000
        fig.add_vline(x=x, line={"color": "#444", "dash": "dot", "width": 1})
        fig.add_annotation(x=x, y=1 - 0.09 * row, yref="paper", text=t(key, lang),
                           showarrow=False, xanchor="left", yanchor="top", align="left",
                           font={"size": 11}, bgcolor="rgba(255,255,255,0.85)")
    fig.update_yaxes(title_text=t("caseload.axis.cases", lang))
    return _base(fig, 400)


# --- the figures of the caseload and overview pages ---------------------------------------

BY_REGION_TYPE = pd.DataFrame({
    "region": ["Astana", "Astana", "Almaty", "Abai", "Abai", "Abai"],
    "probation_type": ["sentence", "pre_trial", "sentence", "penitentiary", "sentence",
                       "post_penitentiary"],
    "cases": [120, 7, 3400, 12, 15, 2]})
BY_CATEGORY = pd.DataFrame({"legal_category": list(LEGAL_CATEGORIES[:3]),
                            "cases": [40210, 3, 977]})
TREND = pd.DataFrame({
    "month_end": [date(2014, 12, 31), date(2015, 1, 31), date(2016, 12, 31), date(2017, 1, 31),
                  date(2017, 1, 31)],
    "probation_type": ["sentence", "sentence", "sentence", "sentence", "pre_trial"],
    "cases": [100, 130, 90000, 90100, 5]})


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_caseload_figures_are_what_plotly_builds(lang):
    assert (_json(figures.stacked_by_type(BY_REGION_TYPE, "region", lang))
            == _json(ref_stacked_by_type(BY_REGION_TYPE, "region", lang)))
    assert (_json(figures.category_bars(BY_CATEGORY, lang))
            == _json(ref_category_bars(BY_CATEGORY, lang)))
    assert _json(figures.trend(TREND, lang)) == _json(ref_trend(TREND, lang))


def test_empty_frames_give_the_same_empty_figures():
    empty = BY_REGION_TYPE.iloc[0:0]
    assert (_json(figures.stacked_by_type(empty, "region", "kk"))
            == _json(ref_stacked_by_type(empty, "region", "kk")))
    assert _json(figures.trend(TREND.iloc[0:0], "kk")) == _json(ref_trend(TREND.iloc[0:0], "kk"))


# --- the milestones page --------------------------------------------------------------------

def ref_bars(labels, values, lang, colours=None, hover=None, horizontal=False):
    bar = go.Bar(x=values if horizontal else labels, y=labels if horizontal else values,
                 orientation="h" if horizontal else "v",
                 marker_color=colours or "#0072B2", customdata=hover,
                 hovertemplate="%{customdata}<extra></extra>" if hover else None)
    fig = go.Figure(bar)
    axis = {"title_text": t("milestones.axis.count", lang), "separatethousands": True}
    if horizontal:
        fig.update_xaxes(**axis)
        fig.update_yaxes(autorange="reversed")
    else:
        fig.update_yaxes(**axis)
    return _base(fig, 300)


def ref_milestones_trend(frame, lang):
    from layouts.formatting import day
    fig = go.Figure(go.Scatter(x=[pd.Timestamp(d) for d in frame.day], y=frame.overdue,
                               mode="lines+markers", line_color="#D55E00",
                               customdata=[day(d, lang) for d in frame.day],
                               hovertemplate="%{customdata}: %{y}<extra></extra>"))
    fig.update_yaxes(title_text=t("milestones.axis.count", lang), separatethousands=True)
    return _base(fig, 300)


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_milestones_figures_are_what_plotly_builds(lang):
    from dashboard import rules as R
    from layouts import milestones as L

    aging = pd.DataFrame({"bucket": ["1_7", "8_30", "31_90", "over_90"],
                          "overdue": [5, 0, 12, 3]})
    labels = [t(f"milestones.aging.{b}", lang) for b in aging.bucket]
    assert (_json(L.aging_figure(aging, lang))
            == _json(ref_bars(labels, aging.overdue.tolist(), lang, list(L.AGING_COLOURS))))

    rules = R.DeadlineRules()
    kinds = pd.DataFrame({"key": ["registration", "program_drafted"], "overdue": [4, 1],
                          "due": [40, 9]})
    hover = [f"{L.kind_label(k, lang)}: {o} / {d}<br>{L.rule_text(k, rules, lang)}"
             for k, o, d in zip(kinds.key, kinds.overdue, kinds.due, strict=True)]
    assert (_json(L.kind_figure(kinds, rules, lang))
            == _json(ref_bars([L.kind_label(k, lang) for k in kinds.key],
                              kinds.overdue.tolist(), lang, hover=hover, horizontal=True)))

    types = pd.DataFrame({"key": ["sentence", "pre_trial"], "overdue": [1200, 7]})
    assert (_json(L.type_figure(types, lang))
            == _json(ref_bars([t(f"shell.type.{p}", lang) for p in types.key],
                              types.overdue.tolist(), lang,
                              [TYPE_COLOURS[p] for p in types.key], horizontal=True)))

    soon = pd.DataFrame({"kind": ["registration"], "due": [8]})
    assert (_json(L.due_soon_figure(soon, lang))
            == _json(ref_bars([L.kind_label("registration", lang)], [8], lang, "#009E73",
                              horizontal=True)))

    trend = pd.DataFrame({"day": [date(2026, 9, 30), date(2026, 10, 31), date(2026, 11, 24)],
                          "overdue": [310, 295, 301]})
    assert _json(L.trend_figure(trend, lang)) == _json(ref_milestones_trend(trend, lang))


# --- the outcomes page ----------------------------------------------------------------------

def _outcomes():
    from layouts.outcomes import Outcomes

    trend = [(date(2026, 1, 1), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 6, 30)),
             (date(2026, 7, 1), date(2026, 9, 30))]
    starts = [s for s, _ in trend]
    ends = [e for _, e in trend]
    offences = pd.DataFrame({"period_start": starts, "period_end": ends,
                             "repeat_offences": [12, 0, 30], "on_register": [4000, 20, 4100]})
    closures = pd.DataFrame({"period_start": starts[:2], "period_end": ends[:2],
                             "completed": [300, 280], "revoked": [12, 9], "other": [4, 0]})
    cohorts = pd.DataFrame({"period_start": [date(2025, 1, 1), date(2025, 4, 1),
                                             date(2025, 7, 1), date(2025, 10, 1)],
                            "registered": [900, 15, 950, 1000],
                            "reoffended_12m": [45, 1, 50, 10],
                            "complete": [True, True, True, False]})
    none = pd.DataFrame()
    return Outcomes(current=None, previous=None, year_earlier=None, grain="quarter",
                    trend=trend, offences=offences, closures=closures, by_place=none,
                    place_level="region", place_names=none, by_type=none, by_category=none,
                    escalation={}, assistance=none, cohorts=cohorts, unit_outliers=none,
                    officer_outliers=none)


def ref_outcomes_trend(d, lang, small_min):
    from dashboard import metrics as M
    from layouts.outcomes import _label, _row

    rows = [_row(d.offences, M.Period(s, e)) for s, e in d.trend]
    x = [_label(s, d.grain, lang) for s, _ in d.trend]
    counts = [int(r.get("repeat_offences", 0)) for r in rows]
    rated = [M.rate(c, int(r.get("on_register", 0)), small_min) for c, r in
             zip(counts, rows, strict=True)]
    fig = go.Figure()
    fig.add_bar(x=x, y=counts, name=t("outcomes.trend.count", lang), marker_color="#0072B2")
    fig.add_scatter(x=x, y=[r.value for r in rated], name=t("outcomes.trend.rate", lang),
                    yaxis="y2", mode="lines+markers", line={"color": "#D55E00"},
                    connectgaps=False)
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "rangemode": "tozero",
                              "title": {"text": t("outcomes.trend.rate", lang)},
                              "showgrid": False})
    # The plotly version selected the left axis by {"anchor": "x"}, which matches no axis
    # (anchor is unset): the count axis had no title. The lean figure gives it one.
    fig.update_yaxes(title_text=t("outcomes.trend.count", lang), selector={"overlaying": None})
    return _base(fig, 360)


def ref_closures(d, lang):
    from dashboard import metrics as M
    from layouts.outcomes import CLOSURE_COLOURS, _label, _row

    rows = [_row(d.closures, M.Period(s, e)) for s, e in d.trend]
    x = [_label(s, d.grain, lang) for s, _ in d.trend]
    fig = go.Figure()
    for outcome, colour in CLOSURE_COLOURS.items():
        fig.add_bar(x=x, y=[int(r.get(outcome, 0)) for r in rows], marker_color=colour,
                    name=t(f"outcomes.closure.{outcome}", lang))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text=t("outcomes.closures.axis", lang))
    return _base(fig, 340)


def ref_escalation(steps, lang):
    from layouts.formatting import number

    keys = ["violations", "malicious_violations", "grounds", "submitted", "revoked", "rejected"]
    values = [getattr(steps, k) for k in keys]
    fig = go.Figure(go.Bar(x=values, y=[t(f"outcomes.step.{k}", lang) for k in keys],
                           orientation="h", text=[number(v, lang) for v in values],
                           textposition="auto",
                           marker_color=["#56B4E9", "#E69F00", "#F0E442", "#CC79A7", "#D55E00",
                                         "#009E73"]))
    fig.update_yaxes(autorange="reversed")
    return _base(fig, 300)


def ref_cohort(d, lang, small_min):
    from dashboard import metrics as M
    from layouts.outcomes import _label

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
    fig = go.Figure(go.Bar(x=x, y=[v if v is not None else 0 for v in y], text=text,
                           marker_color=colours, hovertext=text))
    fig.update_yaxes(title_text=t("outcomes.cohort.axis", lang))
    return _base(fig, 320)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_outcomes_figures_are_what_plotly_builds(lang):
    from layouts import outcomes as L
    from queries.outcomes import Escalation

    d = _outcomes()
    lean = _json(L.trend_figure(d, lang, 100))
    assert lean == _json(ref_outcomes_trend(d, lang, 100))
    # The small period's rate is a gap, and both axes carry their titles.
    assert lean["data"][1]["y"][1] is None
    assert lean["layout"]["yaxis"]["title"]["text"] == t("outcomes.trend.count", lang)
    assert _json(L.closures_figure(d, lang)) == _json(ref_closures(d, lang))
    steps = Escalation(violations=900, malicious_violations=40, grounds=120, submitted=60,
                       revoked=41, rejected=9)
    assert _json(L.escalation_figure(steps, lang)) == _json(ref_escalation(steps, lang))
    assert _json(L.cohort_figure(d, lang, 100)) == _json(ref_cohort(d, lang, 100))
