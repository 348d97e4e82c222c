"""Pages and callbacks, bound to one app by the factory (Dash would move module-level
callbacks into whichever app is built first)."""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

import dash
import flask
from dash import ClientsideFunction, Input, Output, State, dcc, hooks, html, no_update

from callbacks import attention, context, outage, review, staff, views
from callbacks import milestones as milestones_views
from callbacks import outcomes as outcomes_view
from dashboard import cache
from dashboard.i18n import LANGUAGES, t
from dashboard.scope import NotPermitted
from layouts import outage as outage_layout
from layouts import shell
from queries import places

# Each page's layout is its view, called by the page router in the request that asks for
# it, so the scope comes from the signed-in user like any callback's.
PAGES = (
    ("overview", "/", views.overview),
    ("attention", "/attention", attention.page),
    ("caseload", "/caseload", views.caseload),
    ("outcomes", "/outcomes", outcomes_view.outcomes),
    ("region", "/region/<code>", views.region),
    ("unit", "/unit/<unit_id>", views.unit),
    ("officer", "/officer/<officer_id>", views.officer),
    ("case", "/case/<case_id>", views.case),
    ("milestones", "/milestones", milestones_views.page),
    ("milestones_unit", "/milestones/unit/<unit_id>", milestones_views.unit_page),
    ("milestones_officer", "/milestones/officer/<officer_id>", milestones_views.officer_page),
    ("staff", "/staff", staff.staff),
    ("staff_unit", "/staff/unit/<unit_id>", staff.unit_workload),
    ("staff_officer", "/staff/officer/<officer_id>", staff.officer_workload),
    ("review", "/review", review.page),
)
TAKES_REFUSE = frozenset({"overview", "attention", "caseload", "milestones", "staff",
                          "outcomes", "review"})
"""Pages without an id in their path that may still refuse a place the URL asks for."""


def _title_of(name: str) -> str:
    return f"staff.page.{name}" if name.startswith("staff") else f"shell.page.{name}"


def _title(key: str):
    def title(**_kwargs) -> str:
        try:
            lang = context.current_language()
        except Exception:  # noqa: BLE001 - outside a request: the default language
            lang = None
        return f"{t(key, lang)} · {t('app.title', lang)}"
    return title


def scope_label(ctx: context.Context) -> str:
    scope = ctx.scope
    label = t(f"shell.role.{scope.role}", ctx.lang)
    with ctx.engine.connect() as conn:
        if scope.role == "region_head":
            label += " · " + places.region(conn, scope, scope.region_code, ctx.lang).region_name
        elif scope.role == "unit_head":
            label += " · " + places.unit(conn, scope, scope.unit_id, ctx.lang).unit_name
    return label


def shell_layout():
    """The frame around every page, built per request for the signed-in user."""
    if not flask.has_request_context() or context.signed_in_user() is None:
        # Outside a request, or Dash validating the layout on a worker's first request
        # (often anonymous: /login, /healthz): a frame without data. Raising here would
        # leave Dash's server setup half done for the life of the worker.
        return html.Div([dcc.Location(id="url"), dash.page_container])
    if not context.sees_cases():
        return _frame_without_cases()
    ctx = context.current()
    flask.session["lang"] = ctx.lang  # for the outage page, when the database cannot tell
    with ctx.engine.connect() as conn:
        regions = places.regions_in_scope(conn, ctx.scope, ctx.lang)
    return html.Div([
        dcc.Location(id="url", refresh="callback-nav"),
        html.A(t("shell.skip", ctx.lang), href="#main", className="visually-hidden-focusable"),
        shell.top_bar(ctx.lang, ctx.scope.username, scope_label(ctx), context.csrf_token()),
        html.Main(dbc_container([
            outage_layout.banner(ctx.lang),
            shell.filter_bar(ctx.lang, list(zip(regions.code, regions.name, strict=True)),
                             fixed_region=ctx.scope.role != "ministry"),
            dash.page_container,
        ]), id="main"),
        dcc.Download(id="caseload-download"),
    ])


