"""KPI cards, the same on every level (nation, region, unit, officer); beside a place's
figures, the same figures of the wider places it sits in (queries.kpis.beside)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import t
from layouts.formatting import number, percent
from queries.kpis import Beside, Due, Headline

ARROWS = {"higher": "▲", "lower": "▼", "same": "="}
"""Beside the direction's word, never instead of it (not by colour or symbol alone)."""


def small_sample(denominator: int, lang: str, small_min: int) -> list:
    """The small-sample badge (its reason on hover and for screen readers) when the
    denominator is under the minimum; else nothing."""
    if denominator >= small_min:
        return []
    help_text = t("shell.small_sample_help", lang, n=denominator, min=small_min)
    return [" ", html.Span(t("shell.small_sample", lang),
                           className="badge text-bg-warning small-sample", title=help_text),
            html.Span(help_text, className="visually-hidden")]


def rate(value: float | None, denominator: int, lang: str, small_min: int,
         signed: bool = False, digits: int = 0) -> html.Span:
    """A share or change: shown plainly only when its denominator is large enough;
    otherwise marked as a small sample, with the reason on hover and for screen readers."""
    text = percent(value, lang, digits, signed=signed)
    badge = [] if value is None else small_sample(denominator, lang, small_min)
    if not badge:
        return html.Span(text)
    return html.Span([html.Span(text, className="text-muted"), *badge],
                     className="rate-small-sample")


def table_rate(value: float | None, denominator: int, lang: str, small_min: int,
               signed: bool = False, digits: int = 0) -> html.Span:
    """A share or change in a table cell: a small sample's value muted (the reason on
    hover), without a badge; the table says once what muted means (small_sample_note)."""
    text = percent(value, lang, digits, signed=signed)
    if value is None or denominator >= small_min:
        return html.Span(text)
    return muted(text, denominator, lang, small_min)


def muted(text: str, denominator, lang: str, small_min: int) -> html.Span:
    """A table cell's value resting on too small a denominator: muted, its reason on
    hover (the note under the table says it for every such cell)."""
    return html.Span(text, className="small-sample-value",
                     title=t("shell.small_sample_help", lang, n=denominator, min=small_min))


def small_sample_note(lang: str, small_min: int, id_: str | None = None) -> html.P:
    """Once under a table with muted values: what they are."""
    return html.P(t("shell.small_sample_note", lang, min=small_min),
                  className="small text-muted small-sample-note",
                  **({"id": id_} if id_ else {}))


def _with(key: str, lang: str, component, name: str) -> list:
    """The catalog text of `key` with `component` in place of its {name}."""
    before, _, after = t(key, lang, **{name: "\x00"}).partition("\x00")
    return [part for part in (before, component, after) if not isinstance(part, str) or part]


@dataclass(frozen=True)
class Figure:
    """One figure of a card that the wider places' are set beside: how to take it from a
    place's Headline and Due, its denominator (small samples), kind ("share", "signed"
    change or "number") and digits shown; places are compared as shown."""

    get: Callable[[Headline, Due], float | None]
    denominator: Callable[[Headline, Due], int] | None
    kind: str
    digits: int

    def text(self, h: Headline, due: Due, lang: str) -> str:
        value = self.get(h, due)
        if self.kind == "number":
            return number(value, lang, self.digits)
        return percent(value, lang, self.digits, signed=self.kind == "signed")

    def badge(self, h: Headline, due: Due, lang: str, small_min: int) -> list:
        """The small-sample badge of a share or change, if its denominator is small."""
        if self.denominator is None or self.get(h, due) is None:
            return []
        return small_sample(self.denominator(h, due), lang, small_min)

    def rounded(self, h: Headline, due: Due) -> float | None:
        value = self.get(h, due)
        if value is None:
            return None
        return round(value * (1 if self.kind == "number" else 100), self.digits)


