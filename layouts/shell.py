"""The frame around every page: top bar, filter bar, notices, breadcrumbs, messages."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.codes import LEGAL_CATEGORIES, PROBATION_TYPES
from dashboard.filters import PERIODS, Notice
from dashboard.i18n import LANGUAGES, t
from layouts.formatting import DATE_INPUT_FORMATS, day, first_day_of_week, months

# Sections in the top bar: only those that have landed (nothing leads to an empty page).
SECTIONS = (("overview", "/"), ("attention", "/attention"), ("caseload", "/caseload"),
            ("milestones", "/milestones"), ("staff", "/staff"), ("outcomes", "/outcomes"),
            ("review", "/review"))
CHARTLESS_SECTIONS = frozenset({"attention"})
"""Sections that draw no chart (a grid only): plotly.js is not fetched ahead for them."""
SIGN_OUT_PATH = "/logout"
LANGUAGE_PATH = "/language/{lang}"
ANY = "all"  # the "all" choice of a filter select (a native select cannot hold "")


def top_bar(lang: str, user_name: str, scope_label: str, csrf_token: str = "") -> html.Header:
    """The brand, the sections, the user, the languages and sign-out. Below the lg
    breakpoint everything but the brand folds behind a menu button (assets/shell.js
    toggles it), so a phone's first screen is not taken by seven links."""
    nav = html.Nav(html.Ul([
        html.Li(dcc.Link(t(f"shell.nav.{name}", lang), href=path, id=f"nav-{name}",
                         className="nav-link text-white text-nowrap"), className="nav-item")
        for name, path in SECTIONS
    ], className="navbar-nav column-gap-3"),
        **{"aria-label": t("shell.nav.label", lang)})
    # Each language is a small POST form with the session's token (a state change never
    # rides on a GET): a link elsewhere cannot change the user's language.
    languages = html.Ul([
        html.Li(html.Form([
            dcc.Input(type="hidden", name="csrf_token", value=csrf_token,
                      id=f"lang-{code}-token"),
            html.Button(t(f"lang.{code}", code), type="submit", lang=code, id=f"lang-{code}",
                        className="btn btn-sm " + ("btn-light" if code == lang
                                                   else "btn-outline-light"),
                        **({"aria-current": "true"} if code == lang else {})),
        ], method="POST", action=LANGUAGE_PATH.format(lang=code), className="mb-0"))
        for code in LANGUAGES
    ], className="list-unstyled d-flex gap-1 mb-0", **{"aria-label": t("shell.language", lang)})
    return html.Header(dbc.Navbar(dbc.Container([
        html.A(t("app.title", lang), href="/", className="navbar-brand text-white fw-semibold"),
        # A plain button, not dbc.NavbarToggler: that one names itself in English.
        html.Button(html.Span(className="navbar-toggler-icon"), id="shell-menu-toggle",
                    n_clicks=0, type="button", className="navbar-toggler",
                    title=t("shell.menu", lang),
                    **{"aria-label": t("shell.menu", lang), "aria-controls": "shell-menu",
                       "aria-expanded": "false"}),
        dbc.Collapse([
            nav,
            html.Div([
                html.Span([html.Span(user_name, id="shell-user", className="fw-semibold"),
                           " · ", html.Span(scope_label, id="shell-scope")],
                          className="small text-white me-2"),
                languages,
                # A POST with the session's token: a link elsewhere cannot sign the user out.
                html.Form([
                    dcc.Input(type="hidden", name="csrf_token", value=csrf_token,
                              id="shell-signout-token"),
                    html.Button(t("shell.signout", lang), type="submit", id="shell-signout",
                                className="btn btn-sm btn-outline-light"),
                ], method="POST", action=SIGN_OUT_PATH, className="mb-0"),
            ], className="d-flex align-items-center flex-wrap gap-2 ms-lg-auto py-2 py-lg-0"),
        ], id="shell-menu", is_open=False, navbar=True, className="column-gap-3"),
    ], fluid=True), expand="lg", dark=True, color="", className="shell-bar py-2"),
        className="mb-3 d-print-none")


def _select(id_: str, label: str, options: list[tuple[str, str]], any_label: str | None,
            disabled: bool = False):
    items = ([{"label": any_label, "value": ANY}] if any_label else []) + [
        {"label": text, "value": value} for value, text in options]
    return dbc.Col([dbc.Label(label, html_for=id_, className="small mb-0"),
                    dbc.Select(id=id_, options=items, size="sm", disabled=disabled)],
                   xs=12, sm=6, md=4, lg=2)


