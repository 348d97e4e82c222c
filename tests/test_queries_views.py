"""Caseload and drill-down queries on the hand-counted fixture (see fixture_small), on
SQLite and PostgreSQL."""

from datetime import date

import pytest
from sqlalchemy import insert

from dashboard import schema
from dashboard.filters import Filters
from dashboard.scope import NotPermitted, Scope
from queries import caseload, drill, kpis, places, timeline
from queries.common import data_period
from tests import fixture_small

NATION = Scope.nation()
ASTANA_HEAD = Scope("region_head", region_code="KZ-71")
UNIT_2_HEAD = Scope("unit_head", unit_id=2)
YEAR_2025 = Filters.from_query("", fixture_small.DATA_UNTIL)


@pytest.fixture
def conn(small_versioned):
    with small_versioned.connect() as connection:
        yield connection


def test_data_period_comes_from_dataset_info(conn):
    assert data_period(conn) == (date(2014, 1, 1), date(2025, 12, 31))


def test_headline_of_the_nation(conn):
    h = kpis.headline(conn, NATION, YEAR_2025)
    assert h.on_register == 7  # cases 1, 2, 4, 6, 9, 11, 12
    assert h.registered == 5  # 2, 3, 6, 9, 11
    assert (h.closed, h.completed) == (4, 2)  # 3, 5, 8, 10; completed 3, 10
    assert h.overdue == 4  # milestones 2, 6, 7, 10
    assert h.filled_posts == 3  # officers 1, 3, 4 (2 left on 2025-07-01)
    assert (h.repeat_offences, h.repeat_offences_year_before) == (3, 2)
    assert h.completion_share == pytest.approx(0.5)
    assert h.caseload_per_post == pytest.approx(7 / 3)
    assert h.repeat_change == pytest.approx(0.5)


def test_a_region_head_sees_only_the_region(conn):
    h = kpis.headline(conn, ASTANA_HEAD, YEAR_2025)
    assert (h.on_register, h.registered, h.closed, h.completed) == (4, 3, 3, 1)
    assert (h.overdue, h.filled_posts) == (3, 2)
    assert (h.repeat_offences, h.repeat_offences_year_before) == (1, 1)


def test_a_region_filter_outside_the_scope_gives_nothing(conn):
    h = kpis.headline(conn, ASTANA_HEAD, YEAR_2025.within(region="KZ-75"))
    assert (h.on_register, h.registered, h.filled_posts) == (0, 0, 0)


def test_type_filter_narrows_cases_not_posts(conn):
    h = kpis.headline(conn, NATION, YEAR_2025.within(probation_type="sentence"))
    assert h.on_register == 5  # 1, 2, 4, 9, 12
    assert h.filled_posts == 3


def test_as_of_moves_the_stock(conn):
    f = Filters.from_query("from=2025-01-01&to=2025-12-31&asof=2025-06-30",
                           fixture_small.DATA_UNTIL)
    h = kpis.headline(conn, NATION, f)
    # 1, 2, 3, 4, 8, 9, 12 on the register; officer 2 still in post
    assert (h.on_register, h.filled_posts) == (7, 4)
    assert h.overdue == 1  # milestone 7 (case 9, due 2025-04-01)


def test_kpis_per_region(conn):
    frame = kpis.by_place(conn, NATION, YEAR_2025, "region")
    assert frame.loc["KZ-71"].to_dict() == {
        "on_register": 4, "registered": 3, "closed": 3, "completed": 1, "overdue": 3,
        "filled_posts": 2, "repeat_offences": 1, "repeat_offences_year_before": 1}
    assert frame.loc["KZ-75"].to_dict() == {
        "on_register": 3, "registered": 2, "closed": 1, "completed": 1, "overdue": 1,
        "filled_posts": 1, "repeat_offences": 2, "repeat_offences_year_before": 1}


def test_regions_table_lists_only_regions_in_scope(conn):
    table = drill.regions_table(conn, ASTANA_HEAD, YEAR_2025, lang="en")
    assert table[["key", "name", "on_register"]].values.tolist() == [["KZ-71", "Astana", 4]]


def test_units_table_of_a_region(conn):
    table = drill.units_table(conn, NATION, YEAR_2025.within(region="KZ-71"), lang="en")
    assert table[["key", "name", "on_register", "overdue", "filled_posts"]].values.tolist() == [
        [2, "Saryarka District", 1, 1, 1], [1, "Yesil District", 3, 2, 1]]


