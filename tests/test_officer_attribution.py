"""One notion of "the officer's cases" (issue 25, item 6): the officer of a case on day d
is the one whose assignment is in force on d (queries/common.py). The officer page, the
unit page's table of officers, the milestones page at officer level (and an officer's own
milestones page) and the needs-attention list agree, officer by officer, before and after
a hand-over, on SQLite and PostgreSQL.

tests/fixture_small.py: officer 2 (unit 1) held case 4 until 1 Jul 2025, when they left
and handed it to officer 1. `cases.officer_id` of case 4 is 1 (the officer now), so the
old rule counted case 4 as officer 1's on every day. One milestone is added here so that
the hand-over moves an overdue item too:

    m11  case 4, check-in, due 1 Jun 2025, done 15 Jul 2025 (late, after the hand-over)

Unit 1's cases: 1 (from 1 Mar 2024), 2 (from 10 Feb 2025), 3 (5 May - 5 Nov 2025), all
officer 1's; 4 (from 1 Sep 2024: officer 2's, officer 1's from 1 Jul 2025); 5 closed
1 Mar 2025 (revoked), officer 2's. Milestones due before the day and how they stand:

    30 Jun 2025  officer 1  cases 1, 2, 3    due m1, m3 (both done)          overdue 0
                 officer 2  case 4           due m11 (open)                  overdue 1
     1 Jul 2025  officer 1  cases 1, 2, 3, 4 due m1, m3, m11                 overdue 1 (m11)
                 officer 2  left that day: in post nowhere, holds nothing
    31 Dec 2025  officer 1  cases 1, 2, 4    due m1, m2, m3, m10, m11        overdue 2 (m2, m10)

(The old rule gave officer 1 four cases and m11 on 30 Jun, and officer 2 none.)
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert

from callbacks import views
from callbacks.context import Context
from dashboard import schema
from dashboard.config import Settings
from dashboard.filters import Filters
from dashboard.scope import Scope
from queries import attention as A
from queries import drill, kpis
from queries import milestones as M
from service import readmodel
from tests import fixture_small
from tests.helpers import text_of

BEFORE, HANDOVER, AFTER = date(2025, 6, 30), date(2025, 7, 1), date(2025, 12, 31)
NATION = Scope.nation("minister")
YESIL_HEAD = Scope("unit_head", unit_id=1, username="head-yesil")

# day -> officer -> (cases on the register, milestones due, overdue, the cases' ids in
# the officer page's order: by registration day)
EXPECTED = {
    BEFORE: {1: (3, 2, 0, [1, 2, 3]), 2: (1, 1, 1, [4])},
    HANDOVER: {1: (4, 3, 1, [1, 4, 2, 3])},
    AFTER: {1: (3, 5, 2, [1, 4, 2])},
}


@pytest.fixture
def engine_small(small_versioned):
    engine = small_versioned
    with engine.begin() as conn:
        conn.execute(insert(schema.milestones), [
            {"id": 11, "case_id": 4, "kind": "check_in", "seq": 2,
             "due_on": date(2025, 6, 1), "completed_on": date(2025, 7, 15)}])
        readmodel.refresh(conn)  # the read models follow the added milestone
    return engine


def _filters(day: date) -> Filters:
    f = Filters.from_query(f"?period=month&to={day.isoformat()}&asof={day.isoformat()}",
                           fixture_small.DATA_UNTIL)
    assert f.as_of == day
    return f


def _figures(rows, key, caseload, due, overdue) -> dict:
    """{officer: (caseload, due, overdue)} of a frame's rows with a known officer."""
    return {int(r[key]): (int(r[caseload]), int(r[due]), int(r[overdue]))
            for _, r in rows.iterrows() if r[key] is not None and r[key] == r[key]}


