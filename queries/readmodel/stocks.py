"""The month-end stocks: what stood on the register on every "stock day" (each month end
from the data's first month, and the data's last day, the default as-of), per unit x
probation type x legal category and more, so that a page looks up a day instead of
counting every case. service/readmodel/stocks.py builds them; this module holds the
tables and reads them.

    milestone_stock   per unit x type x category x milestone kind: due, overdue,
                      due_soon and the aging buckets (queries.milestones' definitions)
    case_stock        per unit x type x category x risk tier: on the register, pre-trial
                      reports in hand, prisoners releasing within the release-preparation
                      horizon (and of those without a program, and past its due day)
    officer_stock     the same per officer responsible on the day (NULL: nobody)
    officer_load_stock / officer_narrowed_stock   officer_stock's totals per officer
                      (and within one type or category): the national officer level
    hearing_stock     running totals of pre-trial hearings (and those without a report
                      handed in before the hearing)
    headcount_stock   posts existing and filled per unit x source x year of transfer, on
                      the stock days and every 1 January (the staff timeline)

`fresh` says whether the stocks belong to the data loaded now (dataset_info "stocks" =
the data version); the readers (queries/readmodel/milestones.py, caseload.py, kpis.py,
staff.py) answer only then, and only for days the stocks hold.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Column, Date, Index, Integer, MetaData, String, Table, and_, func, select
from sqlalchemy.engine import Connection

from dashboard.codes import CATEGORY_TYPE, RISK_TIERS
from dashboard.schema import units
from dashboard.scope import Scope
from queries import readmodel

STOCK = "milestone_stock"
MARKER = "stocks"
"""dataset_info key: the data_version the stock was computed for."""

# The aging buckets of queries.milestones.AGING_BUCKETS, as column names.
BUCKETS = (("overdue_1_7", 1, 7), ("overdue_8_30", 8, 30), ("overdue_31_90", 31, 90),
           ("overdue_over_90", 91, None))
BUCKET_COLUMNS = tuple(b[0] for b in BUCKETS)
MEASURES = ("due", "overdue", "due_soon", *BUCKET_COLUMNS)
MILESTONE_GROUP = ("unit_id", "probation_type", "legal_category", "kind")
CASE_GROUP = ("unit_id", "probation_type", "legal_category", "risk_tier")
OFFICER_GROUP = ("officer_id", *CASE_GROUP)
"""unit_id here is the case's unit (as in the other stocks, and as the milestones page
places an officer's items); the staff page places an officer by the officer's own unit,
through the officers table."""
RELEASE_MEASURES = ("releasing", "releasing_without_program", "releasing_program_overdue")
"""queries.milestones.new_type_gaps' prisoners on the register released within the
release-preparation horizon, of those the ones with no program drafted, and of those the
ones whose program is past its due day."""
RELEASE_MONTHS = "stocks_release_months"
"""dataset_info key: the horizon (DeadlineRules.release_prep_months_before_release) the
release measures were counted with; the page counts directly under another."""
NOBODY = -1
"""officer_id of the days a case has no assignment, while the stock is computed; written
as NULL (the direct counts' officer None)."""
DUE_SOON_DAYS = 14
"""queries.milestones.DUE_SOON_DAYS: due on the day or in the 14 days after it."""

stock_metadata = MetaData()
milestone_stock = Table(
    STOCK, stock_metadata,
    Column("day", Date, nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("probation_type", String(20), nullable=False),
    Column("legal_category", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    *(Column(m, Integer, nullable=False) for m in MEASURES),
    Index("ix_milestone_stock_day", "day", "unit_id"),
)
case_stock = Table(
    "case_stock", stock_metadata,
    Column("day", Date, nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("probation_type", String(20), nullable=False),
    Column("legal_category", String(32), nullable=False),
    Column("risk_tier", String(10), nullable=False),
    Column("on_register", Integer, nullable=False),
    Column("reports_in_hand", Integer, nullable=False),
    *(Column(m, Integer, nullable=False) for m in RELEASE_MEASURES),
    Index("ix_case_stock_day", "day", "unit_id"),
)
officer_stock = Table(
    "officer_stock", stock_metadata,
    Column("day", Date, nullable=False),
    Column("officer_id", Integer),
    Column("unit_id", Integer, nullable=False),
    Column("probation_type", String(20), nullable=False),
    Column("legal_category", String(32), nullable=False),
    Column("risk_tier", String(10), nullable=False),
    Column("cases_held", Integer, nullable=False),
    Column("reports_held", Integer, nullable=False),
    Column("due", Integer, nullable=False),
    Column("overdue", Integer, nullable=False),
    Column("due_soon", Integer, nullable=False, server_default="0"),
    Column("without_program", Integer, nullable=False, server_default="0"),
    Index("ix_officer_stock_day", "day", "unit_id"),
)
"""Per officer responsible on the day (NULL: nobody was), unit of the case, type, category
and risk tier: cases on the register they hold, pre-trial reports of those cases in hand,
those cases' milestones due, overdue and due soon (queries.milestones' officer level), and
of those cases the ones with no program drafted yet (queries.attention's)."""

hearing_stock = Table(
    "hearing_stock", stock_metadata,
    Column("day", Date, nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("probation_type", String(20), nullable=False),
    Column("legal_category", String(32), nullable=False),
    Column("hearings", Integer, nullable=False),
    Column("hearings_late", Integer, nullable=False),
    Index("ix_hearing_stock_day", "day", "unit_id"),
)
"""Running totals per unit, type and category: the court hearings up to and on the day of
pre-trial cases on the register until their hearing, and of those the hearings with no
pre-trial report handed in before the hearing day (queries.milestones.new_type_gaps). A
period's hearings are the total on its last day less the total on the day before it."""

LOAD_KEYS = tuple((CATEGORY_TYPE[c], c, r) for c in CATEGORY_TYPE for r in RISK_TIERS)
"""The item keys (type, category, risk tier) a weight can cover (workload.points_by_item)."""
LOAD_ITEMS = (("case", "cases_held"), ("pre_trial_report", "reports_held"))


def load_column(work_item: str, category: str, risk: str) -> str:
    return f"{'cases' if work_item == 'case' else 'reports'}_{category}_{risk}"


officer_load_stock = Table(
    "officer_load_stock", stock_metadata,
    Column("day", Date, nullable=False),
    Column("officer_id", Integer),
    Column("cases_held", Integer, nullable=False),
    Column("reports_held", Integer, nullable=False),
    Column("due", Integer, nullable=False),
    Column("overdue", Integer, nullable=False),
    *(Column(load_column(item, c, r), Integer, nullable=False)
      for item, _ in LOAD_ITEMS for _, c, r in LOAD_KEYS),
    Index("ix_officer_load_stock_day", "day", "officer_id"),
)
"""officer_stock per officer and day, one row each (NULL: the cases nobody held): cases
held, reports in hand and milestones due and overdue in all, and by item key (a column per
work item x category x risk tier; a row whose type is not its category's counts in the
totals only, as it has no weight). Counts, not points: the weights can change at any time,
so the page weighs these columns in its query. The national officer level of the
milestones page reads the totals: a row per officer, not officer_stock's many."""

NARROWED_BY = ("probation_type", "legal_category")
officer_narrowed_stock = Table(
    "officer_narrowed_stock", stock_metadata,
    Column("day", Date, nullable=False),
    Column("narrowed_by", String(20), nullable=False),
    Column("code", String(32), nullable=False),
    Column("officer_id", Integer),
    Column("cases_held", Integer, nullable=False),
    Column("due", Integer, nullable=False),
    Column("overdue", Integer, nullable=False),
    Index("ix_officer_narrowed_stock_day", "day", "narrowed_by", "code"),
)
"""officer_load_stock's cases held, due and overdue within one probation type or one legal
category (`narrowed_by` names the column, `code` its value): one row per officer (NULL:
the cases nobody held), day and code. The milestones page's national officer level with a
type or a category picked reads the rows of one code, not sums over officer_stock."""

headcount_stock = Table(
    "headcount_stock", stock_metadata,
    Column("day", Date, nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("source", String(20), nullable=False),
    Column("transfer_year", Integer),
    Column("authorised", Integer, nullable=False),
    Column("filled", Integer, nullable=False),
    Index("ix_headcount_stock_day", "day", "unit_id"),
)
"""Per unit, source and year of transfer (NULL: the 2012 establishment): posts existing on
the day (authorised) and those with an officer in post (filled), on the stock days and on
1 January of every year (the staff page's timeline), as queries.staff counts them."""

def stock_days(first: date, until: date) -> list[date]:
    """Every month end from `first`'s month up to `until`, then `until` if it is not one."""
    return list(_stock_days(first, until))


@functools.lru_cache(maxsize=64)
def _stock_days(first: date, until: date) -> tuple[date, ...]:
    # Asked for on every page with the data's first and last day: the load test's
    # profile showed the same 150 month ends walked on every request.
    days = []
    month = first.replace(day=1)
    while True:
        end = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        if end > until:
            break
        days.append(end)
        month = end + timedelta(days=1)
    if not days or days[-1] != until:
        days.append(until)
    return tuple(days)


@functools.lru_cache(maxsize=16)
def held_set(first: date, until: date) -> frozenset[date]:
    return frozenset(stock_days(first, until))


def fresh(conn: Connection) -> tuple[date, date] | None:
    """(first, last day of the data) when the stock was computed for the data loaded now;
    None when it was not (never refreshed, or the data changed since)."""
    info = readmodel.page_info(conn)
    version = info.get("data_version")
    if version is None or info.get(MARKER) != version:
        return None
    return date.fromisoformat(info["data_from"]), date.fromisoformat(info["data_until"])


def holds(conn: Connection, days: list[date],
          period: tuple[date, date] | None = None) -> bool:
    """The stocks are fresh and hold every one of `days` (`period`: what `fresh` just
    answered, to spare reading it again)."""
    period = period or fresh(conn)
    if period is None:
        return False
    held = held_set(*period)
    return all(d in held for d in days)


def joined(stock: Table):
    """The stock with its units (for the scope and the region)."""
    return stock.join(units, units.c.id == stock.c.unit_id)


def where(stock: Table, scope: Scope, days: list[date], *, region: str | None = None,
          unit_id: int | None = None, probation_type: str | None = None,
          legal_category: str | None = None, officer_id: int | None = None):
    """Rows of `days` within the scope and the narrowing (needs `joined`); `officer_id`
    (the officer stock's) narrows to one officer."""
    conditions = [scope.units_where(units), stock.c.day.in_(days)]
    if officer_id is not None:
        conditions.append(stock.c.officer_id == officer_id)
    if region is not None:
        conditions.append(units.c.region_code == region)
    if unit_id is not None:
        conditions.append(stock.c.unit_id == unit_id)
    if probation_type is not None:
        conditions.append(stock.c.probation_type == probation_type)
    if legal_category is not None:
        conditions.append(stock.c.legal_category == legal_category)
    return and_(*conditions)


def sums(conn: Connection, stock: Table, scope: Scope, days: list[date], key: str | None,
         measures: tuple[str, ...], **narrowing) -> pd.DataFrame:
    """Sums of `measures` on `days` within the scope and narrowing (`where`), per `key`
    ("region", "unit" or a column of the stock such as "kind" or "day"; None: one row of
    totals). Groups with nothing in the stock on those days are left out."""
    if key is None:
        column = None
    elif key in ("region", "unit", "officer"):
        column = {"region": units.c.region_code, "unit": stock.c.unit_id,
                  "officer": stock.c.get("officer_id")}[key]
    else:
        column = stock.c[key]
    totals = [func.coalesce(func.sum(stock.c[m]), 0).label(m) for m in measures]
    q = select(*totals) if column is None else select(column.label("key"), *totals)
    q = q.select_from(joined(stock)).where(where(stock, scope, days, **narrowing))
    if column is not None:
        q = q.group_by(column).order_by(column)
    rows = conn.execute(q).all()
    # Columns handed over whole: a frame of the rows, then a cast per measure, was a
    # tenth of a milestones page.
    first = 0 if column is None else 1
    # (No rows: an object column, as a frame of no rows has; an empty list would be float.)
    data = {} if column is None else {"key": [r[0] for r in rows] if rows
                                      else np.array([], dtype=object)}
    for j, m in enumerate(measures, start=first):
        data[m] = np.fromiter((int(r[j]) for r in rows), dtype=np.int64, count=len(rows))
    return pd.DataFrame(data)


def answers(conn: Connection, f, level: str | None = None) -> bool:
    """The stocks answer for a page's Filters on their as-of day: they hold the day and
    the page is not narrowed to (nor split by) an officer, whom they do not know."""
    return f.officer_id is None and level != "officer" and holds(conn, [f.as_of])


def narrowing_of(f) -> dict:
    """The narrowing of a page's Filters (dashboard.filters), officer aside."""
    return {"region": f.region, "unit_id": f.unit_id, "probation_type": f.probation_type,
            "legal_category": f.legal_category}



FIRST_TIMELINE_YEAR = 2014
"""dashboard.filters.DATA_FROM's year: the staff timeline's first 1 January."""


def headcount_days(first: date, until: date) -> list[date]:
    """The days of the headcount stock: the stock days and 1 January of every year from
    the timeline's first (or the data's, if earlier) up to `until`."""
    years = range(min(first.year, FIRST_TIMELINE_YEAR), until.year + 1)
    return sorted(set(stock_days(first, until)) | {date(y, 1, 1) for y in years})


def headcount_holds(conn: Connection, days: list[date]) -> bool:
    """The headcount stock is fresh and holds every one of `days`."""
    period = fresh(conn)
    if period is None:
        return False
    held = set(headcount_days(*period))
    return all(d in held for d in days)


@readmodel.model(MARKER)
def _fresh(conn: Connection) -> bool:
    return fresh(conn) is not None


def release_months() -> int:
    """The release-preparation horizon in force (dashboard.rules)."""
    from dashboard import rules as R

    return R.DeadlineRules.from_env().release_prep_months_before_release

