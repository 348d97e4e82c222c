"""A case's history as one dated list: registration, milestones, assistance, violations,
reassignments and closure."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection

from dashboard.schema import assistance, case_assignments, milestones, officers, violations
from queries.places import CaseHeader

COLUMNS = ["on", "event", "kind", "detail", "due_on", "late"]


def case_timeline(conn: Connection, header: CaseHeader) -> pd.DataFrame:
    """Events of a case the caller has already looked up within scope (places.case_header),
    oldest first: columns on (date), event (registration, milestone, assistance_requested,
    assistance_provided, violation, court_submission, court_decision, assigned, closure),
    kind (a code of that event), detail (a code or staff code), due_on, late (bool)."""
    rows: list[dict] = [
        {"on": header.appeared_on, "event": "appeared", "kind": None},
        {"on": header.registered_on, "event": "registration", "kind": header.probation_type,
         "detail": header.legal_category},
    ]
    for m in conn.execute(select(milestones).where(milestones.c.case_id == header.id)
                          .order_by(milestones.c.due_on)).mappings():
        done = m["completed_on"]
        rows.append({"on": done or m["due_on"], "event": "milestone" if done else
                     "milestone_pending", "kind": m["kind"], "detail": str(m["seq"]),
                     "due_on": m["due_on"], "late": bool(done and done > m["due_on"])})
    for a in conn.execute(select(assistance).where(assistance.c.case_id == header.id)
                          ).mappings():
        rows.append({"on": a["requested_on"], "event": "assistance_requested",
                     "kind": a["kind"]})
        if a["provided_on"]:
            rows.append({"on": a["provided_on"], "event": "assistance_provided",
                         "kind": a["kind"], "detail": a["result"]})
    for v in conn.execute(select(violations).where(violations.c.case_id == header.id)
                          ).mappings():
        rows.append({"on": v["occurred_on"], "event": "violation", "kind": v["kind"]})
        if v["submitted_to_court_on"]:
            rows.append({"on": v["submitted_to_court_on"], "event": "court_submission",
                         "kind": v["kind"]})
        if v["decided_on"]:
            rows.append({"on": v["decided_on"], "event": "court_decision",
                         "kind": v["court_decision"]})
    for r in conn.execute(
            select(case_assignments.c.assigned_on, officers.c.code)
            .join_from(case_assignments, officers,
                       officers.c.id == case_assignments.c.officer_id)
            .where(case_assignments.c.case_id == header.id)
            .order_by(case_assignments.c.assigned_on)).all():
        rows.append({"on": r.assigned_on, "event": "assigned", "detail": r.code})
    if header.closed_on:
        rows.append({"on": header.closed_on, "event": "closure", "kind": header.close_reason})
    order = {e: i for i, e in enumerate(
        ["appeared", "registration", "assigned", "milestone", "milestone_pending",
         "assistance_requested", "assistance_provided", "violation", "court_submission",
         "court_decision", "closure"])}
    # Built in Python: a case has a few dozen events, where pandas' per-call overhead
    # (astype/where) cost more than the queries.
    rows.sort(key=lambda r: (r["on"], order[r["event"]]))
    records = [{**{c: r.get(c) for c in COLUMNS}, "late": bool(r.get("late"))} for r in rows]
    return pd.DataFrame(records, columns=COLUMNS, dtype=object)