@pytest.mark.parametrize("scope", [NATION, YESIL_HEAD], ids=["nation", "unit-head"])
@pytest.mark.parametrize("day", [BEFORE, HANDOVER, AFTER])
def test_the_four_pages_agree_officer_by_officer(engine_small, scope, day):
    expected = {o: (n, due, late) for o, (n, due, late, _) in EXPECTED[day].items()}
    f = _filters(day)
    with engine_small.connect() as conn:
        # The officer page: its headline and its table of open cases.
        for officer, (n, _due, late, ids) in EXPECTED[day].items():
            mine = f.within(officer_id=officer)
            headline = kpis.headline(conn, scope, mine)
            assert (headline.on_register, headline.overdue) == (n, late)
            assert drill.officer_cases(conn, scope, mine).case_id.tolist() == ids
        # The unit page's table of officers (officers in post or holding a case there).
        table = drill.officers_table(conn, scope, f.within(unit_id=1))
        assert {int(k): (int(n), int(o)) for k, n, o in
                table[["key", "on_register", "overdue"]].itertuples(index=False)} == {
            o: (n, late) for o, (n, _due, late) in expected.items()}
        # The milestones page at officer level (the unit's officers), and each officer's
        # own milestones page.
        frame, _ = M.timeliness(conn, scope, day, "officer", M.Where(unit_id=1))
        assert _figures(frame, "key", "caseload", "due", "overdue") == expected
        for officer, (_n, due, late) in expected.items():
            by_kind = M.overdue_breakdown(conn, scope, day, "kind", M.Where(officer_id=officer))
            assert (int(by_kind.due.sum()), int(by_kind.overdue.sum())) == (due, late)
        # The needs-attention list of the unit.
        actions = A.officer_actions(conn, scope, day, M.Where(unit_id=1))
        assert _figures(actions, "key", "caseload", "due", "overdue") == expected


@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_the_month_end_stock_agrees_with_the_definition(engine_small, day):
    """30 Jun and 31 Dec are stock days: the milestones page's reader (the officer stock)
    answers there, and says what the definition says."""
    with engine_small.connect() as conn:
        read = M.due_and_overdue(conn, NATION, day, "officer", M.Where(unit_id=1))
        defined = M.due_and_overdue.definition(conn, NATION, day, "officer",
                                               M.Where(unit_id=1))
    assert (_figures(read, "key", "caseload", "due", "overdue")
            == _figures(defined, "key", "caseload", "due", "overdue")
            == {o: (n, due, late) for o, (n, due, late, _) in EXPECTED[day].items()})


def test_events_count_for_the_officer_of_their_day(engine_small):
    """A registration for the officer on its first day, a closure for the one on the
    case's last day on the register, a new offence for the one on its day: 2025 up to the
    hand-over, officer 1 registered cases 2 and 3; officer 2 closed case 5 (revoked, its
    last day 28 Feb) and, the year before, had case 5's new offence of 10 May 2024."""
    f = Filters.from_query("?period=custom&from=2025-01-01&to=2025-06-30",
                           fixture_small.DATA_UNTIL)
    with engine_small.connect() as conn:
        table = drill.officers_table(conn, NATION, f.within(unit_id=1))
        one = kpis.headline(conn, NATION, f.within(officer_id=1))
        two = kpis.headline(conn, NATION, f.within(officer_id=2))
    rows = {int(r.key): (int(r.registered), int(r.closed), int(r.repeat_offences_year_before))
            for r in table.itertuples()}
    assert rows == {1: (2, 0, 0), 2: (0, 1, 1)}
    assert (one.registered, one.closed, one.repeat_offences_year_before) == (2, 0, 0)
    assert (two.registered, two.closed, two.repeat_offences_year_before) == (0, 1, 1)


