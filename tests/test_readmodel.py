"""Every fast reader registered behind the seam (queries/readmodel/) gives the numbers of
the measure's definition: one test per reader, generated from the registry, on a small
generated dataset on SQLite and on PostgreSQL. A reader added without examples here fails
`test_every_reader_has_examples`; a reader that declines every example (CannotAnswer) fails
its own test, so each one is exercised."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from dashboard import metrics as M
from dashboard import rules as R
from dashboard import workload as W
from dashboard.filters import Filters, period_bounds
from dashboard.scope import Scope
from queries import readmodel
from queries.milestones import Where, month_ends
from queries.outcomes import EVERYTHING, Narrowing
from queries.readmodel import CannotAnswer, readers  # noqa: F401 - registers the readers
from queries.staff import weight_rows, weights_frame

SCALE, SEED, UNTIL = 0.02, 7, date(2026, 11, 24)


@dataclasses.dataclass(frozen=True)
class World:
    """What the examples draw from: the dataset's places, days and users."""

    until: date
    region: str
    other_region: str
    unit: int
    officer: int
    points: tuple

    @property
    def scopes(self) -> list[Scope]:
        return [Scope.nation(), Scope("region_head", region_code=self.region),
                Scope("unit_head", unit_id=self.unit)]

    @property
    def days(self) -> list[date]:
        """The data's last day, a month end, two days between month ends (one within a
        week of one, one mid-month), a day long before."""
        month_end = self.until.replace(day=1) - timedelta(days=1)
        return [self.until, month_end, month_end - timedelta(days=3),
                month_end - timedelta(days=16), date(2019, 3, 31), date(2018, 6, 12)]

    def filters(self) -> list[Filters]:
        out = []
        for i, day in enumerate(self.days):
            for grain in ("year", "quarter", "month"):
                start, end = period_bounds(grain, day, day)
                out.append(Filters(grain, start, end, day))
            out.append(Filters("custom", day - timedelta(days=100 + 7 * i), day, day))
        base = out[0]
        out += [base.within(probation_type="sentence"),
                base.within(legal_category="conditionally_sentenced"),
                base.within(region=self.region), base.within(unit_id=self.unit),
                base.within(unit_id=self.unit, region=self.other_region),  # no case at all
                out[4].within(probation_type="pre_trial", region=self.region),
                base.within(officer_id=self.officer)]
        return out

    def wheres(self) -> list[Where]:
        return [Where(), Where(probation_type="sentence"), Where(legal_category="parole"),
                Where(region=self.region), Where(unit_id=self.unit),
                Where(officer_id=self.officer),
                Where(probation_type="post_penitentiary", region=self.other_region)]

    def narrowings(self) -> list[Narrowing]:
        return [EVERYTHING, Narrowing.of(types=["sentence"]),
                Narrowing.of(categories=["parole", "conditionally_sentenced"]),
                Narrowing.of(region=self.region),
                Narrowing.of(types=["penitentiary", "post_penitentiary"], region=self.region)]

    def period_sets(self) -> list[list[M.Period]]:
        until = self.until
        years = [M.Period(date(y, 1, 1), date(y, 12, 31)) for y in range(2019, until.year)]
        months = [M.Period(*period_bounds("month", d, d)) for d in month_ends(until, 6)]
        return [years + [M.Period(date(until.year, 1, 1), until)], months,
                [M.Period(date(2024, 2, 10), date(2024, 5, 17))],
                [M.Period(until - timedelta(days=40), until)]]

    def windows(self) -> list[tuple[M.Period, ...]]:
        ends = month_ends(self.until, 6)
        return [tuple(M.trailing_months(day) for day in ends),
                (M.Period(date(2023, 2, 14), date(2024, 3, 3)),)]


def _scoped(world: World, calls):
    """Each call for each scope."""
    return [((scope, *args), kwargs) for scope in world.scopes for args, kwargs in calls]


def _levels(world: World, levels) -> list:
    return _scoped(world, [((f, level), {}) for f in world.filters() for level in levels])


def _milestone_days(world: World) -> list[date]:
    return world.days[:4]