def _date(id_: str, label: str, lang: str) -> dbc.Col:
    """A date filter showing the day as the language writes it (DD.MM.YYYY in kk and ru;
    a native <input type=date> follows the browser's locale instead, whatever the page's
    lang). Its `date` is ISO (YYYY-MM-DD), as the URL holds it; the calendar's month and
    day names come from CLDR (assets/datepicker-locale.js)."""
    return dbc.Col([dbc.Label(label, html_for=id_, className="small mb-0"),
                    dcc.DatePickerSingle(id=id_, display_format=DATE_INPUT_FORMATS[lang],
                                         first_day_of_week=first_day_of_week(lang),
                                         month_format="MMMM YYYY", clearable=False)],
                   xs=6, md=4, lg=2, className="filter-date")


def filter_bar(lang: str, regions: list[tuple[str, str]],
               fixed_region: bool = False) -> html.Section:
    """The filters of every page. Values are filled from the URL; Apply writes the URL.
    `fixed_region`: a region or unit head's bar shows their region, with no "All" and no
    other choice. The place line under it names the unit in view, if any."""
    any_label = t("shell.filters.any", lang)
    # Below the md breakpoint the filters fold behind a button (a phone's screen would be
    # filled by them); from md up they are always open (assets/shell.css).
    toggle = html.Button(t("shell.filters.title", lang), id="filter-toggle", n_clicks=0,
                         type="button",
                         className="btn btn-sm btn-outline-dark d-md-none filter-toggle",
                         **{"aria-controls": "filter-collapse", "aria-expanded": "false"})
    return html.Section([toggle, dbc.Collapse(dbc.Row([
        _select("filter-period", t("shell.filters.period", lang),
                [(p, t(f"shell.period.{p}", lang)) for p in PERIODS], None),
        _date("filter-from", t("shell.filters.from", lang), lang),
        _date("filter-to", t("shell.filters.to", lang), lang),
        _date("filter-asof", t("shell.filters.asof", lang), lang),
        _select("filter-type", t("shell.filters.type", lang),
                [(p, t(f"shell.type.{p}", lang)) for p in PROBATION_TYPES], any_label),
        _select("filter-category", t("shell.filters.category", lang),
                [(c, t(f"shell.category.{c}", lang)) for c in LEGAL_CATEGORIES], any_label),
        _select("filter-region", t("shell.filters.region", lang), regions,
                None if fixed_region else any_label, disabled=fixed_region),
        dbc.Col(dbc.Button(t("shell.filters.apply", lang), id="filter-apply", size="sm",
                           color="primary", className="mt-3"), xs="auto"),
    ], className="g-2 align-items-end"), id="filter-collapse", is_open=False,
        className="filter-collapse"),
        # Outside the fold: a phone still says which place is in view.
        html.Div(html.Div(id="filter-place", className="small fw-semibold"),
                 className="filter-place mt-2")],
        className="border rounded p-2 mb-3 bg-light filter-bar d-print-none",
        **{"aria-label": t("shell.filters.title", lang)})


def partial_text(start, end, lang: str) -> str:
    """An unfinished period named by the months it holds: "2026 ж. қаң.–қар., толық емес
    кезең"."""
    return t("shell.period.partial", lang, months=months(start, end, lang))


def partial_mark(start, end, lang: str, id_: str | None = None) -> html.Span:
    """The mark of an unfinished period, with why in its tooltip (and for screen readers
    in the text itself)."""
    help_text = t("shell.period.partial_help", lang, day=day(end, lang))
    return html.Span(partial_text(start, end, lang), title=help_text,
                     className="badge text-bg-light border period-partial",
                     **({"id": id_} if id_ else {}))


def notices(items: tuple[Notice, ...], lang: str) -> list:
    return [
        dbc.Alert(t(f"shell.notice.{n.reason}", lang, param=t(f"shell.param.{n.param}", lang),
                    value=n.value), color="warning", className="py-2 small filter-notice")
        for n in items
    ]


def breadcrumbs(items: list[tuple[str, str | None]], lang: str) -> html.Nav:
    """(label, href) pairs from the top; the last one is the current page (no link)."""
    crumbs = []
    for i, (label, href) in enumerate(items):
        last = i == len(items) - 1
        crumbs.append(html.Li(
            label if last or href is None else dcc.Link(label, href=href),
            className="breadcrumb-item" + (" active" if last else ""),
            **({"aria-current": "page"} if last else {})))
    return html.Nav(html.Ol(crumbs, className="breadcrumb mb-2"), id="breadcrumbs",
                    **{"aria-label": t("shell.breadcrumbs", lang)})


def message_page(kind: str, lang: str) -> html.Div:
    """A friendly page for "not_found" or "not_permitted": no data, a way back."""
    # The refusal says it in the words of auth.not_permitted, like every other refusal.
    said = [html.P(t("auth.not_permitted", lang))] if kind == "not_permitted" else []
    return html.Div([
        html.H1(t(f"shell.{kind}.title", lang), className="h3"),
        *said,
        html.P(t(f"shell.{kind}.body", lang)),
        dcc.Link(t("shell.back_home", lang), href="/", className="btn btn-primary"),
    ], id=f"message-{kind.replace('_', '-')}", className="py-4")