FIGURES = {
    "closed": Figure(lambda h, d: h.completion_share, lambda h, d: h.closed, "share", 0),
    "overdue": Figure(lambda h, d: d.overdue_share, lambda h, d: d.due, "share", 1),
    "caseload_per_post": Figure(lambda h, d: h.caseload_per_post, None, "number", 1),
    "repeat": Figure(lambda h, d: h.repeat_change,
                     lambda h, d: h.repeat_offences_year_before, "signed", 0),
}
"""The figures compared: completion share, overdue share, caseload per filled post and
the change of repeat offences against a year earlier."""


def _beside_lines(key: str, h: Headline, beside: Beside | None, lang: str,
                  small_min: int) -> list:
    """The card's figure of each wider place, with whether the place's own is higher,
    lower or the same (as shown, to the digits shown)."""
    if beside is None or key not in FIGURES:
        return []
    figure, lines = FIGURES[key], []
    own = figure.rounded(h, beside.due)
    for wider in beside.wider:
        other = figure.rounded(wider.headline, wider.due)
        value = figure.text(wider.headline, wider.due, lang)
        if own is None or other is None:
            children = [t(f"shell.kpi.beside.{wider.level}", lang, value=value)]
        else:
            direction = "higher" if own > other else "lower" if own < other else "same"
            children = [html.Span(ARROWS[direction], **{"aria-hidden": "true"}), " ",
                        t(f"shell.kpi.beside.{wider.level}.{direction}", lang, value=value)]
        children += figure.badge(wider.headline, wider.due, lang, small_min)
        lines.append(html.P(children, className="small text-muted mb-0 kpi-beside",
                            id=f"kpi-{key.replace('_', '-')}-beside-{wider.level}"))
    return lines


def _card(key: str, value: str, note, lang: str, beside: list | None = None) -> dbc.Col:
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.H3(t(f"shell.kpi.{key}", lang), className="h6 card-title text-secondary"),
        html.P(value, className="display-6 mb-1 kpi-value"),
        html.P(note, className="small mb-1") if note else None,
        *(beside or []),
    ]), className="h-100", id=f"kpi-{key.replace('_', '-')}"), xs=12, sm=6, lg=4, xl=2)


PERIOD_COUNTS = ("registered", "closed", "repeat")


def kpi_cards(h: Headline, lang: str, small_min: int, as_of_text: str,
              beside: Beside | None = None, partial: str | None = None) -> html.Section:
    """The place's KPIs; with `beside`, its overdue share and the wider places' figures;
    with `partial` (an unfinished period's label), that label on each count over the
    period, so a year so far does not read as a whole year."""
    def card(key: str, value: str, note) -> dbc.Col:
        lines = _beside_lines(key, h, beside, lang, small_min)
        if partial and key in PERIOD_COUNTS:
            lines = [html.P(partial, className="small text-muted mb-1 period-partial"),
                     *(lines or [])]
        return _card(key, value, note, lang, lines)

    overdue_note = None if beside is None else _with(
        "milestones.kpi.overdue_note", lang,
        rate(beside.due.overdue_share, beside.due.due, lang, small_min, digits=1), "share")
    cards = [
        card("on_register", number(h.on_register, lang),
             t("shell.kpi.on_register_note", lang, date=as_of_text)),
        card("registered", number(h.registered, lang), None),
        card("closed", number(h.closed, lang), [
            t("shell.kpi.completion", lang), ": ",
            rate(h.completion_share, h.closed, lang, small_min)]),
        card("overdue", number(h.overdue, lang), overdue_note),
        card("caseload_per_post", number(h.caseload_per_post, lang, 1),
             t("shell.kpi.posts_note", lang, n=number(h.filled_posts, lang))),
        card("repeat", number(h.repeat_offences, lang), [
            t("shell.kpi.repeat_change", lang,
              before=number(h.repeat_offences_year_before, lang)), ": ",
            rate(h.repeat_change, h.repeat_offences_year_before, lang, small_min,
                 signed=True)]),
    ]
    return html.Section([html.H2(t("shell.kpi.title", lang), className="visually-hidden"),
                         dbc.Row(cards, className="g-3")], className="mb-4")
