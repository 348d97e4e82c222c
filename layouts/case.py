"""The case page: a pseudonymous header and the dated timeline of everything that
happened on the case."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.i18n import t
from layouts.formatting import day
from layouts.tables import scroll_box
from queries.places import CaseHeader


def _synthetic(lang: str) -> str:
    return f" ({t('caseload.case.synthetic_transfer', lang)})"


def _detail(event: str, kind, detail, due_on, late: bool, lang: str,
            synthetic_transfer: bool = False) -> str:
    if event in ("milestone", "milestone_pending"):
        text = t(f"caseload.milestone.{kind}", lang)
        text += f" ({t('caseload.due', lang, date=day(due_on, lang))})"
        return text + (f", {t('caseload.late', lang)}" if late else "")
    if event.startswith("assistance"):
        text = t(f"caseload.assistance.{kind}", lang)
        return text + (f": {t(f'caseload.result.{detail}', lang)}" if detail else "")
    if event in ("violation", "court_submission", "court_decision"):
        return t(f"caseload.violation.{kind}", lang)
    if event == "registration":
        return f"{t(f'shell.type.{kind}', lang)}: {t(f'shell.category.{detail}', lang)}"
    if event == "closure":
        text = t(f"caseload.close.{kind}", lang)
        return text + (_synthetic(lang) if synthetic_transfer and kind == "transferred" else "")
    if event == "assigned":
        return detail or ""
    return ""


def case_summary(h: CaseHeader, lang: str, case_href) -> dbc.Card:
    status = (t("caseload.case.closed", lang, date=day(h.closed_on, lang),
                reason=t(f"caseload.close.{h.close_reason}", lang))
              + (_synthetic(lang) if h.synthetic_transfer_out else "")
              if h.closed_on else t("caseload.case.open", lang))
    facts = [
        ("caseload.case.person", h.person_code),
        ("caseload.case.sex", t(f"caseload.sex.{h.sex}", lang)),
        ("caseload.case.age", str(h.age_at_registration)),
        ("caseload.col.type", t(f"shell.type.{h.probation_type}", lang)),
        ("caseload.col.category", t(f"shell.category.{h.legal_category}", lang)),
        ("caseload.col.risk", t(f"caseload.risk.{h.risk_tier}", lang)),
        ("caseload.col.registered_on", day(h.registered_on, lang)),
        ("caseload.case.planned_end", day(h.planned_end, lang)),
        ("caseload.case.status", status),
    ]
    if h.protected_category:
        facts.insert(3, ("caseload.case.protected",
                         t(f"caseload.protected.{h.protected_category}", lang)))
    items = []
    for key, value in facts:
        items += [html.Dt(t(key, lang), className="col-sm-4"), html.Dd(value, className="col-sm-8")]
    if h.previous_case_id:
        items += [html.Dt(t("caseload.case.previous", lang), className="col-sm-4"),
                  html.Dd([dcc.Link(f"№ {h.previous_case_id}",
                                    href=case_href(h.previous_case_id)),
                           _synthetic(lang) if h.synthetic_transfer_in else ""],
                          className="col-sm-8")]
    return dbc.Card(dbc.CardBody([
        html.Dl(items, className="row mb-0"),
        html.P(t("caseload.case.pseudonymous", lang), className="small text-muted mb-0 mt-2"),
    ]), className="mb-3", id="case-summary")


def timeline(events: pd.DataFrame, lang: str, synthetic_transfer: bool = False) -> html.Section:
    """The case's events, oldest first; `synthetic_transfer`: its closure as transferred
    was invented by the demo generator, and says so."""
    rows = [
        html.Tr([
            html.Td(day(e.on, lang), className="text-nowrap"),
            html.Th(t(f"caseload.event.{e.event}", lang), scope="row",
                    className="fw-normal" + (" text-danger" if e.event in (
                        "violation", "milestone_pending") else "")),
            html.Td(_detail(e.event, e.kind, e.detail, e.due_on, e.late, lang,
                            synthetic_transfer)),
        ], className=f"timeline-{e.event}")
        for e in events.itertuples(index=False)
    ]
    return html.Section([
        html.H2(t("caseload.case.timeline", lang), className="h5"),
        scroll_box(dbc.Table([html.Thead(html.Tr([html.Th(t(f"caseload.col.{c}", lang),
                                                          scope="col")
                                                  for c in ("date", "event", "detail")])),
                              html.Tbody(rows)], id="case-timeline", size="sm", striped=True),
                   t("caseload.case.timeline", lang)),
    ])
