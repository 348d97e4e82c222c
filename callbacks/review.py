"""The review page (/review) and its exports: one frozen brief of a period within the
user's scope. Every number comes from the views' own queries (kpis, drill, milestones,
staff, outcomes); the page, the HTML file and the workbook are drawn from the same Brief.
Plain functions of a Context, so tests call them directly; `bind` attaches the downloads."""

from __future__ import annotations

from datetime import UTC, datetime

import dash
import pandas as pd
from dash import Input, Output, State, html

from callbacks import milestones as milestones_cb
from callbacks import outcomes as outcomes_cb
from callbacks import staff as staff_cb
from callbacks import views
from callbacks.context import Context
from callbacks.views import parse_filters
from dashboard import metrics as M
from dashboard import rules as R
from dashboard import workload as W
from dashboard.codes import MILESTONE_KINDS
from dashboard.filters import DATA_FROM, Filters
from dashboard.i18n import t
from layouts import figures
from layouts import forecast as forecast_l
from layouts import milestones as milestones_l
from layouts import outcomes as outcomes_l
from layouts import review as L
from layouts import staff as staff_l
from queries import kpis, places
from queries import milestones as milestones_q
from queries import outcomes as outcomes_q
from queries import staff as staff_q
from queries.common import data_period

TOP = 5
MEASURES = ("on_register", "registered", "closed", "overdue", "caseload_per_post",
            "repeat_offences")


def _scope_name(ctx: Context, view: places.InView) -> str:
    return view.name(t("review.nation", ctx.lang))


def _headline_row(conn, ctx: Context, f: Filters, period: M.Period) -> dict:
    h = kpis.headline(conn, ctx.scope, f.within(start=period.start, end=period.end,
                                                as_of=period.end))
    per_post = h.caseload_per_post
    return {"on_register": h.on_register, "registered": h.registered, "closed": h.closed,
            "overdue": h.overdue, "repeat_offences": h.repeat_offences,
            "caseload_per_post": None if per_post is None else round(per_post, 1)}


def key_figures(conn, ctx: Context, f: Filters, periods: L.Periods) -> pd.DataFrame:
    """One row per measure: this period, the previous one, the same a year earlier, and
    the relative changes (0.1 = +10 %)."""
    rows = [_headline_row(conn, ctx, f, p)
            for p in (periods.current, periods.previous, periods.year_earlier)]
    frame = pd.DataFrame({"measure": list(MEASURES),
                          "current": [rows[0][m] for m in MEASURES],
                          "previous": [rows[1][m] for m in MEASURES],
                          "year_earlier": [rows[2][m] for m in MEASURES]}, dtype=object)
    frame["vs_previous"] = [M.change(c, p) for c, p in zip(frame.current, frame.previous,
                                                            strict=True)]
    frame["vs_year_earlier"] = [M.change(c, p) for c, p in
                                zip(frame.current, frame.year_earlier, strict=True)]
    return frame


def _places(conn, ctx: Context, f: Filters, view: places.InView) -> pd.DataFrame:
    """The level below the place in view, each with its KPI counts (the overview's)."""
    return views.places_below(conn, ctx, view, f)


def behind_caseload(table: pd.DataFrame) -> pd.DataFrame:
    """Places with the most cases per filled post (a place with none filled first)."""
    out = table[["name", "on_register", "filled_posts"]].copy()
    posts = out.filled_posts.where(out.filled_posts > 0)
    out["caseload_per_post"] = (out.on_register / posts).round(1)
    out = out[out.on_register > 0]
    return out.sort_values(["caseload_per_post", "name"], ascending=[False, True],
                           na_position="first").head(TOP).reset_index(drop=True)


def behind_outcomes(table: pd.DataFrame, small_min: int) -> pd.DataFrame:
    """Places with the most repeat offences per 1,000 on the register; places with too
    few on the register get no rate and come last."""
    rated = M.rates(table, "repeat_offences", "on_register", small_min)
    out = rated[["name", "on_register", "repeat_offences", "rate"]].copy()
    out["rate"] = out["rate"].round(1)
    out = out.rename(columns={"rate": "repeat_rate"})
    return out.sort_values(["repeat_rate", "repeat_offences", "name"],
                           ascending=[False, False, True],
                           na_position="last").head(TOP).reset_index(drop=True)