def test_a_place_without_counts_gets_zeros():
    import pandas as pd

    places_frame = pd.DataFrame({"key": ["KZ-71", "KZ-75", "KZ-79"], "name": ["a", "b", "c"]},
                                index=[5, 6, 7])
    counts = pd.DataFrame({c: [i + 1, 10 * (i + 1)] for i, c in enumerate(kpis.COLUMNS)},
                          index=pd.Index(["KZ-79", "KZ-71"], name="key"))
    table = drill._with_kpis(places_frame, counts)
    assert table.index.tolist() == [0, 1, 2]
    assert table.key.tolist() == ["KZ-71", "KZ-75", "KZ-79"]
    assert table.on_register.tolist() == [10 * (kpis.COLUMNS.index("on_register") + 1), 0,
                                          kpis.COLUMNS.index("on_register") + 1]
    assert all(str(table[c].dtype) == "int64" for c in kpis.COLUMNS)
    nothing = drill._with_kpis(places_frame, counts.iloc[:0])
    assert nothing[list(kpis.COLUMNS)].to_numpy().tolist() == [[0] * len(kpis.COLUMNS)] * 3


def test_kpi_parts_merged_per_place():
    """by_place's parts, merged: a place missing from a part or counted as NaN there has
    0, a place in any part has a row, rows by key, every column int64."""
    import pandas as pd

    on_register = pd.DataFrame({"on_register": [4, 3]}, index=pd.Index([12, 5], name="key"))
    events = pd.DataFrame({"registered": [2.0, float("nan")], "closed": [1.0, 0.0]},
                          index=pd.Index([5, 40], name="key"))
    empty = pd.DataFrame(columns=["overdue"], index=pd.Index([], name="key"))
    merged = kpis._combined([on_register, events, empty], "unit")
    assert merged.index.name == "key" and merged.index.tolist() == [5, 12, 40]
    assert list(merged.columns) == list(kpis.COLUMNS)
    assert all(str(t) == "int64" for t in merged.dtypes)
    assert merged[["on_register", "registered", "closed", "overdue"]].values.tolist() == [
        [3, 2, 1, 0], [4, 0, 0, 0], [0, 0, 0, 0]]
    nothing = kpis._combined([empty], "region")
    assert nothing.shape == (0, len(kpis.COLUMNS)) and str(nothing.index.dtype) == "object"


def test_officers_table_of_a_unit(conn):
    table = drill.officers_table(conn, NATION, YEAR_2025.within(unit_id=1))
    # officer 2 left and has no open case: not listed
    assert table[["key", "name", "on_register", "closed"]].values.tolist() == [
        [1, "S-0001", 3, 1]]


def test_officer_cases_with_next_and_overdue_milestones(conn):
    frame = drill.officer_cases(conn, NATION, YEAR_2025.within(officer_id=1))
    rows = frame[["case_id", "next_kind", "next_due", "overdue", "first_overdue_due"]]
    assert rows.values.tolist() == [
        [1, None, None, 1, date(2025, 12, 1)],
        [4, None, None, 1, date(2025, 10, 1)],
        [2, "check_in", date(2025, 12, 31), 0, None],
    ]


def test_officer_cases_next_milestone_ties_and_several_overdue(conn):
    """Two milestones due the same next day: the kind first in order is shown (as the
    table always did), whichever the database returns first; several overdue: their
    number and the earliest, whatever order they come in."""
    conn.execute(insert(schema.milestones), [
        {"id": 11, "case_id": 1, "kind": "registration", "seq": 2, "due_on": date(2026, 1, 5),
         "completed_on": None},
        {"id": 12, "case_id": 1, "kind": "program_review", "seq": 2,
         "due_on": date(2026, 1, 5), "completed_on": None},
        {"id": 13, "case_id": 4, "kind": "program_review", "seq": 2,
         "due_on": date(2025, 11, 15), "completed_on": None},
        {"id": 14, "case_id": 4, "kind": "registration", "seq": 2, "due_on": date(2025, 9, 1),
         "completed_on": None}])
    frame = drill.officer_cases(conn, NATION, YEAR_2025.within(officer_id=1))
    rows = frame[["case_id", "next_kind", "next_due", "overdue", "first_overdue_due"]]
    assert rows.values.tolist() == [
        [1, "program_review", date(2026, 1, 5), 1, date(2025, 12, 1)],
        [4, None, None, 3, date(2025, 9, 1)],
        [2, "check_in", date(2025, 12, 31), 0, None],
    ]


def test_caseload_by_region_and_type(conn):
    frame = caseload.by_region_and_type(conn, NATION, YEAR_2025, lang="ru")
    assert frame.values.tolist() == [
        ["KZ-71", "Астана", "pre_trial", 1], ["KZ-71", "Астана", "sentence", 3],
        ["KZ-75", "Алматы", "penitentiary", 1], ["KZ-75", "Алматы", "sentence", 2]]


def test_caseload_by_category_for_a_unit_head(conn):
    assert caseload.by_category(conn, UNIT_2_HEAD, YEAR_2025).values.tolist() == [
        ["suspect_protected", 1]]
    assert caseload.by_category(conn, NATION, YEAR_2025).values.tolist() == [
        ["conditionally_sentenced", 4], ["prisoner_last_year", 1],
        ["restriction_of_freedom", 1], ["suspect_protected", 1]]