def _frame_without_cases():
    """An administrator's frame: top bar (language, sign-out), no filters, no data."""
    user, lang = context.signed_in_user(), context.current_language()
    return html.Div([
        dcc.Location(id="url", refresh="callback-nav"),
        shell.top_bar(lang, user.username, t(f"shell.role.{user.role}", lang),
                      context.csrf_token()),
        html.Main(dbc_container([outage_layout.banner(lang), dash.page_container]), id="main"),
    ])


def dbc_container(children):
    import dash_bootstrap_components as dbc

    return dbc.Container(children, fluid=True, className="pb-5")


def _request_url() -> tuple[str, str]:
    """The pathname and query the page router was called with. Read from the router's
    inputs rather than its keyword arguments, where a query key can shadow a path one."""
    inputs = dash.ctx.inputs
    return (inputs.get("_pages_location.pathname") or "/",
            inputs.get("_pages_location.search") or "")


def _page(name: str, view, with_id: bool):
    def layout(**_ignored):
        pathname, search = _request_url()
        if context.signed_in_user() is not None and not context.sees_cases():
            # An administrator: a page, not an error response (the router's output).
            context.audit_refusal("page", pathname)
            return shell.message_page("not_permitted", context.current_language())
        ctx = context.current()
        raw_id = pathname.rstrip("/").rsplit("/", 1)[-1]
        if view is views.case:  # every view of a case is audited: never from the cache
            return view(ctx, raw_id, search, context.audit_refusal, context.audit_case_view)
        refused = []

        def refuse(what: str, target: str) -> None:
            refused.append(target)
            context.audit_refusal(what, target)

        def build():
            if with_id:
                return view(ctx, raw_id, search, refuse)
            return view(ctx, search, refuse) if name in TAKES_REFUSE else view(ctx, search)

        return cache.page(name, ctx, (pathname, search), build, lambda: not refused)
    return layout


def register(app: dash.Dash) -> None:
    for name, path, view in PAGES:
        kwargs = {"path_template": path} if "<" in path else {"path": path}
        dash.register_page(name, name=name, layout=_page(name, view, "<" in path),
                           title=_title(_title_of(name)), **kwargs)
    dash.register_page("not_found_404", layout=lambda **_: shell.message_page(
        "not_found", context.current_language()), title=_title("shell.not_found.title"))
    app.layout = shell_layout
    _bind_pages(app)
    milestones_views.bind(app)
    staff.bind(app, context.current, context.audit_refusal)
    review.bind(app, context.current, context.audit_export)
    attention.bind(app, context.current, context.audit_export, context.audit_refusal)
    _bind_filters(app)
    outage.bind(app)
    _register_language_route(app)


def _bind_pages(app: dash.Dash) -> None:
    @app.callback(Output("caseload-download", "data"), Input("caseload-export-csv", "n_clicks"),
                  Input("caseload-export-xlsx", "n_clicks"), State("url", "search"),
                  prevent_initial_call=True)
    def export_caseload(_csv, _xlsx, search):
        fmt = "xlsx" if dash.ctx.triggered_id == "caseload-export-xlsx" else "csv"
        try:
            out = views.caseload_export(context.current(), _text(search), fmt)
        except places.NotFound:
            return no_update
        except NotPermitted:
            context.audit_refusal("unit", views.unit_param(_text(search)))
            return no_update
        context.audit_export(f"caseload.{fmt}")
        return out

    # plotly.js reports a click on a region's outline by trace number: the browser adds
    # the region's code, or the clicked unit marker's id, from the figure it holds
    # (assets/map.js), without sending the figure back here; a unit's id is checked
    # against the scope here (views.map_href).
    app.clientside_callback(ClientsideFunction("probation_map", "clicked_region"),
                            Output("overview-map-click", "data"),
                            Input("overview-map", "clickData"), State("overview-map", "figure"),
                            prevent_initial_call=True)

    @app.callback(Output("url", "href", allow_duplicate=True),
                  Input("overview-map-click", "data"), State("url", "search"),
                  prevent_initial_call=True)
    def map_drill(click_data, search):
        return views.map_href(context.current(), click_data, _text(search),
                              context.audit_refusal) or no_update

    @app.callback(Output("url", "search", allow_duplicate=True),
                  Input("overview-metric", "value"), State("url", "search"),
                  prevent_initial_call=True)
    def map_metric(metric, search):
        return views.with_metric(_text(search), _text(metric)) or no_update


