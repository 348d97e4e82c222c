"""The drill tables' rows are written as the JSON Dash sends (layouts.tables.Lean): they
must be exactly what the html components give, links and spans inside included."""

from __future__ import annotations

import json

import plotly
from dash import dcc, html

from layouts.tables import Lean, _table, table_body


def _json(value) -> object:
    return json.loads(json.dumps(value, cls=plotly.utils.PlotlyJSONEncoder))


def _reference(header, rows):
    """The rows as they were written with Dash's components."""
    return [html.Thead(html.Tr([html.Th(h, scope="col") for h in header])),
            html.Tbody([html.Tr([html.Th(r[0], scope="row", className="fw-normal"),
                                 *[html.Td(c, className="text-end") for c in r[1:]]])
                        for r in rows])]


def test_lean_rows_are_what_the_components_give():
    header = ["Region", "Cases", "Overdue"]
    rows = [[dcc.Link("Astana", href="/region/KZ-71"), "1\u00a0234", "5"],
            [dcc.Link("Abai", href="/region/KZ-10"), "0", html.Span("2", className="x")],
            ["—", "", "7"]]
    assert _json(table_body(header, rows)) == _json(_reference(header, rows))


def test_a_table_with_lean_rows_keeps_its_frame_and_caption():
    table = _json(_table(["A", "B"], [["x", "1"]], "en", "t-id", "Caption"))
    assert table["type"] == "Table" and table["props"]["id"] == "t-id"
    caption, head, body = table["props"]["children"]
    assert caption["props"]["children"] == "Caption"
    assert head == _json(Lean(_json(html.Thead(html.Tr([html.Th("A", scope="col"),
                                                          html.Th("B", scope="col")])))))
    assert body["props"]["children"][0]["props"]["children"][1]["props"] == {
        "children": "1", "className": "text-end"}


def test_no_rows_is_a_note_not_an_empty_table():
    assert _json(_table(["A"], [], "en", "t-id", "Caption"))["type"] == "P"


def _milestones_reference(frame, lang, href, profile_href, min_caseload):
    """The milestones places table's rows as they were written with Dash's components."""
    import pandas as pd

    from dashboard.i18n import t
    from layouts.formatting import number, percent
    from layouts.milestones import BAND_COLOURS, FLAG_COLOURS

    def badge(text, colour, title=None):
        return html.Span(text, className=f"badge text-bg-{colour}",
                         **({"title": title} if title else {}))

    rows = []
    for r in frame.itertuples(index=False):
        known = r.key is not None and not pd.isna(r.key)
        name = str(r.name) if known else t("milestones.unassigned", lang)
        band = (badge(percent(r.timeliness / 100, lang, 1), BAND_COLOURS[r.band],
                      t(f"milestones.band.{r.band}", lang)) if r.band else "—")
        if r.flag is None:
            flag = (html.Span(t("milestones.flag.small", lang, n=r.caseload, min=min_caseload),
                              className="small text-muted") if r.caseload < min_caseload
                    else "—")
        else:
            flag = badge(t(f"milestones.flag.{r.flag}", lang), FLAG_COLOURS[r.flag])
        rows.append(html.Tr([
            html.Th(dcc.Link(name, href=href(r.key)) if known else name, scope="row",
                    className="fw-normal"),
            *[html.Td(number(v, lang), className="text-end")
              for v in (r.caseload, r.due, r.overdue)],
            html.Td(percent(None if pd.isna(r.overdue_rate) else r.overdue_rate, lang, 1),
                    className="text-end"),
            html.Td(band, className="text-end"), html.Td(flag),
            html.Td(dcc.Link("↗", href=profile_href(r.key),
                             title=t("milestones.col.profile", lang)) if known else "")]))
    return html.Tbody(rows)


def test_milestones_places_rows_are_what_the_components_give():
    import pandas as pd

    from layouts.milestones import places_table
    from queries.milestones import Benchmark

    frame = pd.DataFrame({
        "key": pd.Series([7, 3, None, 9], dtype=object),
        "name": pd.Series(["S-0007", "S-0003", None, "S-0009"], dtype=object),
        "parent": [1, 1, 1, 1], "caseload": [40, 12, 5, 2], "due": [20, 10, 4, 0],
        "overdue": [9, 1, 2, 0], "overdue_rate": [0.45, 0.1, 0.5, float("nan")],
        "timeliness": [55.0, 90.0, 50.0, float("nan")],
        "band": pd.Series(["poor", "good", "poor", None], dtype=object),
        "flag": pd.Series(["far", "met", None, None], dtype=object)})
    href, profile = (lambda k: f"/milestones/officer/{k}"), (lambda k: f"/officer/{k}")
    for lang in ("kk", "ru", "en"):
        table = _json(places_table(frame, "officer", lang, href, profile, 10,
                                   Benchmark(0.2, 0.1, 0.3, 2)))
        _caption, _head, body = table["props"]["children"][0]["props"]["children"]
        assert body == _json(_milestones_reference(frame, lang, href, profile, 10))