def test_monthly_trend_of_sentence_probation(conn):
    frame = caseload.monthly_trend(conn, NATION, YEAR_2025.within(probation_type="sentence"),
                                   since=date(2024, 1, 1))
    stock = dict(zip(frame.month_end, frame.cases, strict=True))
    assert len(stock) == 24
    assert stock[date(2024, 1, 31)] == 2  # 5, 7
    assert stock[date(2024, 2, 29)] == 3  # + 12
    assert stock[date(2024, 6, 30)] == 3  # + 1, - 7
    assert stock[date(2025, 2, 28)] == 7  # + 4, 8, 9, 2
    assert stock[date(2025, 3, 31)] == 6  # - 5
    assert stock[date(2025, 12, 31)] == 5  # - 8 (off the register on 2025-12-31)


def test_places_refuse_out_of_scope_and_unknown_ids(conn):
    assert places.unit(conn, ASTANA_HEAD, 2, "en").region_name == "Astana"
    with pytest.raises(NotPermitted):
        places.unit(conn, ASTANA_HEAD, 3)
    with pytest.raises(NotPermitted):
        places.region(conn, ASTANA_HEAD, "KZ-75")
    with pytest.raises(NotPermitted):
        places.case_header(conn, UNIT_2_HEAD, 1)
    with pytest.raises(places.NotFound):
        places.officer(conn, NATION, 99)
    with pytest.raises(places.NotFound):
        places.region(conn, NATION, "KZ-00")


def test_regions_in_scope(conn):
    assert places.regions_in_scope(conn, NATION, "en").values.tolist() == [
        ["KZ-71", "Astana"], ["KZ-75", "Almaty"]]
    assert places.regions_in_scope(conn, UNIT_2_HEAD).code.tolist() == ["KZ-71"]
    assert places.region_codes_in_scope(conn, NATION) == {"KZ-71", "KZ-75"}
    assert places.region_codes_in_scope(conn, UNIT_2_HEAD) == {"KZ-71"}
    assert places.region_codes_in_scope(conn, ASTANA_HEAD) == {"KZ-71"}


def test_case_timeline_in_order(conn):
    header = places.case_header(conn, NATION, 1, "en")
    assert (header.person_code, header.age_at_registration) == ("P-0000001", 33)
    assert header.place.officer_code == "S-0001"
    events = timeline.case_timeline(conn, header)
    assert list(zip(events.on, events.event, strict=True)) == [
        (date(2024, 2, 27), "appeared"), (date(2024, 3, 1), "registration"),
        (date(2024, 3, 1), "assigned"), (date(2024, 3, 4), "milestone"),
        (date(2025, 1, 10), "assistance_requested"), (date(2025, 2, 1), "assistance_provided"),
        (date(2025, 4, 1), "violation"), (date(2025, 4, 20), "court_submission"),
        (date(2025, 5, 15), "court_decision"), (date(2025, 6, 1), "assistance_requested"),
        (date(2025, 12, 1), "milestone_pending")]


def test_reassignment_and_closure_on_the_timeline(conn):
    events = timeline.case_timeline(conn, places.case_header(conn, NATION, 4))
    assert events[events.event == "assigned"].detail.tolist() == ["S-0002", "S-0001"]
    closed = timeline.case_timeline(conn, places.case_header(conn, NATION, 5))
    assert closed.iloc[-1][["on", "event", "kind"]].tolist() == [
        date(2025, 3, 1), "closure", "revoked"]


def _transfer(conn, source: str) -> None:
    """Case 1 moved on 2025-12-20 (closed as transferred) and continued as case 13."""
    conn.execute(schema.cases.update().where(schema.cases.c.id == 1).values(
        closed_on=date(2025, 12, 20), close_reason="transferred"))
    conn.execute(insert(schema.cases), [fixture_small.CASES[0] | {
        "id": 13, "unit_id": 3, "officer_id": None, "appeared_on": date(2025, 12, 24),
        "registered_on": date(2025, 12, 24), "closed_on": None, "close_reason": None,
        "previous_case_id": 1}])
    conn.execute(schema.dataset_info.update().where(schema.dataset_info.c.key == "source")
                 .values(value=source))


@pytest.mark.parametrize("source, synthetic", [("synthetic demo", True),
                                                ("synthetic demo (imported extract)", True),
                                                ("case-system extract", False)])
def test_transfers_of_the_generator_are_marked_synthetic(small_versioned, source, synthetic):
    engine = small_versioned
    with engine.begin() as conn:
        _transfer(conn, source)
    with engine.connect() as conn:
        moved, follow_on = places.case_header(conn, NATION, 1), places.case_header(conn, NATION, 13)
        other = places.case_header(conn, NATION, 5)  # closed, revoked
    assert (moved.synthetic_transfer_out, moved.synthetic_transfer_in) == (synthetic, False)
    assert (follow_on.synthetic_transfer_out, follow_on.synthetic_transfer_in) == (False,
                                                                                   synthetic)
    assert not (other.synthetic_transfer_out or other.synthetic_transfer_in)