def _text(value) -> str | None:
    """A callback argument the browser sends as text; anything else (a forged body) is
    treated as absent, so a value of the wrong type can only ever give the defaults."""
    return value if isinstance(value, str) else None


FILTER_IDS = ("filter-period", "filter-from", "filter-to", "filter-asof", "filter-type",
              "filter-category", "filter-region")
DATE_FILTERS = frozenset({"filter-from", "filter-to", "filter-asof"})
"""Date pickers: their value is `date` (ISO, YYYY-MM-DD); the selects' is `value`."""


def _prop(id_: str) -> str:
    return "date" if id_ in DATE_FILTERS else "value"


def _bind_filters(app: dash.Dash) -> None:
    @app.callback([Output(i, _prop(i)) for i in FILTER_IDS]
                  + [Output("filter-place", "children")],
                  Input("url", "search"), Input("url", "pathname"))
    def show_filters(search, pathname):
        return views.filter_controls(context.current(), _text(search), _text(pathname))

    @app.callback(Output("url", "href", allow_duplicate=True), Input("filter-apply", "n_clicks"),
                  [State(i, _prop(i)) for i in FILTER_IDS], State("url", "search"),
                  State("url", "pathname"), prevent_initial_call=True)
    def apply_filters(_clicks, *values):
        *controls, search, pathname = map(_text, values)
        return views.apply_filters(context.current(), tuple(controls), search, pathname)

    # The menu and the filters fold on a narrow screen; toggled in the browser
    # (assets/shell.js), folded again on a new page or a new query.
    app.clientside_callback(ClientsideFunction("probation_shell", "toggle"),
                            Output("shell-menu", "is_open"),
                            Output("shell-menu-toggle", "aria-expanded"),
                            Input("shell-menu-toggle", "n_clicks"), Input("url", "pathname"),
                            State("shell-menu", "is_open"), prevent_initial_call=True)
    app.clientside_callback(ClientsideFunction("probation_shell", "toggle"),
                            Output("filter-collapse", "is_open"),
                            Output("filter-toggle", "aria-expanded"),
                            Input("filter-toggle", "n_clicks"), Input("url", "search"),
                            State("filter-collapse", "is_open"), prevent_initial_call=True)

    # In the browser: the links only append the page's own query, and a round trip per
    # navigation for that was a third of the app's requests.
    paths = json.dumps([path for _, path in shell.SECTIONS])
    app.clientside_callback(
        f"function(search) {{ var q = typeof search === 'string' ? search : '';"
        f" return {paths}.map(function(p) {{ return p + q; }}); }}",
        [Output(f"nav-{name}", "href") for name, _ in shell.SECTIONS], Input("url", "search"))


def _register_language_route(app: dash.Dash) -> None:
    server = app.server

    @server.route("/language/<lang>", methods=["POST"])
    def choose_language(lang: str):
        """Remember the language for the user (a POST with the session's CSRF token), then
        go back to the page they were on."""
        from dashboard import auth

        if not auth.form_csrf_ok("/language"):
            flask.abort(400)
        if lang in LANGUAGES:
            auth.set_language(lang)
        back = urlsplit(flask.request.referrer or "")
        target = "/"
        if back.netloc == flask.request.host and back.path.startswith("/"):
            target = back.path + (f"?{back.query}" if back.query else "")
        return flask.redirect(target)


# Dash's index page, changed through dash.hooks only. Hooks are global to the process:
# registered once, here, not per app built (tests build many apps).

@hooks.index()
def _html_lang(index: str) -> str:
    """<html lang> in the reader's language (kk by default), for screen readers and
    hyphenation: Dash's index names none."""
    return index.replace("<html>", f'<html lang="{context.current_language()}">', 1)


