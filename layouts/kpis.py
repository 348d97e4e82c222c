"""KPI cards, the same on every level (nation, region, unit, officer)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import t
from layouts.formatting import number, percent
from queries.kpis import Headline


def rate(value: float | None, denominator: int, lang: str, small_min: int,
         signed: bool = False) -> html.Span:
    """A share or change: shown plainly only when its denominator is large enough;
    otherwise marked as a small sample, with the reason on hover and for screen readers."""
    text = percent(value, lang, signed=signed)
    if value is None or denominator >= small_min:
        return html.Span(text)
    help_text = t("shell.small_sample_help", lang, n=denominator, min=small_min)
    return html.Span([
        html.Span(text, className="text-muted"), " ",
        html.Span(t("shell.small_sample", lang), className="badge text-bg-warning small-sample",
                  title=help_text),
        html.Span(help_text, className="visually-hidden"),
    ], className="rate-small-sample")


def _card(key: str, value: str, note, lang: str) -> dbc.Col:
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.H3(t(f"shell.kpi.{key}", lang), className="h6 card-title text-secondary"),
        html.P(value, className="display-6 mb-1 kpi-value"),
        html.P(note, className="small mb-0") if note else None,
    ]), className="h-100", id=f"kpi-{key.replace('_', '-')}"), xs=12, sm=6, lg=4, xl=2)


def kpi_cards(h: Headline, lang: str, small_min: int, as_of_text: str) -> html.Section:
    cards = [
        _card("on_register", number(h.on_register, lang),
              t("shell.kpi.on_register_note", lang, date=as_of_text), lang),
        _card("registered", number(h.registered, lang), None, lang),
        _card("closed", number(h.closed, lang), [
            t("shell.kpi.completion", lang), ": ",
            rate(h.completion_share, h.closed, lang, small_min)], lang),
        _card("overdue", number(h.overdue, lang), None, lang),
        _card("caseload_per_post", number(h.caseload_per_post, lang, 1),
              t("shell.kpi.posts_note", lang, n=number(h.filled_posts, lang)), lang),
        _card("repeat", number(h.repeat_offences, lang), [
            t("shell.kpi.repeat_change", lang,
              before=number(h.repeat_offences_year_before, lang)), ": ",
            rate(h.repeat_change, h.repeat_offences_year_before, lang, small_min,
                 signed=True)], lang),
    ]
    return html.Section([html.H2(t("shell.kpi.title", lang), className="visually-hidden"),
                         dbc.Row(cards, className="g-3")], className="mb-4")
