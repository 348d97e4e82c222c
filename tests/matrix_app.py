"""The app of the scope matrix and the callback fuzzer (tests/test_scope_matrix.py,
tests/test_fuzz_callbacks.py): the real app on the auth fixture (tests/fixture_auth.py),
plus a tiny test-only page and callback (never in the app) that use current_scope() the
way the real ones must. conftest.py's matrix_app builds it and registers the page for the
module; matrix_server, matrix_sessions and matrix_dependencies serve it."""

from __future__ import annotations

from dash import Input, Output, html
from sqlalchemy import func, select

from dashboard import i18n
from dashboard.auth import audit_refusal, current_language, current_scope
from dashboard.config import Settings
from dashboard.schema import cases, regions, units
from dashboard.scope import NotPermitted
from service.factory import create_app


def _engine():
    from flask import current_app

    return current_app.config["ENGINE"]


def region_page_layout(code=None, **_query):
    """Cases on the register in a region, as a real page would show them."""
    scope = current_scope()
    lang = current_language()
    if not isinstance(code, str) or not scope.allows_region(code):
        audit_refusal("region", str(code))
        return html.P(i18n.t("auth.not_permitted", lang), className="alert alert-warning")
    with _engine().connect() as conn:
        name = conn.execute(select(regions.c[i18n.name_column(lang)])
                            .where(regions.c.code == code)).scalar_one_or_none()
        rows = conn.execute(
            select(units.c.name_en, func.count(cases.c.id)).select_from(units.outerjoin(cases))
            .where(units.c.region_code == code, scope.units_where(units))
            .group_by(units.c.name_en).order_by(units.c.name_en)).all()
    total = sum(n for _unit, n in rows)
    return html.Div([html.H1(name), html.P(f"cases: {total}", id="testonly-total"),
                     html.Ul([html.Li(f"{unit}: {n}") for unit, n in rows])])


def unit_cases_callback(unit_id):
    """Cases in one unit (the callback a unit dropdown would drive)."""
    scope = current_scope()
    try:
        unit_id = int(unit_id)
    except (TypeError, ValueError, OverflowError):
        return "?"
    if not -2**31 <= unit_id < 2**31:
        return "?"
    with _engine().connect() as conn:
        row = conn.execute(select(units.c.name_en, func.count(cases.c.id))
                           .select_from(units.outerjoin(cases))
                           .where(units.c.id == unit_id, scope.units_where(units))
                           .group_by(units.c.name_en)).first()
    if row is None:
        audit_refusal("unit", str(unit_id))
        raise NotPermitted(f"unit {unit_id}")
    return f"{row[0]}: {row[1]}"


def build_app(database_url: str):
    app = create_app(Settings(database_url=database_url, secret_key="matrix-secret"))
    shell = app.layout  # the app's frame: a function, built per request for the user

    def layout():
        frame = shell() if callable(shell) else shell
        return html.Main([html.Div(id="testonly-unit"), html.Div(id="testonly-unit-cases"),
                          frame])

    app.layout = layout
    app.callback(Output("testonly-unit-cases", "children"),
                 Input("testonly-unit", "value"))(unit_cases_callback)
    return app
