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
