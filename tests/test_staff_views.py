"""The staff pages and the what-if called as plain functions, on the staff fixture."""

import pytest
from sqlalchemy import update

from callbacks import staff as views
from callbacks.context import Context
from callbacks.views import parse_filters
from dashboard import schema as S
from dashboard.config import Settings
from tests.fixture_staff import ALMATY, ASTANA, MEDEU, NATION
from tests.helpers import text_of

ASOF = "?asof=2025-06-30&to=2025-12-31"


@pytest.fixture
def make_ctx(staff, monkeypatch):
    monkeypatch.setenv("PROBATION_WORKLOAD_NOMINAL_TARGET", "20")
    monkeypatch.setenv("PROBATION_WORKLOAD_HEAD_REDUCTION", "0.5")

    def make(scope=NATION, lang="en"):
        return Context(engine=staff, scope=scope, lang=lang,
                       settings=Settings(database_url="sqlite://"))
    return make


def test_the_ministry_sees_regions_and_the_recommended_move(make_ctx):
    text = text_of(views.staff(make_ctx(), ASOF))
    assert "/staff?period=year&to=2025-12-31&asof=2025-06-30&region=KZ-75" in text
    # the move of test_redistribution_across_regions, with region names
    assert '"Almaty"' in text and "Posts moved in all: 1" in text


def test_a_what_if_recomputes_the_moves(make_ctx):
    ctx = make_ctx()
    before = text_of(views.redistribution(ctx, ASOF, {"pre_trial": 0}))
    after = text_of(views.redistribution(ctx, ASOF, {"pre_trial": 200}))
    assert "Posts moved in all: 1" in before
    assert "No moves needed." in after
    # junk in an input counts as no growth
    assert text_of(views.redistribution(ctx, ASOF, {"pre_trial": "x"})) == before


def test_a_region_head_redistributes_among_the_regions_units(make_ctx):
    text = text_of(views.staff(make_ctx(ASTANA), ASOF))
    assert "/staff/unit/1" in text and "/staff/unit/3" not in text
    assert "No moves needed." in text


def test_a_unit_head_gets_no_redistribution(make_ctx):
    text = text_of(views.staff(make_ctx(MEDEU, lang="ru"), ASOF))
    assert "Внутри одного подразделения перераспределение штата не применяется." in text


def test_the_weights_are_drawn_when_their_folded_section_is_opened(make_ctx):
    page = text_of(views.staff(make_ctx(), ASOF))
    assert '"staff-weights-open"' in page and '"staff-weights"' not in page
    # In force on 30 June 2025: six of the seven (4 points for a sentence ended on 1
    # January); asked by a unit head, as the weights are national.
    table = text_of(views.weights_table(make_ctx(MEDEU), ASOF))
    assert '"staff-weights"' in table
    assert table.count('"type": "Tr"') == 1 + 6
    assert '"4.0"' not in table and '"5.0"' in table and '"10.0"' in table


def test_officer_workload_lists_the_cases_with_their_points(make_ctx):
    refused = []
    text = text_of(views.officer_workload(make_ctx(), "2", ASOF,
                                          lambda *a: refused.append(a)))
    # case 3 (restriction of freedom, 6) and case 4 (pre-trial 8 + its report 3)
    assert "17.0 points of 10.0 available: 170% capacity" in text
    assert "№ 3" in text and "№ 4" in text and "11.0" in text
    assert refused == []


def test_another_regions_officer_or_unit_is_refused(make_ctx):
    refused = []
    text = text_of(views.officer_workload(make_ctx(ALMATY), "1", ASOF,
                                          lambda *a: refused.append(a)))
    assert "Not permitted" in text and "OF-1" not in text
    text = text_of(views.unit_workload(make_ctx(ALMATY), "1", ASOF,
                                       lambda *a: refused.append(a)))
    assert "Not permitted" in text
    assert refused == [("officer", "1"), ("unit", "1")]


def test_the_cached_page_follows_the_weights_and_the_capacity_parameters(
        make_ctx, cached_request, monkeypatch):
    ctx = make_ctx()

    def officers():
        with ctx.engine.connect() as conn:
            data, _ = views.gather(conn, ctx, parse_filters(conn, ctx, ASOF))
        return data.capacity.worst.set_index("code")[["points", "available"]]

    before = officers()
    assert officers().equals(before)  # a hit, the same answer
    assert before.loc["OF-2", "points"] == 17  # test_officer_workload_lists_the_cases_...
    # Weights are edited in place (no new load, so no new data version): the next
    # request weighs with them.
    with ctx.engine.begin() as conn:
        conn.execute(update(S.workload_weights).values(points=S.workload_weights.c.points * 2))
    doubled = officers()
    # (the page keeps the overloaded: twice the points makes OF-7 one of them)
    assert doubled.loc[before.index, "points"].tolist() == [2 * p for p in before["points"]]
    monkeypatch.setenv("PROBATION_WORKLOAD_NOMINAL_TARGET", "40")
    halved = officers()
    assert halved.loc[before.index, "available"].tolist() == [
        2 * a for a in doubled.loc[before.index, "available"]]


def test_every_chart_is_a_figure_plotly_accepts(make_ctx):
    """The page draws its charts as plain dicts (layouts.figures.plain_figure): plotly's
    own Figure checks each one, and the headcount runs on a date axis from 2014."""
    import json

    import plotly.graph_objects as go

    from layouts.figures import PLAIN_TRACES
    from tests.helpers import component_with_id

    tree = json.loads(text_of(views.staff(make_ctx(), ASOF)))
    figures = {}
    for id_ in ("staff-posts-figure", "staff-headcount-figure", "staff-capacity-figure",
                "staff-spread-figure"):
        figures[id_] = go.Figure(component_with_id(tree, id_)["props"]["figure"])
        assert figures[id_].data, id_
    # Only the trace types whose template defaults the plain figures carry.
    assert {trace.type for fig in figures.values() for trace in fig.data} <= set(PLAIN_TRACES)
    headcount = figures["staff-headcount-figure"]
    assert headcount.data[0].x[0] == "2014-01-01" and headcount.data[-1].mode == "lines+markers"
    assert headcount.layout.yaxis.rangemode == "tozero"
