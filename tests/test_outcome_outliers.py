"""The outlier tables judge only the entities they can show (callbacks.outcomes.outliers):
what the page lists equals judging every entity in scope, as the page did before, on
generated data, for every kind of scope, a region picked, a narrowing and a window ending
mid-month (the reference below is that earlier code)."""

import dataclasses
from datetime import date as d

import numpy as np
import pandas as pd
import pytest

from callbacks import outcomes as view
from dashboard import metrics as M
from dashboard.filters import Filters
from dashboard.scope import Scope
from layouts import outcomes as L
from queries import outcomes as Q

# At scale 0.02 hardly anyone has the default five events: two still leave some flagged,
# with the events' minimum at work (rows of one event are judged, and not flagged).
RULE = M.OutlierRule(view.MIN_CASELOAD, 2)


def _every_entity(conn, scope, f, level):
    """Every entity in scope judged on both events in all six windows."""
    windows = [M.trailing_months(day) for day in M.month_ends(f.end, view.HISTORY_MONTHS)]
    everywhere = view.narrowing_of(f, region=False)
    counts = Q.outlier_counts(conn, scope, windows, level, everywhere)
    if scope.role == "ministry":
        benches = Q.benchmarks_of(counts, windows, view.MIN_CASELOAD)
    else:
        benches = Q.outlier_benchmarks(conn, scope, windows, level, everywhere,
                                       view.MIN_CASELOAD)
    judged = []
    for event in Q.OUTLIER_EVENTS:
        by_window = dict(zip((w.end for w in windows), benches[event], strict=True))
        rated = M.judge_windows(counts.rename(columns={event: "events"}), by_window,
                                view.MIN_CASELOAD, min_events=RULE.min_events)
        rated["event"] = event
        rated["target"] = rated.window_end.map({w: b.target for w, b in by_window.items()})
        rated["iqr"] = rated.window_end.map({w: b.iqr for w, b in by_window.items()})
        judged.append(rated[["window_end", "entity_id", "event", "events", "average_caseload",
                             "rate", "small_sample", "status", "target", "iqr"]])
    frame = pd.concat(judged, ignore_index=True)
    names = Q.entity_names(conn, scope, level, sorted(set(frame.entity_id)))
    if f.region:
        names = names[names.region_code == f.region]
    return frame.merge(names, on="entity_id", how="inner")


@pytest.fixture
def generated_db(generated):
    """A generated dataset (scale 0.02, seed 5), loaded once per run and copied."""
    return generated(0.02, 5)


CASES = [
    (Scope.nation(), {"end": d(2024, 12, 31)}),
    (Scope.nation(), {"end": d(2024, 12, 28), "region": "KZ-75"}),
    (Scope.nation(), {"end": d(2023, 6, 28), "probation_type": "sentence"}),
    (Scope("region_head", region_code="KZ-75"), {"end": d(2024, 12, 28)}),
    (Scope("region_head", region_code="KZ-75"), {"end": d(2024, 12, 28), "region": "KZ-71"}),
]


@pytest.mark.slow
@pytest.mark.parametrize("rows", [L.OUTLIER_ROWS, 3])
def test_the_tables_list_what_judging_every_entity_lists(generated_db, monkeypatch, rows):
    """Also with a table of three rows: the callback names only the entities that make
    the cut, and the cut must fall where judging everyone puts it."""
    monkeypatch.setattr(L, "OUTLIER_ROWS", rows)
    flagged_somewhere = 0
    with generated_db.connect() as conn:
        unit = Q.entity_ids(conn, Scope.nation(), "unit", "KZ-75")[0]
        for scope, fields in [*CASES, (Scope("unit_head", unit_id=unit),
                                       {"end": d(2024, 12, 28)})]:
            f = dataclasses.replace(Filters.default(fields["end"]), **fields)
            for level in Q.OUTLIER_LEVELS:
                every = _every_entity(conn, scope, f, level)
                shown, bench = view.outliers(conn, scope, f, level, RULE)
                expected = L.flagged(every)
                if expected.empty:
                    # (Judging everyone left an empty frame with a history column.)
                    assert L.flagged(shown).empty
                else:
                    pd.testing.assert_frame_equal(L.flagged(shown).reset_index(drop=True),
                                                  expected.reset_index(drop=True))
                flagged_somewhere += len(expected)
                if every.empty:
                    assert bench is None
                else:
                    last = every[(every.window_end == every.window_end.max())
                                 & (every.event == "repeat_offences")]
                    assert (bench.target, bench.iqr) == (last.target.iloc[0],
                                                         last.iqr.iloc[0])
    # The comparison means something: some entities are listed.
    assert flagged_somewhere > 0


def test_each_windows_rows_are_one_run(generated_db):
    """outlier_counts gives its rows ordered by window end, then entity, so each window's
    rows are one run, which window_runs finds by bisection: the same rows as grouping by
    the window's end, for every level, scope and narrowing of CASES."""
    with generated_db.connect() as conn:
        for scope, fields in CASES:
            f = dataclasses.replace(Filters.default(fields["end"]), **fields)
            windows = [M.trailing_months(day)
                       for day in M.month_ends(f.end, view.HISTORY_MONTHS)]
            for level in Q.OUTLIER_LEVELS:
                counts = Q.outlier_counts(conn, scope, windows, level,
                                          view.narrowing_of(f, region=False))
                order = list(zip(counts.window_end, counts.entity_id, strict=True))
                assert order == sorted(order) and len(counts) > 0
                runs = Q.window_runs(counts, windows)
                groups = counts.groupby("window_end").indices
                rows = np.arange(len(counts))
                for w in windows:
                    expected = groups[w.end].tolist() if w.end in groups else []
                    assert rows[runs[w.end]].tolist() == expected
                assert sum(r.stop - r.start for r in runs.values()) == len(counts)