def _drill_reference(frame, lang, small_min, href):
    """The drill table's rows as layouts.tables.places_table wrote them with components."""
    from layouts.formatting import number
    from layouts.kpis import rate

    rows = []
    for r in frame.itertuples(index=False):
        share = r.completed / r.closed if r.closed else None
        per_post = r.on_register / r.filled_posts if r.filled_posts else None
        rows.append([dcc.Link(str(r.name), href=href(r.key)),
                     number(r.on_register, lang), number(r.registered, lang),
                     number(r.closed, lang), rate(share, r.closed, lang, small_min),
                     number(r.overdue, lang), number(r.filled_posts, lang),
                     number(per_post, lang, 1), number(r.repeat_offences, lang)])
    return rows


def test_drill_rows_are_what_the_components_give():
    """Regions, units and officers: a link, the numbers, the completion share plainly, as
    a small sample (badge and hidden help) and without closures; no posts."""
    import pandas as pd

    from dashboard.i18n import t
    from layouts.tables import places_table

    frame = pd.DataFrame({
        "key": ["KZ-71", "KZ-75", "KZ-79"], "name": ["Астана", "Алматы", "Шымкент"],
        "on_register": [1234, 7, 0], "registered": [300, 2, 0], "closed": [250, 3, 0],
        "completed": [200, 1, 0], "overdue": [12, 0, 0], "filled_posts": [40, 0, 1],
        "repeat_offences": [5, 1, 0], "repeat_offences_year_before": [4, 0, 0]})
    href = lambda key: f"/region/{key}?period=year"  # noqa: E731
    for lang in ("kk", "ru", "en"):
        header = [t(f"shell.col.{c}", lang) for c in (
            "name", "on_register", "registered", "closed", "completion", "overdue", "posts",
            "caseload", "repeat")]
        table = _json(places_table(frame, lang, 10, href, "units-table", "Caption"))
        _caption, head, body = table["props"]["children"]
        assert [head, body] == _json(_reference(header, _drill_reference(frame, lang, 10,
                                                                          href)))
        small = body["props"]["children"][1]["props"]["children"][4]["props"]["children"]
        assert small["props"]["className"] == "rate-small-sample"  # 3 closures < 10


def test_officer_cases_rows_are_what_the_components_give():
    from datetime import date

    import pandas as pd

    from dashboard.i18n import t
    from layouts.formatting import day
    from layouts.tables import officer_cases_table

    frame = pd.DataFrame({
        "case_id": [4, 9], "person_code": ["P-4", "P-9"],
        "probation_type": ["sentence", "pre_trial"],
        "legal_category": ["conditionally_sentenced", "suspect_protected"],
        "risk_tier": ["high", "low"], "registered_on": [date(2024, 1, 5), date(2025, 3, 1)],
        "planned_end": [date(2026, 1, 5), None], "next_kind": [None, "check_in"],
        "next_due": [None, date(2026, 1, 10)], "overdue": [3, 0],
        "first_overdue_due": [date(2025, 9, 1), None]}, dtype=object)
    href = lambda key: f"/case/{key}"  # noqa: E731
    for lang in ("kk", "ru", "en"):
        header = [t(f"caseload.col.{c}", lang) for c in (
            "case", "person", "type", "category", "risk", "registered_on", "next", "overdue")]
        rows = []
        for r in frame.itertuples(index=False):
            upcoming = (f"{t(f'caseload.milestone.{r.next_kind}', lang)}, "
                        f"{t('caseload.due', lang, date=day(r.next_due, lang))}"
                        if r.next_kind else "—")
            overdue = (html.Span(t("caseload.overdue_since", lang, n=r.overdue,
                                   date=day(r.first_overdue_due, lang)),
                                 className="text-danger") if r.overdue else "0")
            rows.append([dcc.Link(f"№ {r.case_id}", href=href(r.case_id)), r.person_code,
                         t(f"shell.type.{r.probation_type}", lang),
                         t(f"shell.category.{r.legal_category}", lang),
                         t(f"caseload.risk.{r.risk_tier}", lang), day(r.registered_on, lang),
                         upcoming, overdue])
        table = _json(officer_cases_table(frame, lang, href))
        _caption, head, body = table["props"]["children"]
        assert [head, body] == _json(_reference(header, rows))
