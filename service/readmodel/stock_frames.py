"""The rows each read of the month-end stocks (service/readmodel/stocks.py) selects, taken
from the frames of a dataset at hand (a generate: service.demo's tables) instead of read
back from the database it was just loaded into.

Each function here builds, for every unit at once, the frame its SQL twin in stocks.py
returns (the same columns, days as day numbers, missing as NaN); compute() counts both
alike. tests/test_frames.py holds the two to the same rows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Table

from dashboard.codes import PROGRAM_KINDS
from service.readmodel import stocks as S

Tables = dict[str, pd.DataFrame]
KEYS = ("probation_type", "legal_category", "risk_tier")


def day_numbers(values: pd.Series) -> np.ndarray:
    """Dates as day numbers since the epoch, NaN for missing (as stocks._read gives)."""
    days = values.to_numpy().astype("datetime64[D]")
    out = days.astype(np.int64).astype(np.float64)
    out[np.isnat(days)] = np.nan
    return out


class Frames:
    """A dataset's case tables with the columns the stock reads share, converted once
    (codes as categoricals: grouping them later is then cheap), or those of a chunk of
    its units (of_units)."""

    def __init__(self, cases: pd.DataFrame, milestones: pd.DataFrame,
                 assignments: pd.DataFrame):
        self.cases, self.milestones, self.assignments = cases, milestones, assignments

    @classmethod
    def of(cls, tables: Tables) -> Frames:
        c = tables["cases"]
        case_ids = pd.Index(c["id"].to_numpy())
        cases = pd.DataFrame({
            "case_id": c["id"].to_numpy(np.int64),
            "unit_id": c["unit_id"].to_numpy(np.int64),
            **{k: pd.Categorical(c[k].astype(object)) for k in KEYS},
            "registered": day_numbers(c["registered_on"]),
            "closed": day_numbers(c["closed_on"]),
            "hearing": day_numbers(c["hearing_on"]),
            "release": day_numbers(c["release_on"]),
        })
        m = tables["milestones"]
        milestones = pd.DataFrame({
            "id": m["id"].to_numpy(np.int64),
            "at": case_ids.get_indexer(m["case_id"].to_numpy()),
            "kind": pd.Categorical(m["kind"].astype(object)),
            "due": day_numbers(m["due_on"]),
            "done": day_numbers(m["completed_on"]),
        })
        a = tables["case_assignments"]
        assignments = pd.DataFrame({
            "case_id": a["case_id"].to_numpy(np.int64),
            "at": case_ids.get_indexer(a["case_id"].to_numpy()),
            "officer_id": a["officer_id"].to_numpy(np.int64),
            "assigned": day_numbers(a["assigned_on"]),
            "unassigned": day_numbers(a["unassigned_on"]),
        })
        return cls(cases, milestones, assignments)

    @functools.cached_property
    def _by_unit(self) -> tuple[np.ndarray, ...]:
        """Per table, its rows' positions ordered by unit and their units in that order:
        a chunk's rows are then a few slices (a scan per chunk of 26M milestones
        would cost more than counting them)."""
        unit = self.cases["unit_id"].to_numpy()
        out = []
        for of_case in (np.arange(len(unit)), self.milestones["at"].to_numpy(),
                        self.assignments["at"].to_numpy()):
            units = unit[of_case]
            order = np.argsort(units, kind="stable")
            out += [order, units[order]]
        return tuple(out)

    def of_units(self, unit_ids: list[int] | None) -> Frames:
        """The frames of the cases of `unit_ids` alone (None: these)."""
        if unit_ids is None:
            return self
        ids = np.asarray(unit_ids, dtype=np.int64)

        def rows(order: np.ndarray, units: np.ndarray) -> np.ndarray:
            lo, hi = np.searchsorted(units, ids), np.searchsorted(units, ids, side="right")
            return np.sort(np.concatenate([order[a:b] for a, b in zip(lo, hi, strict=True)]
                                          or [np.zeros(0, dtype=np.int64)]))

        c_order, c_units, m_order, m_units, a_order, a_units = self._by_unit
        kept = rows(c_order, c_units)
        position = np.full(len(self.cases), -1, dtype=np.int64)
        position[kept] = np.arange(len(kept))
        milestones = self.milestones.iloc[rows(m_order, m_units)].reset_index(drop=True)
        milestones["at"] = position[milestones["at"].to_numpy()]
        assignments = self.assignments.iloc[rows(a_order, a_units)].reset_index(drop=True)
        assignments["at"] = position[assignments["at"].to_numpy()]
        return Frames(self.cases.iloc[kept].reset_index(drop=True), milestones, assignments)

    @functools.cached_property
    def held(self) -> pd.DataFrame:
        """Per case, its assignments and the stretches none covers (officer NOBODY):
        stocks.with_nobody of the case, the same for each of its milestones, so worked
        out once per case rather than per milestone."""
        frame = pd.DataFrame({"row": self.cases["case_id"], "case_id": self.cases["case_id"]})
        frame = frame.merge(self.assignments.drop(columns="at"), on="case_id", how="left")
        frame["officer_id"] = frame["officer_id"].fillna(S.NOBODY).astype(np.int64)
        return S.with_nobody(frame)[["case_id", "officer_id", "assigned", "unassigned"]]

    def of_milestones(self, kind: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(the milestones, of one kind or all, their cases' rows in the same order)."""
        m = self.milestones
        if kind is not None:
            m = m[(m["kind"] == kind).to_numpy()]
        return m, self.cases.iloc[m["at"].to_numpy()].reset_index(drop=True)


