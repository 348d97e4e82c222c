"""The cache of the Milestones, Staff and Outcomes queries (issue 9 applied to issues 5-7):
a result cached for one scope never answers for another, and every argument that changes
the answer is part of the key. On the hand-counted fixtures of each view's query tests,
both backends; the expected numbers are theirs."""

from __future__ import annotations

from dashboard import cache
from dashboard.metrics import Period
from dashboard.scope import Scope
from queries import milestones as M
from queries import outcomes as O
from queries import staff as S
from tests.fixture_milestones import AS_OF as MILESTONES_DAY
from tests.fixture_outcomes import Y2015, rows
from tests.fixture_staff import ALMATY, ASTANA, MEDEU
from tests.fixture_staff import AS_OF as STAFF_DAY

NATION = Scope.nation()


def test_outcomes_cached_for_one_scope_never_serve_another(outcomes_db, cached_request):  # noqa: E501
    expected = [(Scope("region_head", region_code="KZ-71"), [(0, 2)]),
                (Scope("unit_head", unit_id=2), [(2, 2)]),
                (Scope("admin"), [(0, 0)])]
    with outcomes_db.connect() as conn:
        national = O.repeat_offences(conn, NATION, [Y2015])  # cached first
        for scope, counts in expected:
            frame = O.repeat_offences(conn, scope, [Y2015])
            assert rows(frame, "repeat_offences", "on_register") == counts
            assert O.repeat_offences(conn, scope, [Y2015]).equals(frame)  # a hit, same answer
        assert O.repeat_offences(conn, NATION, [Y2015]).equals(national)
        # The narrowing and the periods are in the key.
        astana = O.repeat_offences(conn, NATION, [Y2015], narrowing=O.Narrowing.of(
            region="KZ-71"))
        assert rows(astana, "repeat_offences", "on_register") == [(0, 2)]
        y2014 = Period(Y2015.start.replace(year=2014), Y2015.end.replace(year=2014))
        assert O.repeat_offences(conn, NATION, [y2014]).equals(
            O.repeat_offences.uncached(conn, NATION, [y2014]))
        for level in O.OUTLIER_LEVELS:
            unit2 = O.outlier_counts(conn, Scope("unit_head", unit_id=2), [Y2015], level)
            assert unit2.equals(O.outlier_counts.uncached(conn, Scope("unit_head", unit_id=2),
                                                          [Y2015], level))
            assert not unit2.equals(O.outlier_counts(conn, NATION, [Y2015], level))
        escalation_71 = O.escalation(conn, Scope("region_head", region_code="KZ-71"), [Y2015])
        assert escalation_71 == O.escalation.uncached(
            conn, Scope("region_head", region_code="KZ-71"), [Y2015])
        assert escalation_71 != O.escalation(conn, NATION, [Y2015])


def test_the_officers_outlier_counts_are_not_kept(outcomes_db, cached_request):
    """The units' outlier counts go into the cache; the officers' (121,000 rows, 5.3 MB
    nationally at scale 10) are counted from the pool each time instead."""
    def kept() -> list[str]:  # the keys in the SimpleCache behind flask-caching
        return [k for k in cache.cache.cache._cache if ":outcomes.outlier_counts:" in k]

    with outcomes_db.connect() as conn:
        officers = O.outlier_counts(conn, NATION, [Y2015], "officer")
        assert len(officers) and kept() == []
        units = O.outlier_counts(conn, NATION, [Y2015], "unit")
        assert len(units) and len(kept()) == 1
        assert O.outlier_counts(conn, NATION, [Y2015], "officer").equals(officers)


def test_milestones_cached_for_one_scope_never_serve_another(milestones_conn, cached_request):
    conn = milestones_conn
    national, _ = M.timeliness(conn, NATION, MILESTONES_DAY, "unit")
    assert len(national) > 1
    frame, _ = M.timeliness(conn, Scope("unit_head", unit_id=2), MILESTONES_DAY, "unit")
    assert frame.key.tolist() == [2]
    frame, _ = M.timeliness(conn, Scope("admin"), MILESTONES_DAY, "unit")
    assert frame.empty
    almaty = Scope("region_head", region_code="KZ-75")
    for query in (lambda s, **k: M.overdue_breakdown(conn, s, MILESTONES_DAY, "kind", **k),
                  lambda s, **k: M.aging(conn, s, MILESTONES_DAY, **k),
                  lambda s, **k: M.overdue_at_month_ends(conn, s, MILESTONES_DAY, 12, **k)):
        whole = query(NATION)
        region = query(almaty)
        assert not region.equals(whole)
        assert region.equals(query(almaty))
    nation_rows = M.worklist(conn, NATION, MILESTONES_DAY)
    almaty_rows = M.worklist(conn, almaty, MILESTONES_DAY)
    assert set(almaty_rows.rows.unit_id) == {3}
    assert almaty_rows.total < nation_rows.total
    # The narrowing (Where) is in the key.
    unit3 = M.worklist(conn, NATION, MILESTONES_DAY, M.Where(unit_id=3))
    assert unit3.total == almaty_rows.total


def test_staff_cached_for_one_scope_never_serve_another(staff, cached_request):
    with staff.connect() as conn:
        national = S.posts_by_unit(conn, NATION, STAFF_DAY)
        answers = {}
        for scope in (ASTANA, ALMATY, MEDEU, Scope("admin")):
            answers[scope] = S.posts_by_unit(conn, scope, STAFF_DAY)
            assert answers[scope].equals(S.posts_by_unit.uncached(conn, scope, STAFF_DAY))
            assert not answers[scope].equals(national)
        assert answers[Scope("admin")].empty
        for scope in (ASTANA, ALMATY, MEDEU):
            officers = S.officers_in_post(conn, scope, STAFF_DAY)
            assert officers.equals(S.officers_in_post.uncached(conn, scope, STAFF_DAY))
            items = S.work_items_by_officer(conn, scope, STAFF_DAY)
            assert items.equals(S.work_items_by_officer.uncached(conn, scope, STAFF_DAY))
        assert not S.officers_in_post(conn, ASTANA, STAFF_DAY).equals(
            S.officers_in_post(conn, ALMATY, STAFF_DAY))


def test_the_what_if_is_cached_per_scope_and_growth(staff, cached_request):
    from callbacks import staff as C
    from dashboard.workload import CapacityParams

    params = CapacityParams()
    with staff.connect() as conn:
        rows = tuple(S.workload_weights_table(conn).itertuples(index=False, name=None))

        def what_if(scope, growth, cached=True):
            fn = C._redistributed if cached else C._redistributed.uncached
            return fn(conn, scope, STAFF_DAY, "nation" if scope.role == "ministry" else
                      "region", scope.region_code, growth, params, rows)

        flat = what_if(NATION, ())
        grown = what_if(NATION, (("sentence", 2.0),))
        # The growth is in the key: a hit for one growth never answers for another.
        assert grown.places.points.sum() > flat.places.points.sum()
        assert what_if(NATION, ()).places.equals(flat.places)
        for scope in (ASTANA, ALMATY):
            mine = what_if(scope, ())
            assert mine.places.equals(what_if(scope, (), cached=False).places)
            assert not mine.places.equals(flat.places)