# plotly.js as every page loads it: a bundle of the traces the app draws, built by
# scripts/build-plotly-bundle.sh (assets/plotly-bundle.js points dcc.Graph at it; Dash's
# index leaves it out, factory.ASSETS_IGNORE).
# Kept: Lighthouse A/B with Dash's full plotly.js instead, overview 0.97 -> 0.77, caseload
# 0.95 -> 0.62, milestones 0.93 -> 0.73.
PLOTLY_BUNDLE = "vendor/plotly-custom-4.1.1.min.js"
SECTION_PATHS = frozenset(path for name, path in shell.SECTIONS
                          if name not in shell.CHARTLESS_SECTIONS)


# Kept: Lighthouse A/B without it, staff 0.87 -> 0.73 and 0.94 -> 0.82 (2 of 3 rounds).
@hooks.index()
def _preload_plotly(index: str) -> str:
    """Start fetching plotly.js with the page on the sections, which all draw charts:
    dcc.Graph asks for it only once the page's layout and its own chunk have arrived.
    Not on the region, unit, officer and case pages, which have none."""
    if flask.request.path not in SECTION_PATHS:
        return index
    link = f'<link rel="preload" href="{dash.get_asset_url(PLOTLY_BUNDLE)}" as="script">'
    return index.replace("</head>", f"{link}\n</head>", 1)


# The runtime of compiled generator functions, which the renderer and dcc need as a global.
REGENERATOR_RUNTIME = "vendor/regenerator-runtime-0.13.11.js"
BABEL_POLYFILL = "/deps/polyfill@"  # in Dash's script tag for @babel/polyfill


# Kept: Lighthouse A/B without -> with it, milestones 0.89 -> 0.98, outcomes 0.80 -> 0.87.
@hooks.index()
def _without_babel_polyfill(index: str) -> str:
    """Load regenerator-runtime where Dash loads @babel/polyfill (core-js 2, for browsers
    without ES2015). In a current browser the polyfill still replaces natives that its
    feature tests reject, Object.prototype.toString, parseInt, parseFloat and String.trim
    among them, with JavaScript versions that the renderer (Ramda's type checks) and
    plotly.js then call everywhere: the slower page. What the bundles need of it is the
    regenerator runtime only."""
    start, end = _script_tag(index, BABEL_POLYFILL)
    if start < 0:
        return index
    runtime = dash.get_asset_url(REGENERATOR_RUNTIME)
    return f'{index[:start]}<script src="{runtime}"></script>{index[end:]}'


def _script_tag(index: str, src_part: str) -> tuple[int, int]:
    """Where the script tag whose src holds `src_part` starts and ends ((-1, -1): none)."""
    at = index.find(src_part)
    if at < 0:
        return -1, -1
    return (index.rfind("<script ", 0, at),
            index.index("</script>", at) + len("</script>"))


AG_GRID_AFTER_LOAD = "ag-grid-after-load.js"
AG_GRID_LIBRARY = "/dash_ag_grid/dash_ag_grid."  # in Dash's script tag for the library


# Kept: Lighthouse A/B without it, caseload 0.95 -> 0.81 and milestones 0.95 -> 0.83 (< 0.9).
@hooks.index()
def _ag_grid_after_load(index: str) -> str:
    """AG Grid's bundle would be loaded and run before every page could render. Dash's
    script tag for it becomes one for assets/ag-grid-after-load.js, a stand-in that loads
    the bundle (its data-src) once a page with a grid has loaded, then draws every grid."""
    start, end = _script_tag(index, AG_GRID_LIBRARY)
    if start < 0:
        return index
    library = index[start:end].split('src="', 1)[1].split('"', 1)[0]
    app = dash.get_app()
    modified = os.path.getmtime(os.path.join(app.config.assets_folder, AG_GRID_AFTER_LOAD))
    stand_in = f"{app.get_asset_url(AG_GRID_AFTER_LOAD)}?m={modified}"  # as Dash marks assets
    return f'{index[:start]}<script src="{stand_in}" data-src="{library}"></script>{index[end:]}'
