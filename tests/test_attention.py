"""Needs attention (/attention): the measure on the hand-counted fixture, on SQLite and
PostgreSQL; its totals against the milestones page's for the same place and day; the page
and its exports called as plain functions; the layout's pure pieces.

tests/fixture_small.py on 31 Dec 2025 (the data's last day, the default as-of day).
Cases on the register: 1, 2, 4 (officer 1; case 4 was officer 2's until 1 Jul 2025),
6 (officer 3), 9, 11, 12 (officer 4); case 8 closed that day. Its milestones:

    officer 1  due: m1 (done on time), m2 (open), m3 (program, done late), m10 (open)
               overdue: m2, m10      due in 14 days: m4 (due on the day itself)
               programs drafted: case 2 (m3) -> cases 1 and 4 have none
    officer 3  due: m6 (pre-trial report, open) -> overdue 1; case 6 has no program
    officer 4  due: m7 (open), m9 (done on the day: not overdue) -> overdue: m7
               due in 14 days: m8 (10 Jan 2026); cases 9, 11, 12 have no program

Capacity (default weights, 110 points for 40 hours): officer 1 holds cases 1, 4
(sentence, conditionally sentenced, medium: 7 each) and 2 (restriction of freedom,
medium: 8) = 22 points, 20 %; officer 3 holds case 6 (pre-trial, 8) and its report in
hand (5) = 13 points, 11.8 %; officer 4 holds 9 and 12 (7 each) and 11 (penitentiary, 6)
= 20 points, 18.2 %. Officer 2 left on 1 Jul 2025: in post nowhere, holds nothing.
"""

from __future__ import annotations

import base64
import io
from datetime import date

import pandas as pd
import pytest

from callbacks import attention as views
from callbacks.context import Context
from dashboard.config import Settings
from dashboard.scope import Scope
from layouts import attention as L
from layouts.export import without_formulas
from queries import attention as A
from queries import milestones as M
from tests.helpers import text_of

DAY = date(2025, 12, 31)
NATION = Scope.nation("minister")
ASTANA_HEAD = Scope("region_head", region_code="KZ-71", username="head71")
YESIL_HEAD = Scope("unit_head", unit_id=1, username="head-yesil")


@pytest.fixture
def small_conn(small_versioned):
    with small_versioned.connect() as conn:
        yield conn


@pytest.fixture
def make_ctx(small_versioned):
    def make(scope=ASTANA_HEAD, lang="en"):
        return Context(engine=small_versioned, scope=scope, lang=lang,
                       settings=Settings(database_url="sqlite://", small_sample_min=3))
    return make


def _by_officer(frame: pd.DataFrame) -> dict:
    return {k: tuple(int(v) for v in row) for k, *row in frame.itertuples(index=False)}


# --- the measure --------------------------------------------------------------------------

def test_officer_actions_counted_by_hand(small_conn):
    frame = A.officer_actions.uncached(small_conn, NATION, DAY)
    assert list(frame.columns) == A.ACTION_COLUMNS
    # key: caseload, due, overdue, due_soon, without_program
    assert _by_officer(frame) == {1: (3, 4, 2, 1, 2), 3: (1, 1, 1, 0, 1), 4: (3, 2, 1, 1, 3)}


def test_officer_actions_within_a_region_and_a_unit(small_conn):
    astana = A.officer_actions.uncached(small_conn, NATION, DAY, M.Where(region="KZ-71"))
    assert _by_officer(astana) == {1: (3, 4, 2, 1, 2), 3: (1, 1, 1, 0, 1)}
    saryarka = A.officer_actions.uncached(small_conn, ASTANA_HEAD, DAY, M.Where(unit_id=2))
    assert _by_officer(saryarka) == {3: (1, 1, 1, 0, 1)}
    # Medeu is outside a region head of Astana's scope: nothing, whatever is asked.
    assert A.officer_actions.uncached(small_conn, ASTANA_HEAD, DAY,
                                      M.Where(unit_id=3)).empty