def milestone_rows(f: Frames) -> pd.DataFrame:
    m, c = f.of_milestones()
    return pd.DataFrame({"unit_id": c["unit_id"], "probation_type": c["probation_type"],
                         "legal_category": c["legal_category"], "kind": m["kind"].to_numpy(),
                         "due": m["due"].to_numpy(), "done": m["done"].to_numpy(),
                         "registered": c["registered"], "closed": c["closed"]})


def case_rows(f: Frames) -> pd.DataFrame:
    return f.cases[["unit_id", *KEYS, "registered", "closed"]]


def report_rows(f: Frames) -> pd.DataFrame:
    m, c = f.of_milestones("pre_trial_report")
    out = c[["unit_id", *KEYS, "registered", "closed"]].copy()
    out["done"] = m["done"].to_numpy()
    return out


def release_rows(f: Frames) -> pd.DataFrame:
    """Prisoners with a release day, the first drafting and first due day of their
    programs (min ignores the missing, as SQL's does)."""
    c = f.cases
    c = c[((c["probation_type"] == "penitentiary") & c["release"].notna()).to_numpy()]
    m, mc = f.of_milestones("release_prep_program")
    firsts = pd.DataFrame({"case_id": mc["case_id"].to_numpy(), "done": m["done"].to_numpy(),
                           "program_due": m["due"].to_numpy()}).groupby("case_id").min()
    out = c[["unit_id", *KEYS, "registered", "closed", "release"]].copy()
    at = firsts.index.get_indexer(c["case_id"].to_numpy())
    for column in ("done", "program_due"):
        values = np.append(firsts[column].to_numpy(np.float64), np.nan)
        out[column] = values[at]  # -1 (no program) takes the NaN appended
    return out


