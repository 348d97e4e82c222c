"""Less noise (issue 26 item 5): a unit or officer is flagged NEAR or FAR only with both
its average caseload at the minimum and enough events; the minimums are settings.
Numbers by hand: target 10 per 1,000, IQR 5."""

import numpy as np
import pandas as pd

from dashboard import metrics as M
from dashboard.config import Settings

BENCH = {"w": M.Benchmark(target=10.0, iqr=5.0, peers=4)}


def _status(events, caseload, min_events, min_caseload=10):
    frame = pd.DataFrame({"window_end": ["w"], "entity_id": [1], "events": [events],
                          "average_caseload": [float(caseload)]})
    return M.judge_windows(frame, BENCH, min_caseload, min_events=min_events).status[0]


def test_a_high_rate_on_few_events_is_not_flagged():
    # 3 events on 100 people: 30 per 1,000, far above 10 + 5; but 3 < 5 events.
    assert _status(3, 100, min_events=0) == M.FAR
    assert _status(3, 100, min_events=5) is None
    # 5 events on 400: 12.5, above the target, within the IQR: NEAR on 5 events.
    assert _status(5, 400, min_events=5) == M.NEAR
    assert _status(6, 200, min_events=5) == M.FAR  # 30 per 1,000 on 6 events


def test_at_or_below_the_target_few_events_still_meet_it():
    assert _status(0, 100, min_events=5) == M.MET
    assert _status(1, 100, min_events=5) == M.MET  # 10 per 1,000: at the target


def test_a_small_caseload_gets_no_rate_whatever_its_events():
    assert _status(9, 8, min_events=5) is None  # 8 < 10 average caseload


def test_statuses_of_arrays_match_one_by_one():
    value = np.array([30.0, 30.0, 12.5, np.nan])
    events = np.array([3, 6, 5, 9])
    ends = np.array(["w"] * 4, dtype=object)
    assert list(M.statuses(value, ends, BENCH, events, 5)) == [None, M.FAR, M.NEAR, None]
    assert list(M.statuses(value, ends, BENCH)) == [M.FAR, M.FAR, M.NEAR, None]


def test_the_minimums_are_settings(monkeypatch):
    assert (Settings().outlier_min_caseload, Settings().outlier_min_events) == (10, 5)
    monkeypatch.setenv("PROBATION_OUTLIER_MIN_CASELOAD", "15")
    monkeypatch.setenv("PROBATION_OUTLIER_MIN_EVENTS", "8")
    s = Settings.from_env()
    assert (s.outlier_min_caseload, s.outlier_min_events) == (15.0, 8)
    from callbacks.outcomes import rule_of
    assert rule_of(s) == M.OutlierRule(15.0, 8)
