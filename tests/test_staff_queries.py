"""Staff queries on a fixture small enough to count by hand, on SQLite and PostgreSQL
(tests/fixture_staff.py, the `staff` fixture of conftest.py).

Two regions, three units, seven posts, seven officers, eleven cases; the day is
AS_OF = 30 Jun 2025. Weights (replacing the seeded defaults):
  sentence 4 points until 1 Jan 2025, 5 from then; sentence high tier 10;
  restriction of freedom 6; post-penitentiary 7; pre-trial 8; a pre-trial report 3;
  penitentiary: none (counts as a case, 0 points).
"""

from datetime import date as d

from dashboard import workload as W
from dashboard.redistribution import redistribute
from dashboard.scope import Scope
from queries import staff as Q
from tests.fixture_staff import ALMATY, AS_OF, ASTANA, MEDEU, NATION, PARAMS, rows


def test_posts_by_unit_split_by_source(staff):
    with staff.connect() as conn:
        df = Q.posts_by_unit(conn, NATION, AS_OF)
    assert rows(df, ["unit_id", "source", "transfer_year", "authorised", "filled", "vacant"]) == [
        (1, "establishment_2012", None, 1, 1, 0),
        (1, "penal_transfer", 2015, 1, 1, 0),
        (1, "penal_transfer", 2017, 1, 0, 1),  # officer 3 left on 1 Jan 2025
        (2, "establishment_2012", None, 1, 1, 0),  # post 5 abolished in 2016
        (3, "establishment_2012", None, 1, 1, 0),
        (3, "penal_transfer", 2017, 1, 1, 0),
    ]


def test_posts_within_scope_only(staff):
    with staff.connect() as conn:
        assert Q.posts_by_unit(conn, ASTANA, AS_OF)["unit_id"].unique().tolist() == [1, 2]
        assert Q.posts_by_unit(conn, MEDEU, AS_OF)["authorised"].sum() == 2
        # a region head asking for another region gets nothing
        assert Q.posts_by_unit(conn, ALMATY, AS_OF, region="KZ-71").empty
        assert Q.posts_by_unit(conn, Scope("admin"), AS_OF).empty


def test_headcount_timeline(staff):
    days = [d(2014, 1, 1), d(2016, 1, 1), d(2018, 1, 1), AS_OF]
    with staff.connect() as conn:
        df = Q.headcount_timeline(conn, NATION, days)
        almaty = Q.headcount_timeline(conn, ALMATY, days)
    assert rows(df, ["day", "source", "transfer_year", "authorised", "filled"]) == [
        (d(2014, 1, 1), "establishment_2012", None, 4, 4),
        (d(2016, 1, 1), "establishment_2012", None, 3, 3),  # post 5 gone on 1 Jan 2016
        (d(2016, 1, 1), "penal_transfer", 2015, 1, 1),
        (d(2018, 1, 1), "establishment_2012", None, 3, 3),
        (d(2018, 1, 1), "penal_transfer", 2015, 1, 1),
        (d(2018, 1, 1), "penal_transfer", 2017, 2, 2),
        (AS_OF, "establishment_2012", None, 3, 3),
        (AS_OF, "penal_transfer", 2015, 1, 1),
        (AS_OF, "penal_transfer", 2017, 2, 1),
    ]
    assert rows(almaty, ["day", "authorised"]) == [
        (d(2014, 1, 1), 1), (d(2016, 1, 1), 1), (d(2018, 1, 1), 1), (d(2018, 1, 1), 1),
        (AS_OF, 1), (AS_OF, 1)]


def officer_table(conn, scope=NATION, day=AS_OF):
    officers = Q.officers_in_post(conn, scope, day)
    items = Q.work_items_by_officer(conn, scope, day)
    weights = Q.workload_weights_table(conn)
    return W.officer_capacity(officers, items, weights, day, PARAMS).set_index("officer_id")


def test_officer_load_and_capacity(staff):
    with staff.connect() as conn:
        df = officer_table(conn)
    # officer 1: case 1 (5) + case 2 (high, 10) + case 5 (5, taken over from officer 3)
    # officer 2: case 3 (restriction, 6) + case 4 (pre-trial, 8) + its report (3)
    # officer 4: case 7 (post-penitentiary, 7) + case 8 (8; report already handed in)
    # officer 6: case 10, penitentiary, no weight: 0
    # officer 7: case 11 (8) + its report (3); case 9 is registered after AS_OF
    # available = 20 x hours/40 x (1 - 0.5 for a head)
    df["capacity_pct"] = df["capacity_pct"].round(6)
    assert rows(df.reset_index(), ["officer_id", "cases", "pre_trial_reports", "points",
                                   "available", "capacity_pct", "overloaded"]) == [
        (1, 3, 0, 20.0, 10.0, 200.0, True),
        (2, 2, 1, 17.0, 10.0, 170.0, True),  # 20 hours
        (4, 2, 0, 15.0, 10.0, 150.0, True),
        (6, 1, 0, 0.0, 10.0, 0.0, False),
        (7, 1, 1, 11.0, 20.0, 55.0, False),
    ]