def hearing_rows(f: Frames) -> pd.DataFrame:
    """Pre-trial cases on the register until their hearing; late 1 without a report
    handed in before the hearing day."""
    c = f.cases
    hearing = c["hearing"]
    c = c[((c["probation_type"] == "pre_trial") & hearing.notna()
           & (c["registered"] <= hearing)
           & (c["closed"].isna() | (c["closed"] >= hearing))).to_numpy()]
    m, mc = f.of_milestones("pre_trial_report")
    before = m["done"].to_numpy() < mc["hearing"].to_numpy()  # NaN compares False
    reported = np.isin(c["case_id"].to_numpy(), mc["case_id"].to_numpy()[before])
    return pd.DataFrame({"unit_id": c["unit_id"].to_numpy(),
                         "probation_type": c["probation_type"].to_numpy(),
                         "legal_category": c["legal_category"].to_numpy(),
                         "late": np.where(reported, 0, 1),
                         "hearing": c["hearing"].to_numpy()})


def _with_officers(f: Frames, frame: pd.DataFrame) -> pd.DataFrame:
    """stocks._with_officers on the assignments at hand: each row once per stretch of
    its case (f.held)."""
    return frame.merge(f.held, on="case_id", how="left")


def held_case_rows(f: Frames) -> pd.DataFrame:
    """Each case with its first program drafted (NaN: none yet, as SQL's min of none)."""
    c, m = f.cases, f.milestones
    programs = m[m["kind"].isin(PROGRAM_KINDS).to_numpy() & m["done"].notna().to_numpy()]
    first = programs.groupby("at")["done"].min()
    drafted = np.full(len(c), np.nan)
    drafted[first.index.to_numpy()] = first.to_numpy()
    frame = pd.DataFrame({"unit_id": c["unit_id"], **{k: c[k] for k in KEYS},
                          "row": c["case_id"], "case_id": c["case_id"],
                          "registered": c["registered"], "closed": c["closed"],
                          "drafted": drafted})
    return _with_officers(f, frame)


def held_milestone_rows(f: Frames) -> pd.DataFrame:
    m, c = f.of_milestones()
    frame = pd.DataFrame({"unit_id": c["unit_id"], **{k: c[k] for k in KEYS},
                          "row": m["id"].to_numpy(), "case_id": c["case_id"],
                          "report": (m["kind"] == "pre_trial_report").to_numpy().astype(np.int64),
                          "registered": c["registered"], "closed": c["closed"],
                          "due": m["due"].to_numpy(), "done": m["done"].to_numpy()})
    return _with_officers(f, frame)


ROWS: dict[str, tuple[Callable[[Frames], pd.DataFrame], ...]] = {
    S.MILESTONES.table.name: (milestone_rows,),
    S.CASES.table.name: (case_rows, report_rows, release_rows),
    S.OFFICERS.table.name: (held_case_rows, held_milestone_rows),
    S.HEARINGS.table.name: (hearing_rows,),
}
"""Per stock table, the builder of each of its spec's reads, in their order."""


def reader(tables: Tables) -> Callable[[S.Spec], S.Rows]:
    """rows(spec): the rows of each of the spec's reads for a chunk of units, built from
    `tables` a chunk at a time (at scale 10 the rows of every unit at once outgrow the
    machine)."""
    frames = Frames.of(tables)

    def rows(spec: S.Spec) -> S.Rows:
        builders = ROWS[spec.table.name]
        if len(builders) != len(spec.reads):
            raise ValueError(f"{spec.table.name}: {len(spec.reads)} reads, "
                             f"{len(builders)} builders")

        def of_chunk(chunk: list[int] | None) -> list[pd.DataFrame]:
            part = frames.of_units(chunk)
            return [build(part) for build in builders]

        return of_chunk

    return rows


def counted(tables: Tables, first: date, until: date, dialect: str
            ) -> dict[Table, pd.DataFrame]:
    """Every stock but the headcount (stocks.counts) counted from `tables` for the data's
    first and last day, as stocks.refresh would count them on `dialect`, without the
    database: its units are the frames'."""
    rows = reader(tables)
    unit_ids = sorted(tables["units"]["id"].tolist())
    days = S.stock_days(first, until)
    return dict(S.counts(lambda spec: S.count(spec, days, unit_ids, dialect, rows(spec))))