def behind_milestones(conn, ctx: Context, f: Filters, view: places.InView) -> pd.DataFrame:
    """Places with the lowest timeliness on the period's last day (the milestones view's
    own table, worst first)."""
    where = milestones_cb.where_in_view(view, f, ctx.scope)
    table, _ = milestones_q.timeliness(conn, ctx.scope, f.as_of, view.below, where,
                                       lang=ctx.lang)
    if view.below == "officer":
        table = table.assign(name=[views.officer_label(n, ctx.lang) for n in table.name])
    out = table[table.due > 0][["name", "due", "overdue", "timeliness"]].copy()
    out["timeliness"] = out["timeliness"].astype(float).round(1)
    return out.head(TOP).reset_index(drop=True)


def behind_officers_staff(capacity: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A unit's officers with the most capacity used (the staff view's capacity %)."""
    out = pd.DataFrame({"name": [views.officer_label(c, lang) for c in capacity["code"]],
                        "posts": [1] * len(capacity),
                        "points": capacity["points"].astype(float).round(1),
                        "capacity": capacity["capacity_pct"].astype(float).round(1)})
    return out.sort_values(["capacity", "name"], ascending=[False, True],
                           na_position="first").head(TOP).reset_index(drop=True)


def behind_staff(redistribution, names: dict) -> pd.DataFrame:
    """Places whose posts carry the most workload (the staff view's capacity %)."""
    if redistribution is None:
        return pd.DataFrame(columns=["name", "posts", "points", "capacity"])
    frame = redistribution.places
    out = pd.DataFrame({"name": [str(names.get(p, p)) for p in frame["place"]],
                        "posts": frame["posts"].astype(int),
                        "points": frame["points"].astype(float).round(1),
                        "capacity": frame["capacity_before"].astype(float).round(1)})
    return out.sort_values(["capacity", "name"], ascending=[False, True],
                           na_position="first").head(TOP).reset_index(drop=True)


def _outcomes_trend(conn, ctx: Context, f: Filters, data_from) -> outcomes_l.Outcomes:
    """The outcomes view's trend (the same periods and counts), without the rest of that
    page's sections, which the brief does not show."""
    grain, trend = outcomes_cb.trend_periods(f, data_from)
    offences = outcomes_q.repeat_offences(conn, ctx.scope, trend,
                                          narrowing=outcomes_cb.narrowing_of(f))
    current = f.current
    empty = pd.DataFrame()
    return outcomes_l.Outcomes(
        current=current, previous=f.previous(), partial=f.partial,
        year_earlier=M.year_earlier(current), grain=grain,
        trend=[(p.start, p.end) for p in trend], offences=offences, closures=empty,
        by_place=empty, place_level="region", place_names=empty, by_type=empty,
        by_category=empty, escalation={}, assistance=empty, cohorts=empty)


def gather(ctx: Context, search: str | None) -> L.Brief:
    """The whole brief for the URL's filters within the user's scope."""
    lang, small_min = ctx.lang, ctx.settings.small_sample_min
    with ctx.engine.connect() as conn:
        # A snapshot of the period: every stock figure is taken on its last day.
        f = parse_filters(conn, ctx, search)
        f = f.within(as_of=f.end)
        data_from, data_until = data_period(conn)
        current = f.current
        periods = L.Periods(current, f.previous(), M.year_earlier(current), f.partial)
        view = places.in_view(conn, ctx.scope, f, lang)
        level = view.below
        f = view.filters(f, ctx.scope)
        # The charts: each view's main figure, from that view's own query.
        by_place_type = views.caseload_by_place(conn, ctx, view, f)
        overdue_trend = milestones_q.overdue_at_month_ends(
            conn, ctx.scope, f.as_of, 12, milestones_cb.where_in_view(view, f, ctx.scope))
        staff_data, redistribution = staff_cb.gather(conn, ctx, f)
        # The stored forecast from the data's last month (never the URL's scenario).
        forecast = staff_cb.forecast_data(conn, views.counted_in(ctx, view), f, view, None,
                                          staff_data.posts)
        outcomes = _outcomes_trend(conn, views.counted_in(ctx, view), f,
                                   max(data_from, DATA_FROM))
        table = _places(conn, ctx, f, view)
        if level == "officer":
            staff_behind = behind_officers_staff(staff_cb.officer_capacity(
                conn, views.counted_in(ctx, view).scope, f.as_of,
                staff_q.workload_weights_table(conn),
                W.CapacityParams.from_env(), unit_id=view.unit_id), lang)
        else:
            staff_behind = behind_staff(redistribution, staff_data.names)
        behind = [
            ("caseload", behind_caseload(table)),
            ("milestones", behind_milestones(conn, ctx, f, view)),
            ("staff", staff_behind),
            ("outcomes", behind_outcomes(table, small_min)),
        ]
        brief = L.Brief(
            lang=lang, filters=f, periods=periods, scope_name=_scope_name(ctx, view),
            level=level, data_until=data_until, small_min=small_min,
            key_figures=key_figures(conn, ctx, f, periods),
            charts=[
                ("caseload", figures.stacked_by_type(by_place_type, "place", lang),
                 L.caseload_data(by_place_type)),
                ("milestones", milestones_l.trend_figure(overdue_trend, lang),
                 overdue_trend[["day", "overdue"]].assign(day=lambda d: d.day.astype(str))),
                ("staff", staff_l.headcount_figure(staff_data.timeline, lang),
                 L.headcount_data(staff_data.timeline, lang)),
                ("outcomes", outcomes_l.trend_figure(outcomes, lang, small_min),
                 L.outcomes_data(outcomes, small_min)),
                *([("forecast", forecast_l.forecast_figure(forecast, lang),
                    L.forecast_data(forecast.table, staff_data.names))]
                  if not forecast.place.empty else []),
            ],
            behind=behind,
            made=datetime.now(UTC).replace(microsecond=0, tzinfo=None),
            place_name=None if view.place is None else _scope_name(ctx, view),
            sources=rule_sources(lang),
        )
    return brief


def rule_sources(lang: str) -> tuple[str, ...]:
    """The methodology's lines on where each deadline rule and capacity parameter comes
    from, with the values in force (read from the environment as the pages read them)."""
    rules = R.DeadlineRules.from_env()
    return (t("milestones.rules_intro", lang),
            *(f"{milestones_l.kind_label(kind, lang)}: {milestones_l.rule_text(kind, rules, lang)}"
              for kind in MILESTONE_KINDS),
            staff_l.load_source(W.CapacityParams.from_env(), lang))


def page(ctx: Context, search: str | None,
         refuse: views.Refuse = views._no_refusal) -> html.Div:
    return views._guarded(ctx, refuse, "unit", views.unit_param(search),
                          lambda: L.page(gather(ctx, search)))


def data(ctx: Context, search: str | None,
         refuse: views.Refuse = views._no_refusal) -> html.Div:
    """The tables behind the charts, for the folded section opened on the page."""
    return views._guarded(ctx, refuse, "unit", views.unit_param(search),
                          lambda: L.data_tables(gather(ctx, search)))


def _stem(brief: L.Brief) -> str:
    p = brief.periods.current
    return f"review_{p.start.isoformat()}_{p.end.isoformat()}"


def export_html(ctx: Context, search: str | None) -> dict:
    brief = gather(ctx, search)
    return {"content": L.html_document(brief), "filename": f"{_stem(brief)}.html",
            "type": "text/html"}


def export_xlsx(ctx: Context, search: str | None) -> dict:
    import base64

    brief = gather(ctx, search)
    return {"content": base64.b64encode(L.xlsx_bytes(brief)).decode(), "base64": True,
            "filename": f"{_stem(brief)}.xlsx",
            "type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def audit_target(ctx: Context, fmt: str, search: str | None) -> str:
    """What the audit log keeps of an export: the file kind, the scope and the filters."""
    scope = ctx.scope
    where = scope.region_code or (str(scope.unit_id) if scope.unit_id else "all")
    return f"review.{fmt} scope={scope.role}:{where} {(search or '')[:120]}"


def bind(app: dash.Dash, current, audit_export) -> None:
    """The two downloads; `current` gives the request's Context (scope from the user)."""
    @app.callback(Output("review-download", "data"), Input("review-export-html", "n_clicks"),
                  Input("review-export-xlsx", "n_clicks"), State("url", "search"),
                  prevent_initial_call=True)
    def review_export(_html, _xlsx, search):
        search = search if isinstance(search, str) else None
        ctx = current()
        fmt = "xlsx" if dash.ctx.triggered_id == "review-export-xlsx" else "html"
        try:
            out = export_xlsx(ctx, search) if fmt == "xlsx" else export_html(ctx, search)
        except places.NotFound:  # a ?unit= that names no unit: no file
            return dash.no_update
        audit_export(audit_target(ctx, fmt, search))
        return out

    views.drawn_when_opened(app, "review-data-tables", "review-data-open",
                            lambda search: data(current(), search))

    app.clientside_callback("function(n) { if (n) { window.print(); } return ''; }",
                            Output("review-print-done", "data"), Input("review-print", "n_clicks"),
                            prevent_initial_call=True)

