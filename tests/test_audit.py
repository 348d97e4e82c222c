"""The audit log: written, read back in order, clipped, and append-only on both backends."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from dashboard import audit
from dashboard.schema import audit_log


def test_entries_come_back_oldest_first_and_filter_by_user(engine):
    audit.record(engine, "sign_in", username="aigerim", ip="10.0.0.1")
    audit.record(engine, "refused", username="aigerim", target="region:KZ-75")
    audit.record(engine, "sign_in", username="bolat")
    mine = audit.entries(engine, username="aigerim")
    assert [(e.event, e.target) for e in mine] == [("sign_in", None), ("refused", "region:KZ-75")]
    assert len(audit.entries(engine, event="sign_in")) == 2
    assert audit.entries(engine, since=datetime(2999, 1, 1)) == []


def test_long_values_are_clipped_not_refused(engine):
    audit.record(engine, "sign_in_failed", username="x" * 500, target="t" * 5000)
    (entry,) = audit.entries(engine)
    assert len(entry.username) == 64 and len(entry.target) == 200


def test_unknown_event_is_a_programming_error(engine):
    with pytest.raises(ValueError):
        audit.record(engine, "deleted_everything")


@pytest.mark.parametrize("statement", [
    update(audit_log).values(event="sign_in"),
    delete(audit_log),
], ids=["update", "delete"])
def test_audit_log_is_append_only(engine, statement):
    audit.record(engine, "refused", username="aigerim", target="region:KZ-75")
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(statement)
    with engine.connect() as conn:
        assert conn.execute(select(audit_log.c.event)).scalars().all() == ["refused"]


def test_a_broken_database_does_not_break_the_request(tmp_path):
    from dashboard.db import make_engine

    unmigrated = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    audit.record(unmigrated, "sign_in", username="aigerim")  # logs, does not raise