def test_officer_attribution_follows_the_assignment_history(small_conn):
    # On 30 Jun 2025 case 4 was still officer 2's (its check-in, due 1 Oct, not yet due);
    # officer 1 held cases 1, 2 and 3 (m1 and m3 due and done; no program for 1 and 3).
    frame = A.officer_actions.uncached(small_conn, NATION, date(2025, 6, 30),
                                       M.Where(unit_id=1))
    assert _by_officer(frame) == {1: (3, 2, 0, 0, 2), 2: (1, 0, 0, 0, 1)}


def test_a_case_nobody_holds_is_a_row_of_its_own(small_versioned):
    from sqlalchemy import delete

    from dashboard.schema import case_assignments
    from service.readmodel import refresh
    with small_versioned.begin() as conn:
        conn.execute(delete(case_assignments).where(case_assignments.c.case_id == 9))
        refresh(conn)  # as the import that brought the change would
    with small_versioned.connect() as conn:
        frame = A.officer_actions.uncached(conn, NATION, DAY, M.Where(unit_id=3))
    assert _by_officer(frame) == {None: (1, 1, 1, 1, 1), 4: (2, 1, 0, 0, 2)}


# --- the same numbers as the milestones page ---------------------------------------------

def _milestones_page_figures(conn, scope, where):
    """The milestones page's headline: due, overdue (by kind, summed) and due soon."""
    by_kind = M.overdue_breakdown.uncached(conn, scope, DAY, "kind", where)
    soon = M.due_soon.uncached(conn, scope, DAY, where)
    return int(by_kind.due.sum()), int(by_kind.overdue.sum()), int(soon.due.sum())


@pytest.mark.parametrize("scope, where", [
    (NATION, M.Where()), (NATION, M.Where(region="KZ-75")), (ASTANA_HEAD, M.Where()),
    (ASTANA_HEAD, M.Where(unit_id=1)), (YESIL_HEAD, M.Where()),
    (NATION, M.Where(probation_type="sentence")),
])
def test_totals_reconcile_with_the_milestones_page(small_conn, scope, where):
    actions = A.officer_actions.uncached(small_conn, scope, DAY, where)
    totals = (int(actions.due.sum()), int(actions.overdue.sum()), int(actions.due_soon.sum()))
    assert totals == _milestones_page_figures(small_conn, scope, where)
    # Officer by officer, as the milestones page's table by officer.
    table = M.due_and_overdue.definition(small_conn, scope, DAY, "officer", where)
    assert (_by_officer(actions[["key", "caseload", "due", "overdue"]])
            == _by_officer(table[["key", "caseload", "due", "overdue"]]))


def test_totals_reconcile_on_a_generated_dataset(generated):
    engine = generated(0.02, 5)  # the equivalence runs' dataset (loaded once per run)
    with engine.connect() as conn:
        from queries.common import data_period

        _, until = data_period(conn)
        region = conn.exec_driver_sql("SELECT MIN(region_code) FROM units").scalar_one()
        for day in (until, date(until.year - 1, 6, 15)):
            for where in (M.Where(), M.Where(region=region)):
                actions = A.officer_actions.uncached(conn, NATION, day, where)
                by_kind = M.overdue_breakdown(conn, NATION, day, "kind", where)
                soon = M.due_soon(conn, NATION, day, where)
                assert int(actions.overdue.sum()) == int(by_kind.overdue.sum())
                assert int(actions.due.sum()) == int(by_kind.due.sum())
                assert int(actions.due_soon.sum()) == int(soon.due.sum())
                table = M.due_and_overdue(conn, NATION, day, "officer", where)
                assert (_by_officer(actions[["key", "caseload", "due", "overdue"]])
                        == _by_officer(table[["key", "caseload", "due", "overdue"]]))


# --- the page ------------------------------------------------------------------------------

def test_ranked_officers_of_a_region(make_ctx):
    ctx = make_ctx()
    with ctx.engine.connect() as conn:
        f = views.parse_filters(conn, ctx, "")
        frame = views.officers(ctx, conn, f, M.Where(region="KZ-71"))
    assert frame.code.tolist() == ["S-0001", "S-0003"]
    first = frame.iloc[0]
    assert (first.overdue, first.due, first.due_soon, first.without_program) == (2, 4, 1, 2)
    assert first.overdue_share == pytest.approx(0.5)
    assert first.capacity_pct == pytest.approx(20.0)
    assert frame.iloc[1].capacity_pct == pytest.approx(13 / 110 * 100)
    assert frame.unit.tolist() == ["Yesil District", "Saryarka District"]


