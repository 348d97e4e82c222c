"""The synthetic national dataset: deterministic, coherent, calibrated."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from queries.national import year_summary
from service import demo, load

UNTIL = date(2026, 11, 24)


@pytest.fixture(scope="module")
def small() -> demo.Dataset:
    return demo.generate(scale=0.05, seed=11, until=UNTIL)


def days(series: pd.Series) -> np.ndarray:
    return series.to_numpy().astype("datetime64[D]")


def test_same_seed_same_dataset():
    a = demo.generate(scale=0.01, seed=3, until=UNTIL)
    b = demo.generate(scale=0.01, seed=3, until=UNTIL)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], obj=name)
    c = demo.generate(scale=0.01, seed=4, until=UNTIL)
    assert not a.tables["cases"].equals(c.tables["cases"])


def test_categories_start_when_the_law_allowed_them(small):
    cases = small.tables["cases"]
    registered = days(cases.registered_on)
    before_2015 = cases[registered < np.datetime64("2015-01-01")]
    assert set(before_2015.legal_category) == {"conditionally_sentenced"}
    before_2017 = cases[registered < np.datetime64("2017-01-01")]
    assert not set(before_2017.probation_type) & {"pre_trial", "penitentiary"}
    later = cases[registered >= np.datetime64("2017-01-01")]
    assert set(later.probation_type) == {"pre_trial", "sentence", "penitentiary",
                                         "post_penitentiary"}


def test_every_case_is_supervised_inside_its_unit(small):
    t = small.tables
    officer_unit = t["officers"].set_index("id").unit_id
    assert (t["cases"].officer_id.map(officer_unit) == t["cases"].unit_id).all()
    a = t["case_assignments"].merge(t["cases"][["id", "unit_id", "registered_on"]],
                                    left_on="case_id", right_on="id")
    assert (a.officer_id.map(officer_unit) == a.unit_id).all()
    # Assignment history is contiguous: each starts the day the previous one ended.
    a = a.sort_values(["case_id", "assigned_on"])
    first = ~a.case_id.duplicated()
    assert (days(a.assigned_on[first]) == days(a.registered_on[first])).all()
    prev_end = a.groupby("case_id").unassigned_on.shift()
    follow = ~first.to_numpy()
    assert (days(a.assigned_on)[follow] == days(prev_end)[follow]).all()


def test_closures_have_their_causes(small):
    t = small.tables
    cases = t["cases"].set_index("id")
    events = t["violations"]
    revoked = cases[cases.close_reason == "revoked"]
    decisions = events[events.court_decision == "revoked"].set_index("case_id")
    assert len(revoked) > 0
    assert (days(decisions.loc[revoked.index].decided_on)
            == days(revoked.closed_on)).all()
    offended = cases[cases.close_reason == "new_offence"].index
    assert set(offended) <= set(events[events.kind == "new_offence"].case_id)
    assert (cases.closed_on.isna() == cases.close_reason.isna()).all()


def test_events_and_milestones_fall_inside_the_case_and_the_data(small):
    t = small.tables
    cases = t["cases"].set_index("id")
    end = days(cases.closed_on)
    end = np.where(np.isnat(end), np.datetime64(UNTIL) + 1, end)
    end = pd.Series(end, index=cases.index)
    ev = t["violations"]
    assert (days(ev.occurred_on) < end.loc[ev.case_id].to_numpy()).all()
    assert (days(ev.occurred_on) >= days(cases.registered_on.loc[ev.case_id])).all()
    m = t["milestones"]
    done = m[m.completed_on.notna()]
    assert (days(done.completed_on) <= np.datetime64(UNTIL)).all()
    assert (days(done.completed_on) >= days(cases.registered_on.loc[done.case_id])).all()
    overdue = m[m.completed_on.isna() & (days(m.due_on) < np.datetime64(UNTIL))]
    assert 0 < len(overdue) < 0.1 * len(m)


def test_pre_trial_persons_belong_to_a_protected_category(small):
    t = small.tables
    persons = t["persons"].set_index("id")
    pre = t["cases"][t["cases"].probation_type == "pre_trial"]
    categories = persons.protected_category.loc[pre.person_id]
    assert categories.notna().all()
    women = persons[persons.protected_category.isin(
        ["pregnant", "woman_pension_age", "woman_child_under_3"])]
    assert (women.sex == "F").all()
    assert persons.code.str.fullmatch(r"P-\d{7}").all()


def test_overdue_work_concentrates_in_overloaded_units(small):
    t = small.tables
    posts = t["posts"].groupby("unit_id").size()
    active = t["cases"][t["cases"].closed_on.isna()].groupby("unit_id").size()
    load_per_post = (active / posts).dropna()
    m = t["milestones"].merge(t["cases"][["id", "unit_id"]], left_on="case_id", right_on="id")
    due = m[days(m.due_on) < np.datetime64(UNTIL)]
    late = due.completed_on.isna() | (days(due.completed_on) > days(due.due_on))
    late_share = late.groupby(due.unit_id).mean()
    busy = load_per_post >= load_per_post.quantile(0.75)
    quiet = load_per_post <= load_per_post.quantile(0.25)
    assert late_share[busy[busy].index].mean() > 1.5 * late_share[quiet[quiet].index].mean()


def test_establishment_and_transfers_at_scale_one():
    gen = demo._Generator(1.0, 42, UNTIL)
    units = gen.units()
    posts = gen.posts(units)
    assert 190 <= len(units) <= 210
    by_source = posts.groupby(["source", "transferred_on"], dropna=False).size()
    assert by_source.loc["establishment_2012"].sum() == 1300
    assert by_source.loc[("penal_transfer", pd.Timestamp("2015-01-01"))] == 200
    assert by_source.loc[("penal_transfer", pd.Timestamp("2017-01-01"))] == 300


@pytest.mark.slow
def test_loaded_dataset_answers_like_the_frames(engine, small):
    load.replace_all(engine, small)
    cases = small.tables["cases"]
    registered = days(cases.registered_on)
    closed = days(cases.closed_on)
    last = np.datetime64("2020-12-31")
    on_register = (registered <= last) & (np.isnat(closed) | (closed > last))
    with engine.connect() as conn:
        figures = year_summary(conn, 2020)
    assert figures["on_register_at_year_end"] == cases.person_id[on_register].nunique()
    assert figures["new_registrations"] == int(
        ((registered >= np.datetime64("2020-01-01")) & (registered <= last)).sum())
    assert load.holds_data(engine)
