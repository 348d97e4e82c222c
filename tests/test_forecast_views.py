"""The staff page's forecast section, the page called as a plain function on the hand fixture
(tests/fixture_small.py): the chart and table for each role, the backtest under the chart,
the shock from the URL, and a bad shock refused with a message and nothing changed."""

from __future__ import annotations

import json

import pytest

from callbacks import staff as views
from callbacks.context import Context
from dashboard.config import Settings
from dashboard.scope import Scope
from tests.helpers import component_with_id, text_of

NATION = Scope.nation()
ASTANA = Scope("region_head", region_code="KZ-71")
MEDEU = Scope("unit_head", unit_id=3)
SHOCK = "?shock_category=conditionally_sentenced&shock_pct=-50&shock_date=2026-03-01"


def forecast_of(ctx, search: str = "", refuse=lambda *_: None) -> str:
    """The JSON of the staff page's forecast section (of the whole page when it has none)."""
    tree = json.loads(text_of(views.staff(ctx, search, refuse)))
    return json.dumps(component_with_id(tree, "staff-forecast") or tree, ensure_ascii=False)


@pytest.fixture
def make_ctx(small_versioned):
    engine = small_versioned

    def make(scope=NATION, lang="en"):
        return Context(engine=engine, scope=scope, lang=lang,
                       settings=Settings(database_url="sqlite://"))
    return make


def test_the_ministry_sees_the_regions_forecast(make_ctx):
    text = forecast_of(make_ctx(), "")
    assert "Forecast of the probation register: 12 months" in text
    assert "staff-forecast-figure" in text and "Accuracy nationally over the last 24 months" in text
    # The table of the regions is folded, and drawn when first opened.
    assert '"staff-forecast-table-open"' in text and '"staff-forecast-table"' not in text
    table = text_of(views.forecast_table(make_ctx(), ""))
    assert '"staff-forecast-table"' in table
    # The regions with units (Shymkent has none and no forecast, but its posts: none).
    assert '"Astana"' in table and '"Almaty"' in table
    assert "Capacity with the scenario" not in table


def test_the_page_draws_its_forecast_with_it(make_ctx):
    """The forecast comes with the page, not from a callback of its own once the page is
    drawn: Dash re-renders the whole page for every component such a callback adds."""
    text = text_of(views.staff(make_ctx(), ""))
    assert "staff-forecast-figure" in text and "staff-forecast-body" not in text


def test_a_forged_unit_gets_no_forecast(make_ctx):
    """A unit outside the region head's scope in the URL: refused, as the page is."""
    refused = []
    text = forecast_of(make_ctx(ASTANA), "?unit=3", lambda *a: refused.append(a))
    assert refused and "staff-forecast" not in text


def test_a_region_head_sees_their_units_only(make_ctx):
    text = text_of(views.forecast_table(make_ctx(ASTANA), ""))
    assert "Yesil District" in text and "Saryarka District" in text
    assert "Medeu District" not in text


def test_the_opened_table_of_a_forged_unit_is_refused(make_ctx):
    refused = []
    text = text_of(views.forecast_table(make_ctx(ASTANA), "?unit=3",
                                        lambda *a: refused.append(a)))
    assert refused == [("unit", "3")]
    assert "Not permitted" in text and "Medeu" not in text


def test_a_unit_head_sees_the_chart_without_a_table(make_ctx):
    text = forecast_of(make_ctx(MEDEU, "ru"), "")
    assert "Прогноз числа состоящих на учёте службы пробации" in text
    assert "staff-forecast-figure" in text and "staff-forecast-table" not in text


def test_a_shock_adds_its_columns_and_line(make_ctx):
    plain = forecast_of(make_ctx(), "")
    text = forecast_of(make_ctx(), SHOCK)
    # The scenario asked for the table: drawn with the page, not folded.
    assert '"staff-forecast-table"' in text and "staff-forecast-table-open" not in text
    assert "Capacity with the scenario" in text and "Recommended with the scenario" in text
    assert "Forecast with the scenario" in text
    assert "Scenario: " in text and "“Conditionally sentenced”" in text
    assert plain != text


@pytest.mark.parametrize("search, message", [
    ("?shock_category=amnesty&shock_pct=-20&shock_date=2026-03-01", "category is unknown"),
    ("?shock_category=parole&shock_pct=-500&shock_date=2026-03-01", "number from −100 to 200"),
    ("?shock_category=parole&shock_pct=x&shock_date=2026-03-01", "number from −100 to 200"),
    ("?shock_category=parole&shock_pct=-20&shock_date=2030-03-01", "forecast's 12 months"),
    ("?shock_category=parole&shock_pct=-20&shock_date=2026-02-30", "forecast's 12 months"),
    ("?shock_category=parole&shock_pct=-20", "needs a category, a percent and a date"),
])
def test_a_bad_shock_is_refused_and_changes_nothing(make_ctx, search, message):
    text = forecast_of(make_ctx(), search)
    assert message in text and "nothing was changed" in text
    assert "Capacity with the scenario" not in text


def test_the_review_pack_carries_the_forecast_of_the_level_below(make_ctx):
    """The review (page, HTML file and workbook share its tables): the forecast chart and,
    per place of the level below, the load in 12 months and the posts it implies; a region
    head's pack lists their units only, and a scenario in the URL does not enter it."""
    from callbacks import review
    from layouts import review as L

    brief = review.gather(make_ctx(), SHOCK)
    tables = {tb.key: tb for tb in L.tables(brief)}
    frame = tables["chart-forecast"].frame
    assert tables["chart-forecast"].title.startswith("Forecast of the register")
    assert {"Astana", "Almaty"} <= set(frame["Place"])
    assert list(frame.columns)[-4:] == ["Capacity now", "Capacity in 12 months",
                                        "Recommended now", "Recommended under the forecast"]
    assert not any("scenario" in c for c in frame.columns)
    mine = L.tables(review.gather(make_ctx(ASTANA), ""))
    places = set(next(tb for tb in mine if tb.key == "chart-forecast").frame["Place"])
    assert "Yesil District" in places and "Medeu District" not in places


def test_the_forecast_chart_is_a_figure_plotly_accepts(make_ctx):
    """A plain dict (layouts.figures.plain_figure) that plotly's own Figure checks: the
    band, the history, the forecast and the scenario's line, on months as dates."""
    import json

    import plotly.graph_objects as go

    from tests.helpers import component_with_id

    tree = json.loads(forecast_of(make_ctx(), SHOCK))
    fig = go.Figure(component_with_id(tree, "staff-forecast-figure")["props"]["figure"])
    band, history, mean, shocked = fig.data
    assert band.fill == "toself" and len(band.x) == 2 * len(mean.x) == 24
    assert history.x[-1] < mean.x[0] and len(shocked.y) == 12