def test_region_head_page_names_the_region_and_links_each_officer(make_ctx):
    text = text_of(views.page(make_ctx(), "", lambda *_: None))
    assert "Officers of Astana" in text
    assert "[S-0001](/officer/1?period=year&to=2025-12-31)" in text
    assert "[Worklist](/milestones/officer/1?period=year&to=2025-12-31)" in text
    assert "[Yesil District](/attention?period=year&to=2025-12-31&unit=1)" in text
    assert "S-0004" not in text and "Medeu" not in text


def test_a_list_longer_than_the_grid_holds_shows_the_first_and_says_so(make_ctx,
                                                                         monkeypatch):
    monkeypatch.setattr(L, "MOST_ROWS", 1)
    page = views.page(make_ctx(), "", lambda *_: None)
    text = text_of(page)
    # Astana's two officers, ranked S-0001 then S-0003: the grid holds the first ...
    assert "[S-0001](/officer/1?" in text and "S-0003" not in text
    assert "2 in all; the first 1 in this order are shown." in text
    # ... the totals count both (3 overdue: 2 and 1), and so does the download.
    assert "In all: 3 overdue milestones" in text
    lines = views.export(make_ctx(), "", "csv")["content"].splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["S-0001", "S-0003"]


def test_a_list_the_grid_holds_whole_says_nothing_of_a_cut(make_ctx):
    text = text_of(views.page(make_ctx(), "", lambda *_: None))
    assert "attention-cut" not in text and "in all;" not in text


def test_unit_head_sees_their_unit_without_a_unit_column(make_ctx):
    page = views.page(make_ctx(YESIL_HEAD), "", lambda *_: None)
    text = text_of(page)
    assert "Officers of Yesil District" in text
    assert "S-0001" in text and "S-0003" not in text
    assert '"field": "unit_link"' not in text


def test_ministry_with_a_region_or_a_unit(make_ctx):
    ctx = make_ctx(NATION)
    assert "Officers of Almaty" in text_of(views.page(ctx, "?region=KZ-75", lambda *_: None))
    text = text_of(views.page(ctx, "?unit=2", lambda *_: None))
    assert "Officers of Saryarka District" in text and "S-0003" in text


def test_ministry_with_nothing_picked_is_asked_for_a_region(make_ctx):
    text = text_of(views.page(make_ctx(NATION), "", lambda *_: None))
    assert "pick a region" in text
    assert "/attention?period=year&to=2025-12-31&region=KZ-75" in text
    assert "S-0001" not in text


@pytest.mark.parametrize("search", ["?unit=3", "?unit=3&region=KZ-71"])
def test_a_unit_outside_the_scope_is_not_permitted(make_ctx, search):
    refused = []
    text = text_of(views.page(make_ctx(), search, lambda *a: refused.append(a)))
    assert "message-not-permitted" in text
    assert "Medeu" not in text and "S-0004" not in text
    assert refused == [("unit", "3")]


def test_a_region_outside_the_scope_falls_back_to_the_users_own(make_ctx):
    text = text_of(views.page(make_ctx(), "?region=KZ-75", lambda *_: None))
    assert "Officers of Astana" in text and "Medeu" not in text
    assert "filter-notice" in text


def test_an_unknown_unit_is_not_found(make_ctx):
    text = text_of(views.page(make_ctx(NATION), "?unit=999", lambda *_: None))
    assert "message-not-found" in text


@pytest.mark.parametrize("lang, title, share", [("kk", "Астана: инспекторлар", "20,0%"),
                                                ("ru", "Астана: инспекторы", "20,0\u00a0%")])
def test_the_page_in_kazakh_and_russian(make_ctx, lang, title, share):
    text = text_of(views.page(make_ctx(lang=lang), "", lambda *_: None))
    assert title in text
    assert share in text  # officer 1's capacity, in CLDR's percent pattern (kk: #,##0%)


# --- exports -------------------------------------------------------------------------------

