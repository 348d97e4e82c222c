"""The rows each read of the outcome stocks (service/readmodel/outcome_stocks.py) selects,
taken from the frames of a dataset at hand (a generate) instead of read back from the
database it was just loaded into, as stock_frames.py does for the month-end stocks.

Each measure's day is its event day where its condition (queries/readmodel/
outcome_tables.py, the reference) holds, else missing (NaN), for every unit at once.
tests/test_frames.py holds the two ways to the same rows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from dashboard.codes import ASSISTANCE_KINDS, ASSISTANCE_RESULTS
from queries.readmodel.outcome_tables import (
    CASE_MEASURES,
    GROUP,
    VIOLATION_MEASURES,
    assistance_column,
)
from service.readmodel import stocks as S
from service.readmodel.stock_frames import day_numbers

Tables = dict[str, pd.DataFrame]


def one_year_after(days: np.ndarray, dialect: str) -> np.ndarray:
    """queries.dates.one_year_after on day numbers: the same day a year later; from
    29 February, 28 February on PostgreSQL and 1 March on SQLite (as each answers)."""
    d = days.astype(np.int64).astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    later = (month + 12).astype("datetime64[D]") + (d - month.astype("datetime64[D]"))
    if dialect == "postgresql":
        later = np.minimum(later, (month + 13).astype("datetime64[D]") - 1)
    return later.astype(np.int64).astype(np.float64)


def _when(condition: np.ndarray, days: np.ndarray) -> np.ndarray:
    """The days where `condition` holds, NaN elsewhere (SQL's CASE WHEN without ELSE)."""
    return np.where(condition, days, np.nan)


def _group(cases: pd.DataFrame, at: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The group columns of the cases (of the rows at `at`, positions in `cases`)."""
    return {c: (cases[c].to_numpy() if at is None else cases[c].to_numpy()[at])
            for c in GROUP}


def case_rows(t: Tables, dialect: str) -> pd.DataFrame:
    c, v = t["cases"], t["violations"]
    registered, closed = day_numbers(c["registered_on"]), day_numbers(c["closed_on"])
    reason = c["close_reason"].to_numpy(object)
    offences = v[(v["kind"] == "new_offence").to_numpy()]
    at = pd.Index(c["id"].to_numpy()).get_indexer(offences["case_id"].to_numpy())
    occurred, since = day_numbers(offences["occurred_on"]), registered[at]
    within = (occurred >= since) & (occurred < one_year_after(since, dialect))
    reoffended = np.zeros(len(c), dtype=bool)
    reoffended[at[within]] = True
    days = {"registered": registered, "closed_next_day": closed, "closed": closed,
            "completed": _when(reason == "completed", closed),
            "revoked": _when(reason == "revoked", closed),
            "reoffended_12m": _when(reoffended, registered)}
    return pd.DataFrame({**_group(c), **{m.name: days[m.name] for m in CASE_MEASURES}})


def violation_rows(t: Tables, dialect: str) -> pd.DataFrame:
    c, v = t["cases"], t["violations"]
    at = pd.Index(c["id"].to_numpy()).get_indexer(v["case_id"].to_numpy())
    kind, decision = v["kind"].to_numpy(object), v["court_decision"].to_numpy(object)
    occurred, decided = day_numbers(v["occurred_on"]), day_numbers(v["decided_on"])
    not_offence = kind != "new_offence"
    days = {"new_offences": _when(kind == "new_offence", occurred),
            "violations": _when(kind == "violation", occurred),
            "malicious": _when(kind == "malicious_violation", occurred),
            "submitted": _when(not_offence, day_numbers(v["submitted_to_court_on"])),
            "court_revoked": _when(not_offence & (decision == "revoked"), decided),
            "court_rejected": _when(not_offence & (decision == "rejected"), decided)}
    return pd.DataFrame({**_group(c, at), **{m.name: days[m.name] for m in VIOLATION_MEASURES}})


def assistance_rows(kind: str) -> Callable[[Tables, str], pd.DataFrame]:
    """The read of one kind of assistance: its requested and provided days, and the
    provided day per result."""
    def rows(t: Tables, dialect: str) -> pd.DataFrame:
        c, a = t["cases"], t["assistance"]
        a = a[(a["kind"] == kind).to_numpy()]
        at = pd.Index(c["id"].to_numpy()).get_indexer(a["case_id"].to_numpy())
        provided, result = day_numbers(a["provided_on"]), a["result"].to_numpy(object)
        days = {assistance_column(kind, "requested"): day_numbers(a["requested_on"]),
                assistance_column(kind, "provided"): provided,
                **{assistance_column(kind, r): _when(result == r, provided)
                   for r in ASSISTANCE_RESULTS}}
        return pd.DataFrame({**_group(c, at), **days})
    return rows


BUILDERS = {"outcome_stock": (case_rows, violation_rows),
            "assistance_stock": tuple(assistance_rows(k) for k in ASSISTANCE_KINDS)}
"""Per stock table, the builder of each of its spec's reads, in their order."""


def reader(tables: Tables, dialect: str) -> Callable[[S.Spec], S.Rows]:
    """rows(spec): the rows of each of the spec's reads for a chunk of units, from
    `tables` (built for every unit at once: one row per event, they fit at scale 10);
    `dialect` answers the one date rule the backends differ on (one_year_after)."""
    def rows(spec: S.Spec) -> S.Rows:
        builders = BUILDERS[spec.table.name]
        frames = [build(tables, dialect) for build in builders]
        for read, frame in zip(spec.reads, frames, strict=True):
            if tuple(frame.columns) != (*GROUP, *read.days):
                raise ValueError(f"{spec.table.name}: rows {list(frame.columns)}, "
                                 f"read {[*GROUP, *read.days]}")
        return S.taking(frames)
    return rows