def test_weights_take_effect_on_their_dates(staff):
    with staff.connect() as conn:
        before = officer_table(conn, day=d(2024, 12, 31))
    # the day before the new version: sentence 4, and officer 3 still holds case 5
    assert before.loc[1, "points"] == 4 + 10 + 4  # cases 1, 2 (high, 10) and 6 (still open)
    assert before.loc[3, "points"] == 4  # case 5 (medium, 4)


def test_the_migration_seeds_the_documented_default_weights(engine):
    with engine.connect() as conn:
        seeded = Q.workload_weights_table(conn)
    assert seeded.to_dict("records") == [
        {k: (None if v is None else v) for k, v in w.items()} for w in W.DEFAULT_WEIGHTS]


def unit_points(conn, scope=NATION, growth=None):
    items = W.weigh(Q.work_items_by_unit(conn, scope, AS_OF), Q.workload_weights_table(conn),
                    AS_OF, growth)
    return items.groupby(["region_code", "unit_id"])["points"].sum()


def test_unit_load_counts_every_case_of_the_unit(staff):
    with staff.connect() as conn:
        points = unit_points(conn)
    # unit 1: 5 + 10 + 6 + 8 + 3 + 5 = 37; unit 2: 7 + 8 = 15; unit 3: 0 + 8 + 3 = 11
    assert points.to_dict() == {("KZ-71", 1): 37, ("KZ-71", 2): 15, ("KZ-75", 3): 11}


def region_redistribution(conn, growth=None):
    points = unit_points(conn, growth=growth).groupby("region_code").sum()
    posts = Q.posts_by_unit(conn, NATION, AS_OF)
    per_region = posts.groupby("region_code")["authorised"].sum()
    units = posts.groupby("region_code")["unit_id"].nunique()
    return redistribute(points.to_dict(), per_region.to_dict(), PARAMS,
                        minimum=units.to_dict())


def test_redistribution_across_regions(staff):
    with staff.connect() as conn:
        r = region_redistribution(conn)
    # 6 posts, points 52 : 11 -> quotas 4.95 and 1.05 -> 4 + 1, the spare post to Astana
    assert rows(r.places, ["place", "points", "posts", "recommended", "change"]) == [
        ("KZ-71", 52.0, 4, 5, 1), ("KZ-75", 11.0, 2, 1, -1)]
    assert [(m.source, m.target, m.posts) for m in r.moves] == [("KZ-75", "KZ-71", 1)]
    # capacity = points / (posts x 20): 65 % and 27.5 % before, 52 % and 55 % after
    assert r.places["capacity_before"].round(6).tolist() == [65.0, 27.5]
    assert r.places["capacity_after"].round(6).tolist() == [52.0, 55.0]


def test_what_if_pre_trial_growth_changes_the_moves(staff):
    with staff.connect() as conn:
        r = region_redistribution(conn, growth={"pre_trial": 2.0})
    # pre-trial points x3: Astana 52 + 2 x 19 = 90, Almaty 11 + 2 x 11 = 33
    # quotas 4.39 and 1.61 -> 4 and 2: the current allocation, no move
    assert r.places["points"].tolist() == [90.0, 33.0]
    assert r.places["recommended"].tolist() == [4, 2]
    assert r.moves == []


def test_a_region_head_redistributes_within_the_region(staff):
    with staff.connect() as conn:
        points = unit_points(conn, ASTANA).droplevel("region_code")
        posts = Q.posts_by_unit(conn, ASTANA, AS_OF).groupby("unit_id")["authorised"].sum()
    r = redistribute(points.to_dict(), posts.to_dict(), PARAMS, minimum=1)
    # 4 posts, 37 : 15 -> quotas 2.85 and 1.15 -> 3 and 1, as now
    assert r.places["recommended"].tolist() == [3, 1]
    assert r.moves == []


def test_the_cases_behind_an_officers_load(staff):
    with staff.connect() as conn:
        mine = Q.officer_cases(conn, NATION, AS_OF, 2)
        theirs = Q.officer_cases(conn, ALMATY, AS_OF, 1)
        first = Q.officer_cases(conn, NATION, AS_OF, 1)
    assert rows(mine, ["case_id", "probation_type", "pre_trial_report_in_hand"]) == [
        (3, "sentence", False), (4, "pre_trial", True)]
    assert first["case_id"].tolist() == [1, 2, 5]
    assert theirs.empty  # officer 1 works in Astana