EXAMPLES = {
    "queries.attention.officer_actions": lambda w: _scoped(
        w, [((day, where), {"days": days}) for day in _milestone_days(w) for days in (14, 7)
            for where in w.wheres()]),
    "queries.caseload.by_region_and_type": lambda w: _scoped(
        w, [((f,), {"lang": lang}) for f in w.filters() for lang in ("kk", "ru")]),
    "queries.caseload.by_category": lambda w: _scoped(w, [((f,), {}) for f in w.filters()]),
    "queries.caseload.net_registrations": lambda w: _scoped(
        w, [((f,), {}) for f in w.filters()]),
    "queries.kpis.on_register": lambda w: _levels(w, (None, "region", "unit", "officer")),
    "queries.kpis.overdue": lambda w: _levels(w, (None, "region", "unit", "officer")),
    "queries.kpis.registered_and_closed": lambda w: _levels(w, (None, "region", "unit")),
    "queries.kpis.repeat_offences": lambda w: _levels(w, (None, "region", "unit")),
    "queries.milestones.due_and_overdue": lambda w: _scoped(
        w, [((day, level, where), {}) for day in _milestone_days(w)
            for level in ("region", "unit", "officer") for where in w.wheres()]),
    "queries.milestones.overdue_breakdown": lambda w: _scoped(
        w, [((day, by, where), {}) for day in _milestone_days(w)
            for by in ("kind", "probation_type") for where in w.wheres()]),
    "queries.milestones.aging": lambda w: _scoped(
        w, [((day, where), {}) for day in _milestone_days(w) for where in w.wheres()]),
    "queries.milestones.overdue_at_month_ends": lambda w: _scoped(
        w, [((day, months, where), {}) for day in _milestone_days(w) for months in (3, 12)
            for where in w.wheres()]),
    "queries.milestones.due_soon": lambda w: _scoped(
        w, [((day, where), {"days": days}) for day in _milestone_days(w) for days in (14, 7)
            for where in w.wheres()]),
    "queries.milestones.hearings": lambda w: _scoped(
        w, [((p.start, p.end, where), {}) for periods in w.period_sets() for p in periods
            for where in w.wheres()]),
    "queries.milestones.releasing": lambda w: _scoped(
        w, [((day, months, where), {}) for day in _milestone_days(w)
            for months in (R.DeadlineRules.from_env().release_prep_months_before_release, 6)
            for where in w.wheres()]),
    "queries.outcomes.on_register": lambda w: _outcome_calls(w),
    "queries.outcomes.repeat_offences": lambda w: _outcome_calls(w),
    "queries.outcomes.closures": lambda w: _outcome_calls(w),
    "queries.outcomes.period_counts": lambda w: _outcome_calls(w),
    "queries.outcomes.escalation_steps": lambda w: _scoped(
        w, [((periods, n), {}) for periods in w.period_sets() for n in w.narrowings()]),
    "queries.outcomes.grounds_met": lambda w: _scoped(
        w, [((periods, n), {}) for periods in w.period_sets() for n in w.narrowings()]),
    "queries.outcomes.assistance_results": lambda w: _scoped(
        w, [((p, n), {}) for periods in w.period_sets() for p in periods[-2:]
            for n in w.narrowings()]),
    "queries.outcomes.cohort_repeat": lambda w: _scoped(
        w, [((periods, n), {}) for periods in w.period_sets() for n in w.narrowings()]),
    "queries.outcomes.national_counts": lambda w: [
        ((windows, level, n), {}) for windows in w.windows() for level in ("unit", "officer")
        for n in w.narrowings()],
    "queries.staff.posts_by_unit": lambda w: _scoped(
        w, [((day, region), {}) for day in w.days for region in (None, w.region)]),
    "queries.staff.headcount_timeline": lambda w: _scoped(
        w, [(([date(y, 1, 1) for y in range(2014, w.until.year + 1)] + [day], region), {})
            for day in w.days[:2] for region in (None, w.region)]),
    "queries.staff.work_items_by_officer": lambda w: _scoped(
        w, [((day, region, unit), {}) for day in w.days
            for region, unit in ((None, None), (w.region, None), (None, w.unit))]),
    "queries.staff.work_items_by_unit": lambda w: _scoped(
        w, [((day, region), {}) for day in w.days for region in (None, w.region)]),
    "queries.staff.officer_loads": lambda w: _scoped(
        w, [((day, w.points, region, unit), {}) for day in w.days
            for region, unit in ((None, None), (w.region, None), (None, w.unit))]),
    "queries.staff.officer_load_numbers": lambda w: _scoped(
        w, [((day, w.points, region), {}) for day in w.days for region in (None, w.region)]),
}