def test_the_officer_page_before_the_hand_over_lists_case_4(engine_small):
    ctx = Context(engine=engine_small, scope=NATION, lang="en",
                  settings=Settings(database_url="sqlite://", small_sample_min=3))
    before = text_of(views.officer(ctx, "2", "?period=month&to=2025-06-30&asof=2025-06-30",
                                   print))
    after = text_of(views.officer(ctx, "2", "?period=month&to=2025-12-31", print))
    assert "P-0000004" in before and "P-0000004" not in after


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_pages_say_the_rule(engine_small, lang):
    """The officer page, the unit page and both milestones pages that count per officer
    say the rule for the day in view; the needs-attention page's "How it is counted"
    says the same."""
    from callbacks import attention
    from callbacks import milestones as milestones_views
    from dashboard.i18n import t
    from layouts.formatting import day

    ctx = Context(engine=engine_small, scope=YESIL_HEAD, lang=lang,
                  settings=Settings(database_url="sqlite://", small_sample_min=3))
    search = "?period=month&to=2025-06-30&asof=2025-06-30"
    rule = t("shell.officer_rule", lang, date=day(BEFORE, lang))
    for page in (views.officer(ctx, "2", search, print), views.unit(ctx, "1", search, print),
                 milestones_views.page(ctx, search),
                 milestones_views.officer_page(ctx, "2", search, print)):
        assert rule in text_of(page)
    method = t("attention.method_text", lang, date=day(BEFORE, lang))
    assert method in text_of(attention.page(ctx, search, print))
    assert {"en": "assignment history", "ru": "истории закрепления",
            "kk": "бекіту тарихы"}[lang] in method


@pytest.mark.parametrize("day", [BEFORE, HANDOVER, AFTER])
def test_the_caseload_split_of_a_unit_by_officer_follows_the_rule(engine_small, day):
    """The caseload page of a unit (its head's) splits the cases on the register by the
    officer who held them that day: case 4 is officer 2's on 30 Jun, officer 1's after."""
    from queries import caseload

    with engine_small.connect() as conn:
        frame = caseload.by_place_and_type(conn, YESIL_HEAD, _filters(day), "officer")
    held = frame[frame.key.notna()].groupby("key")["cases"].sum()
    assert {int(k): int(n) for k, n in held.items()} == \
        {officer: figures[0] for officer, figures in EXPECTED[day].items()}


def test_the_outcomes_split_of_a_unit_by_officer_follows_the_rule(engine_small):
    """The outcomes page of a unit splits by officer on each event's day: a new offence
    on case 4 on 20 May 2025 (added here) is officer 2's, who held it then; case 5's
    revocation (last day 28 Feb 2025) is officer 2's; the people on the register in a
    period count for every officer who held their case in it, case 4 for officer 2 in
    the first half of 2025 (the old rule gave case 4 and its offence to officer 1).

        2025 H1  officer 1  people 3 (cases 1, 2, 3)  offences 0  closed 0
                 officer 2  people 2 (cases 4, 5)     offences 1  closed 1 (revoked)
        2024 H1  officer 1  people 1 (case 1)         offences 0  closed 0
                 officer 2  people 1 (case 5)         offences 1 (10 May)  closed 0
    """
    from dashboard.metrics import Period
    from queries import outcomes as O

    with engine_small.begin() as conn:
        conn.execute(insert(schema.violations), [
            {"id": 7, "case_id": 4, "occurred_on": date(2025, 5, 20), "kind": "new_offence",
             "submitted_to_court_on": None, "court_decision": None, "decided_on": None}])
    periods = [Period(date(2025, 1, 1), date(2025, 6, 30)),
               Period(date(2024, 1, 1), date(2024, 6, 30))]
    with engine_small.connect() as conn:
        offences, closures = O.period_counts(conn, YESIL_HEAD, periods, by="officer")

    def rows(frame, *columns):
        return {(str(r.period_start), int(r.key)): tuple(int(getattr(r, c)) for c in columns)
                for r in frame.itertuples() if r.key == r.key and r.key is not None}

    assert rows(offences, "on_register", "repeat_offences") == {
        ("2025-01-01", 1): (3, 0), ("2025-01-01", 2): (2, 1),
        ("2024-01-01", 1): (1, 0), ("2024-01-01", 2): (1, 1)}
    closed = {k: v for k, v in rows(closures, "closed", "revoked").items() if any(v)}
    assert closed == {("2025-01-01", 2): (1, 1)}
