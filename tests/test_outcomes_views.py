"""The outcomes page as a plain function of a Context, on the hand-counted fixture of
test_outcomes_queries (data until 31 Dec 2016), and its layouts on hand-made frames."""

from datetime import date as d

import pandas as pd
import pytest

from callbacks import outcomes as view
from callbacks.context import Context
from dashboard import metrics as M
from dashboard.config import Settings
from dashboard.filters import Filters
from dashboard.scope import Scope
from layouts import outcomes as L
from layouts.pages import View
from tests.helpers import text_of

NATION = Scope.nation("minister")


@pytest.fixture
def make_ctx(outcomes_db):
    # outcomes_db holds the data's period: 2014-01-01 to 2016-12-31.
    def make(scope=NATION, lang="en", small_min=3):
        return Context(engine=outcomes_db, scope=scope, lang=lang,
                       settings=Settings(database_url="sqlite://", small_sample_min=small_min))
    return make


def test_2015_against_2014(make_ctx):
    text = text_of(view.outcomes(make_ctx(), "?period=year&to=2015-12-31"))
    # Repeat offences 2 against 1 (+100 %); per 1,000: 2 of 4 people = 500.0 against
    # 1 of 3 = 333.3 (+50 %). For a year, the previous period is the year earlier.
    assert '"id": "outcomes-measure-repeat-offences"' in text
    assert "500.0" in text and "333.3" in text and "+100.0%" in text and "+50.0%" in text
    assert "/region/KZ-71?period=year&to=2015-12-31" in text


def test_small_samples_hide_the_rate(make_ctx):
    text = text_of(view.outcomes(make_ctx(small_min=30), "?period=year&to=2015-12-31"))
    assert "500.0" not in text and "small sample" in text


def test_a_region_lists_its_units_and_a_region_head_only_their_region(make_ctx):
    almaty = text_of(view.outcomes(make_ctx(), "?period=year&to=2015-12-31&region=KZ-75"))
    assert "/unit/2?" in almaty and "/unit/1?" not in almaty
    head = text_of(view.outcomes(make_ctx(Scope("region_head", region_code="KZ-71")),
                                 "?period=year&to=2015-12-31"))
    # Their region's units, not the one row of their region.
    assert "/unit/1?" in head and "/region/KZ-71?" not in head
    assert "/region/KZ-75" not in head and "/unit/2?" not in head and "Almaly" not in head


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_language_renders(make_ctx, lang):
    text = text_of(view.outcomes(make_ctx(lang=lang), "?period=quarter&to=2015-06-30"))
    assert {"kk": "Нәтижелер", "ru": "Результаты", "en": "Outcomes"}[lang] in text


def test_assistance_results_in_the_kinds_own_words(make_ctx):
    text = text_of(view.outcomes(make_ctx(), "?period=year&to=2015-12-31"))
    assert "employment found" in text and "documents restored" in text


def _judged(statuses_by_window):
    rows = []
    for i, (w, status) in enumerate(statuses_by_window):
        rows.append({"window_end": w, "entity_id": 7, "event": "repeat_offences",
                     "events": 9 + i, "average_caseload": 40.0, "rate": 225.0 + i,
                     "small_sample": False, "status": status, "target": 15.0, "iqr": 20.0,
                     "label_kk": "Алмалы", "label_ru": "Алмалы", "label_en": "Almaly",
                     "region_code": "KZ-75", "unit_id": 7})
    return pd.DataFrame(rows)


def test_outlier_table_links_a_far_unit_with_its_history():
    judged = _judged([(d(2015, 11, 30), M.NEAR), (d(2015, 12, 31), M.FAR)])
    v = View(lang="en", filters=Filters.default(d(2015, 12, 31)), small_min=30)
    text = text_of(L.outlier_table(judged, "unit", v, "t"))
    assert "/unit/7?period=year&to=2015-12-31" in text
    # The status now as a badge; the history as marks, oldest first, its words the label.
    assert text.count("status-FAR") == 1
    assert "◐●" in text and "Near, Far" in text


def test_outlier_table_leaves_out_units_within_the_target():
    judged = _judged([(d(2015, 12, 31), M.MET)])
    v = View(lang="en", filters=Filters.default(d(2015, 12, 31)), small_min=30)
    assert "Nobody is far above" in text_of(L.outlier_table(judged, "unit", v, "t"))


def test_flagged_equals_the_plain_pandas_reading():
    """layouts.outcomes.flagged (the history of the rows shown only) gives what joining
    every entity's history would: random statuses over six windows, ties in the rate."""
    import random

    rng = random.Random(5)
    windows = [d(2025, m, 28) for m in range(1, 7)]
    rows = [(w, e, ev, rng.choice([M.FAR, M.NEAR, M.MET, None]), rng.choice([1.0, 2.0, 3.5]))
            for e in range(60) for ev in ("repeat_offences", "revocations") for w in windows]
    judged = pd.DataFrame(rows, columns=["window_end", "entity_id", "event", "status", "rate"])
    judged = judged.sample(frac=1, random_state=1).reset_index(drop=True)

    last = judged.window_end.max()
    history = (judged.sort_values("window_end").groupby(["entity_id", "event"])["status"]
               .agg(list).rename("history"))
    now = judged[judged.window_end == last].join(history, on=["entity_id", "event"])
    now = now[now.status.isin([M.FAR, M.NEAR])]
    order = now.status.map({M.FAR: 0, M.NEAR: 1})
    expected = (now.assign(_o=order).sort_values(["_o", "rate"], ascending=[True, False])
                .drop(columns="_o").head(L.OUTLIER_ROWS))
    pd.testing.assert_frame_equal(L.flagged(judged), expected)


def test_an_outlier_names_its_region_not_its_code(make_ctx):
    from layouts import outcomes as L
    from layouts.pages import View

    judged = pd.DataFrame({
        "window_end": [d(2025, 12, 31)] * 2, "entity_id": [2, 2],
        "event": ["repeat_offences", "revocations"], "events": [9, 0],
        "average_caseload": [20.0, 20.0], "rate": [450.0, 0.0], "small_sample": [False] * 2,
        "status": ["FAR", "MET"], "target": [100.0] * 2, "iqr": [10.0] * 2,
        "label_kk": ["Алмалы"] * 2, "label_ru": ["Алмалы"] * 2, "label_en": ["Almaly"] * 2,
        "region_code": ["KZ-75"] * 2, "unit_id": [2, 2]})
    v = View(lang="en", filters=Filters.default(d(2025, 12, 31)), small_min=3)
    text = text_of(L.outlier_table(judged, "unit", v, "t", {"KZ-75": "Almaty"}))
    assert '"children": "Almaty"' in text and '"data-region": "KZ-75"' in text
    assert '"children": "KZ-75"' not in text


def test_the_generator_s_transfers_are_marked_synthetic_under_closures(make_ctx, monkeypatch):
    note = '"id": "outcomes-synthetic-transfers"'
    assert note not in text_of(view.outcomes(make_ctx(), "?period=year&to=2015-12-31"))
    monkeypatch.setattr(view, "synthetic_data", lambda conn: True)
    text = text_of(view.outcomes(make_ctx(), "?period=year&to=2015-12-31"))
    assert note in text and "synthetic" in text
