"""Rules that tie a line's values together, or to its parent rows, beyond type and code.

Each rule is vectorised over a chunk of parsed lines and names the lines that break it.
Messages are `str.format` templates over the line's values as written in the file (plus
any looked-up values the rule adds). docs/data-format.md lists every rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard import codes
from dashboard import rules as R


@dataclass
class Problem:
    mask: np.ndarray
    message: str
    extra: dict[str, pd.Series] = field(default_factory=dict)


class Lookups:
    """Values of parent rows (from this extract or the database) that rules compare to."""

    def case_registered(self, case_ids: pd.Series) -> pd.Series:  # pragma: no cover
        raise NotImplementedError

    def post_unit(self, post_ids: pd.Series) -> pd.Series:  # pragma: no cover
        raise NotImplementedError

    def case_category(self, case_ids: pd.Series) -> pd.Series:  # pragma: no cover
        raise NotImplementedError


def _b(series) -> np.ndarray:
    """A comparison result as a plain bool array, missing values counted as False."""
    if isinstance(series, pd.Series):
        return series.fillna(False).to_numpy(dtype=bool)
    return np.asarray(series, dtype=bool)


def _given(p: pd.DataFrame, column: str) -> np.ndarray:
    return p[column].notna().to_numpy()


def _before(p, earlier: str, later: str, strict: bool) -> np.ndarray:
    """Lines where both dates are given and `later` is before (or, strict, on) `earlier`."""
    a, b = p[earlier], p[later]
    return _b(b <= a) if strict else _b(b < a)


def _dates_of(values: pd.Series) -> pd.Series:
    return values.dt.strftime("%Y-%m-%d").fillna("?")


def _posts(p: pd.DataFrame, _: Lookups) -> list[Problem]:
    transfer = (p["source"] == "penal_transfer").fillna(False).to_numpy()
    source_known = _given(p, "source")
    return [
        Problem(_before(p, "valid_from", "valid_until", strict=True),
                "valid_until {valid_until} is not after valid_from {valid_from}"),
        Problem(source_known & (transfer != _given(p, "transferred_on")),
                "transferred_on must be given exactly when source is penal_transfer "
                "(source {source}, transferred_on '{transferred_on}')"),
    ]


def _officers(p: pd.DataFrame, look: Lookups) -> list[Problem]:
    hours = p["contracted_hours"]
    post_unit = look.post_unit(p["post_id"])
    other_unit = _b(post_unit.notna() & p["unit_id"].notna()
                    & (post_unit != p["unit_id"]))
    return [
        Problem(_before(p, "started_on", "left_on", strict=True),
                "left_on {left_on} is not after started_on {started_on}"),
        Problem(_b((hours <= 0) | (hours > 60)),
                "contracted_hours {contracted_hours} is not in (0, 60]"),
        Problem(other_unit, "post {post_id} belongs to unit {post_unit}, not unit {unit_id}",
                {"post_unit": post_unit.astype("Int64").astype(str)}),
    ]


def _cases(p: pd.DataFrame, _: Lookups) -> list[Problem]:
    expected_type = p["legal_category"].map(codes.CATEGORY_TYPE)
    wrong_type = _b(expected_type.notna() & p["probation_type"].notna()
                    & (expected_type != p["probation_type"]))
    closed, reason = _given(p, "closed_on"), _given(p, "close_reason")
    return [
        Problem(wrong_type, "legal_category {legal_category} is supervised under "
                "{expected_type}, not {probation_type}",
                {"expected_type": expected_type.fillna("?")}),
        Problem(_before(p, "appeared_on", "registered_on", strict=False),
                "registered_on {registered_on} is before appeared_on {appeared_on}"),
        Problem(_before(p, "registered_on", "planned_end", strict=True),
                "planned_end {planned_end} is not after registered_on {registered_on}"),
        Problem(_before(p, "registered_on", "closed_on", strict=True),
                "closed_on {closed_on} is not after registered_on {registered_on}"),
        Problem(closed != reason,
                "closed_on and close_reason must be given together "
                "(closed_on '{closed_on}', close_reason '{close_reason}')"),
        Problem(_b(p["previous_case_id"] == p["id"]),
                "previous_case_id {previous_case_id} is the case itself"),
    ]


def _after_registration(p: pd.DataFrame, look: Lookups, column: str) -> Problem:
    registered = look.case_registered(p["case_id"])
    early = _b(registered.notna() & p[column].notna() & (p[column] < registered))
    return Problem(early, f"{column} {{{column}}} is before case {{case_id}} was registered "
                          "on {case_registered_on}",
                   {"case_registered_on": _dates_of(registered)})


def _case_assignments(p: pd.DataFrame, look: Lookups) -> list[Problem]:
    return [
        Problem(_before(p, "assigned_on", "unassigned_on", strict=True),
                "unassigned_on {unassigned_on} is not after assigned_on {assigned_on}"),
        _after_registration(p, look, "assigned_on"),
    ]


# Milestone kinds that only some legal categories get (dashboard.rules): kind -> categories.
_KIND_CATEGORIES: dict[str, set[str]] = {}
for _category, _kinds in R.MILESTONES_BY_CATEGORY.items():
    for _kind in _kinds:
        _KIND_CATEGORIES.setdefault(_kind, set()).add(_category)


def _milestones(p: pd.DataFrame, look: Lookups) -> list[Problem]:
    category = look.case_category(p["case_id"])
    wrong = np.zeros(len(p), dtype=bool)
    for kind, categories in _KIND_CATEGORIES.items():
        wrong |= _b((p["kind"] == kind) & category.notna() & ~category.isin(categories))
    return [
        Problem(_b(p["seq"] < 1), "seq {seq} is not 1 or more"),
        _after_registration(p, look, "completed_on"),
        Problem(wrong, "a {kind} milestone is not for case {case_id}, whose legal_category "
                "is {case_category}", {"case_category": category.fillna("?")}),
    ]


def _assistance(p: pd.DataFrame, look: Lookups) -> list[Problem]:
    return [
        Problem(_before(p, "requested_on", "provided_on", strict=False),
                "provided_on {provided_on} is before requested_on {requested_on}"),
        Problem(_given(p, "provided_on") != _given(p, "result"),
                "provided_on and result must be given together "
                "(provided_on '{provided_on}', result '{result}')"),
        _after_registration(p, look, "requested_on"),
    ]


def _violations(p: pd.DataFrame, look: Lookups) -> list[Problem]:
    submitted, decided = _given(p, "submitted_to_court_on"), _given(p, "decided_on")
    return [
        _after_registration(p, look, "occurred_on"),
        Problem(_before(p, "occurred_on", "submitted_to_court_on", strict=False),
                "submitted_to_court_on {submitted_to_court_on} is before occurred_on "
                "{occurred_on}"),
        Problem(_before(p, "submitted_to_court_on", "decided_on", strict=False),
                "decided_on {decided_on} is before submitted_to_court_on "
                "{submitted_to_court_on}"),
        Problem(decided & ~submitted,
                "decided_on {decided_on} is given but submitted_to_court_on is not"),
        Problem(decided != _given(p, "court_decision"),
                "decided_on and court_decision must be given together "
                "(decided_on '{decided_on}', court_decision '{court_decision}')"),
    ]


RULES: dict[str, Callable[[pd.DataFrame, Lookups], list[Problem]]] = {
    "posts": _posts,
    "officers": _officers,
    "cases": _cases,
    "case_assignments": _case_assignments,
    "milestones": _milestones,
    "assistance": _assistance,
    "violations": _violations,
}