def _outcome_calls(w: World) -> list:
    return _scoped(w, [((periods, by, n), {}) for periods in w.period_sets()
                       for by in (None, "region", "unit", "officer", "probation_type",
                                  "legal_category")
                       for n in w.narrowings()[:3]])


def _name(measure) -> str:
    return f"{measure.__module__}.{measure.__name__}"


def test_every_reader_has_examples():
    missing = sorted({_name(m) for m, _ in readmodel.READERS} - set(EXAMPLES))
    assert not missing, f"readers without examples in {__name__}.EXAMPLES: {missing}"
    assert not set(EXAMPLES) - {_name(m) for m, _ in readmodel.READERS}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres",
                                                               marks=pytest.mark.postgres)])
def world_db(request, generated_dataset):
    """The generated dataset on each backend, its read models refreshed by the load."""
    engine = generated_dataset(request.param, SCALE, SEED, UNTIL)
    with engine.connect() as conn:
        world = _world(conn)
    return engine, world


def _world(conn) -> World:
    from sqlalchemy import func, select

    from dashboard.schema import case_assignments, officers, units

    region, unit = conn.execute(
        select(units.c.region_code, units.c.id).order_by(units.c.region_code, units.c.id)
    ).first()
    other = conn.execute(select(units.c.region_code).where(units.c.region_code != region)
                         .order_by(units.c.region_code.desc())).scalar()
    officer = conn.execute(
        select(officers.c.id).join(case_assignments, case_assignments.c.officer_id
                                   == officers.c.id)
        .where(officers.c.unit_id == unit).group_by(officers.c.id)
        .order_by(func.count().desc())).scalar()
    table = W.points_by_item(weights_frame(weight_rows(conn)), UNTIL)
    points = tuple((*key, p) for key, p in table.items())
    return World(UNTIL, region, other, unit, officer, points)


def normalised(value):
    """A result in a form two equal answers share: frames as sorted records of plain
    values (a named index as a column), tuples and lists element by element. A row of a
    keyed count whose counts are all zero means what no row means: it is left out."""
    if isinstance(value, pd.DataFrame):
        frame = value
        if value.index.name is not None:
            counts = value.select_dtypes("number")
            if len(counts.columns) == len(value.columns):
                frame = value[(counts.fillna(0) != 0).any(axis=1)]
            frame = frame.reset_index()
        frame = frame.reset_index(drop=True)
        records = [tuple(_plain(v) for v in row) for row in frame.itertuples(index=False)]
        return list(frame.columns), sorted(records, key=repr)
    if isinstance(value, (tuple, list)):
        return [normalised(v) for v in value]
    if isinstance(value, dict):
        return {k: normalised(v) for k, v in sorted(value.items(), key=repr)}
    return _plain(value)


def _plain(v):
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return int(f) if f.is_integer() else round(f, 9)
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-":
        return date.fromisoformat(v)
    return v


def test_every_read_model_is_fresh_in_a_page_request(world_db):
    """A page learns the data version and the read models' stamps with the signed-in
    user's row (dashboard.cache.DATASET_KEYS), not from dataset_info: every stamp a read
    model checks must come along, or the definitions answer every page."""
    import flask
    from sqlalchemy import select

    from dashboard.cache import dataset_columns, remember_dataset

    engine, _ = world_db
    with engine.connect() as conn, flask.Flask(__name__).test_request_context():
        remember_dataset(conn.execute(select(*dataset_columns())).one())
        stale = [name for name, fresh in readmodel.MODELS.items() if not fresh(conn)]
    assert not stale, f"stale in a request: {stale}"


@pytest.mark.parametrize("pair", readmodel.READERS, ids=lambda p: f"{_name(p[0])}-{p[1].model}")
def test_the_reader_answers_as_the_definition(world_db, pair):
    measure, reader = pair
    engine, world = world_db
    answered = 0
    with engine.connect() as conn:
        if not readmodel.MODELS[reader.model](conn):
            pytest.fail(f"the read model {reader.model} is not fresh after the load")
        for args, kwargs in EXAMPLES[_name(measure)](world):
            try:
                fast = reader.read(conn, *args, **kwargs)
            except CannotAnswer:
                continue
            answered += 1
            plain = measure.definition(conn, *args, **kwargs)
            assert normalised(fast) == normalised(plain), (_name(measure), args, kwargs)
    assert answered, f"{reader.read.__qualname__} answered none of its examples"