def test_csv_export_of_a_region(make_ctx):
    out = views.export(make_ctx(), "", "csv")
    assert out["filename"] == "needs_attention_KZ-71_2025-12-31.csv"
    lines = out["content"].lstrip("\ufeff").splitlines()
    assert lines[0] == ("Officer,Unit,Overdue milestones,\"Overdue share, %\","
                        "Due in the next 14 days,Open cases without a program,"
                        "\"Capacity, %\",Cases on the register,Milestones due")
    assert lines[1:] == ["S-0001,Yesil District,2,50.0,1,2,20.0,3,4",
                         "S-0003,Saryarka District,1,100.0,0,1,11.8,1,1"]


def test_xlsx_export_of_a_unit(make_ctx):
    out = views.export(make_ctx(NATION, lang="ru"), "?unit=3", "xlsx")
    assert out["filename"].endswith(".xlsx") and out["base64"]
    sheet = pd.read_excel(io.BytesIO(base64.b64decode(out["content"])))
    assert sheet.columns[0] == "Инспектор"
    assert sheet.iloc[0].tolist()[:3] == ["S-0004", 1, 50.0]


def test_no_export_without_a_place_or_outside_the_scope(make_ctx):
    from dashboard.scope import NotPermitted

    assert views.export(make_ctx(NATION), "", "csv") is None
    with pytest.raises(NotPermitted):
        views.export(make_ctx(), "?unit=3", "csv")


def test_exports_never_carry_a_live_formula():
    frame = pd.DataFrame({"=name": ["=1+1", "+7", "-x", "@SUM(A1)", "ok", None],
                          "n": [-1, 2, 3, 4, 5, 6]})
    out = without_formulas(frame)
    assert out.columns.tolist() == ["'=name", "n"]
    assert out["'=name"].tolist()[:5] == ["'=1+1", "'+7", "'-x", "'@SUM(A1)", "ok"]
    assert pd.isna(out["'=name"].iloc[5])
    assert out.n.tolist() == [-1, 2, 3, 4, 5, 6]


# --- the layout's pieces -------------------------------------------------------------------

def test_rows_keep_numbers_for_sorting_and_text_for_reading():
    frame = pd.DataFrame([
        {"officer_id": 7, "code": "S-7", "unit_id": 1, "unit": "U", "in_post": False,
         "caseload": 1200, "due": 10, "overdue": 3, "overdue_share": 0.3, "due_soon": 0,
         "without_program": 1, "capacity_pct": float("nan")},
        {"officer_id": None, "code": None, "unit_id": None, "unit": None, "in_post": False,
         "caseload": 1, "due": 0, "overdue": 0, "overdue_share": float("nan"), "due_soon": 0,
         "without_program": 1, "capacity_pct": float("nan")}])
    rows = L.rows(frame, "ru", lambda o: f"/o/{o}", lambda o: f"/w/{o}", None)
    assert rows[0]["officer_link"] == "[S-7 (не в должности)](/o/7)"
    assert (rows[0]["caseload"], rows[0]["caseload_text"]) == (1200, "1\u00a0200")
    assert (rows[0]["overdue_share"], rows[0]["overdue_share_text"]) == (30.0, "30,0\u00a0%")
    assert (rows[0]["capacity"], rows[0]["capacity_text"]) == (None, "—")
    assert rows[1]["officer_link"] == "Дела без инспектора" and rows[1]["worklist"] == ""


def test_every_column_of_the_grid_sorts_and_filters():
    grid = L.grid([], "kk", with_unit=True)
    defaults = grid.defaultColDef
    assert defaults["sortable"] and defaults["filter"]
    assert all(c.get("sortable", True) and c.get("filter", True) for c in grid.columnDefs)
    assert len(grid.columnDefs) == 10


def test_the_filter_bar_keeps_the_unit_while_the_region_stays():
    from callbacks.views import query_from_controls

    controls = ("year", "", "2025-12-31", "", "all", "all")
    assert query_from_controls(*controls, "KZ-71", "?region=KZ-71&unit=1") == (
        "?period=year&to=2025-12-31&region=KZ-71&unit=1")
    assert query_from_controls(*controls, "all", "?unit=1") == (
        "?period=year&to=2025-12-31&unit=1")
    assert query_from_controls(*controls, "KZ-75", "?region=KZ-71&unit=1") == (
        "?period=year&to=2025-12-31&region=KZ-75")
