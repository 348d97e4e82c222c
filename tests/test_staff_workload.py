"""Workload points and the capacity formula (pure: no database)."""

from datetime import date as d

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import workload as W
from dashboard.codes import CATEGORY_TYPE
from dashboard.redistribution import redistribute

WEIGHTS = [
    W._w("case", "sentence", None, None, 4, d(2012, 1, 1), d(2025, 1, 1)),
    W._w("case", "sentence", None, None, 5, d(2025, 1, 1)),
    W._w("case", "sentence", None, "high", 10),
    W._w("case", "sentence", "restriction_of_freedom", None, 6),
    W._w("case", "sentence", "restriction_of_freedom", "high", 11),
]


def test_capacity_formula_of_design_md():
    params = W.CapacityParams(nominal_target=100, standard_hours=40, head_reduction=0.5)
    # 100 x 30/40 x (1 - 0) = 75 points available to a 30-hour inspector
    assert params.available_points(30, "inspector") == 75
    # 100 x 40/40 x (1 - 0.5) = 50 for a unit head, who also runs the unit
    assert params.available_points(40, "head") == 50
    assert W.capacity_pct(90, 75) == 120
    assert W.capacity_pct(5, 0) != W.capacity_pct(5, 0)  # NaN: nothing available


def test_capacity_parameters_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PROBATION_WORKLOAD_NOMINAL_TARGET", "80")
    monkeypatch.setenv("PROBATION_WORKLOAD_OVERLOAD_PCT", "120")
    params = W.CapacityParams.from_env()
    assert (params.nominal_target, params.standard_hours, params.overload_pct) == (80, 40, 120)
    monkeypatch.setenv("PROBATION_WORKLOAD_HEAD_REDUCTION", "1.5")
    with pytest.raises(ValueError):
        W.CapacityParams.from_env()


@pytest.mark.parametrize(("day", "category", "risk", "points"), [
    (d(2024, 12, 31), "conditionally_sentenced", "low", 4),  # the old version
    (d(2025, 1, 1), "conditionally_sentenced", "low", 5),  # the new one, from its first day
    (d(2025, 1, 1), "conditionally_sentenced", "high", 10),  # the tier is more specific
    (d(2025, 1, 1), "restriction_of_freedom", "low", 6),  # the category beats the tier
    (d(2025, 1, 1), "restriction_of_freedom", "high", 11),  # category and tier beat both
])
def test_the_most_specific_weight_in_force_applies(day, category, risk, points):
    assert W.points_by_item(WEIGHTS, day)[("case", "sentence", category, risk)] == points


def test_no_weight_before_the_first_version():
    assert W.points_by_item(WEIGHTS, d(2011, 12, 31)) == {}


def test_default_weights_cover_every_case():
    table = W.points_by_item(list(W.DEFAULT_WEIGHTS), d(2026, 1, 1))
    n = len(CATEGORY_TYPE)
    assert len(table) == 2 * n * 3 - (n - 1) * 3  # every case key, and pre-trial reports


def test_what_if_growth_scales_one_type():
    items = pd.DataFrame([("case", "sentence", "conditionally_sentenced", "low", 3)],
                         columns=[*W.ITEM_KEYS, "items"])
    assert W.weigh(items, WEIGHTS, d(2025, 1, 1))["points"].tolist() == [15]
    grown = W.weigh(items, WEIGHTS, d(2025, 1, 1), growth={"sentence": 0.2})
    assert grown["points"].tolist() == pytest.approx([18])
    assert W.unweighted_items(items.assign(probation_type="penitentiary",
                                           legal_category="prisoner_last_year"),
                              WEIGHTS, d(2025, 1, 1)) == 3


def test_redistribution_capacity_before_and_after():
    params = W.CapacityParams(nominal_target=10)
    r = redistribute({"A": 50, "B": 10}, {"A": 3, "B": 3}, params, minimum=1)
    # 6 posts in proportion 5:1 -> A 5, B 1; capacity = points / (posts x 10)
    assert r.places[["place", "recommended", "change"]].values.tolist() == [
        ["A", 5, 2], ["B", 1, -2]]
    assert r.places["capacity_before"].round(1).tolist() == [166.7, 33.3]
    assert r.places["capacity_after"].tolist() == [100, 100]
    assert r.posts_moved == 2
    assert r.spread().loc["after", "max"] == 100


def test_every_capacity_parameter_is_documented():
    import dataclasses
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for field in dataclasses.fields(W.CapacityParams):
        assert f"`{field.name.upper()}` | {field.default:g} |" in readme, field.name


def _six_officers(shown: int = 50):
    from dashboard.staffing import capacity_summary

    capacity = [10.0, 20.0, 30.0, 40.0, 500.0, 80.0, float("nan"), 120.0]
    return capacity_summary(pd.DataFrame({
        "officer_id": [1, 2, 3, 4, 5, 6, 7, 8], "region_code": ["A"] * 5 + ["B", "B", "C"],
        "capacity_pct": capacity, "overloaded": [c > 110 for c in capacity]}),
        "region_code", shown)


def test_capacity_summary_by_hand():
    """A: 10 20 30 40 500 -> quartiles 20 30 40, whiskers 10 and 40 (500 > 40 + 1.5 x 20);
    B: 80 and an officer with no hours (NaN: no capacity); C: 120. Overloaded (> 110):
    500 and 120; the median of the seven with a capacity is 40."""
    s = _six_officers()
    assert (s.officers, s.overloaded, s.median) == (8, 2, 40.0)
    assert [(b.place, b.q1, b.median, b.q3, b.low, b.high) for b in s.boxes] == [
        ("A", 20, 30, 40, 10, 40), ("B", 80, 80, 80, 80, 80), ("C", 120, 120, 120, 120, 120)]
    assert s.worst["officer_id"].tolist() == [5, 8]
    assert _six_officers(shown=1).worst["officer_id"].tolist() == [5]


def test_the_most_overloaded_tie_by_officer_id():
    from dashboard.staffing import capacity_summary

    s = capacity_summary(pd.DataFrame({
        "officer_id": [9, 4, 7, 2], "unit_id": [1, 1, 1, 1],
        "capacity_pct": [150.0, 200.0, 150.0, 90.0], "overloaded": [True, True, True, False]}),
        "unit_id", 50)
    assert s.worst["officer_id"].tolist() == [4, 7, 9]


def test_capacity_boxes_carry_quartiles_not_every_officer():
    from layouts.staff import capacity_figure

    # plotly's Figure checks the plain dict the page draws.
    box = go.Figure(capacity_figure(_six_officers().boxes, {"A": "Astana"}, "en", 110)).data[0]
    assert list(box.x) == ["Astana", "B", "C"]
    assert (box.q1[0], box.median[0], box.q3[0]) == (20, 30, 40)
    assert box.upperfence[0] == 40  # 500 is beyond 1.5 IQR of the quartiles


def test_capacity_figure_draws_the_overload_line_on_a_titled_axis():
    from layouts.staff import capacity_figure

    fig = go.Figure(capacity_figure(_six_officers().boxes, {"A": "Astana"}, "en", 110))
    (line,) = fig.layout.shapes
    assert (line.y0, line.y1, line.xref, line.x0, line.x1) == (110, 110, "x domain", 0, 1)
    assert fig.layout.yaxis.title.text == "Capacity, %"
    assert fig.layout.yaxis.rangemode == "tozero" and fig.layout.xaxis.tickangle == -40
