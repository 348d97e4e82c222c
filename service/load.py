"""Replacing the case tables with a whole dataset (a generated demo or an extract), then
refreshing the read models, in one transaction: either every table is replaced or
nothing changes.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sqlalchemy import CheckConstraint, delete, func, insert, literal, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.schema import AddConstraint, DropConstraint

from dashboard import schema
from dashboard.db import is_postgres
from service import readmodel
from service.bulk import write_table
from service.progress import Progress
from service.readmodel import rollups


def holds_data(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(schema.regions)).scalar_one() > 0


def replace_all(engine: Engine, dataset, progress=None) -> dict[str, int]:
    """Replace every data table with the dataset's frames, in one transaction, reporting
    each table, the indexes and the read models to `progress` (service.progress).

    Secondary indexes are dropped for the load and rebuilt before the commit (several
    times faster than maintaining them row by row). Foreign keys are checked once for the
    whole load: re-added on PostgreSQL, `foreign_key_check` on SQLite. So are SQLite's
    check constraints (`check_constraints`): evaluated per row, their IN lists cost more
    than the insert itself. SQLite loads with a rollback journal instead of its write-ahead
    log (a new page of a big transaction is then written once, not twice; the load stays
    one transaction) and without fsync. While the database builds the indexes, a thread
    counts the month-end and outcome stocks from the dataset's frames (readmodel.count);
    the refresh then only writes them.
    """
    progress = progress or Progress.quiet()
    rows = sum(len(dataset.tables[t.name]) for t in schema.DATA_TABLES)
    with engine.connect() as conn:
        sqlite = not is_postgres(conn)
        journal = None
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.exec_driver_sql("PRAGMA ignore_check_constraints=ON")
            journal = _journal_mode(conn, "DELETE")
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
            conn.commit()  # pysqlite opens no transaction for PRAGMAs; this ends SQLAlchemy's
        try:
            with conn.begin():
                with progress.stage("load", rows + 2) as step:
                    if not sqlite:
                        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
                        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
                    clear(conn)
                    indexes = [i for t in schema.DATA_TABLES for i in t.indexes]
                    foreign_keys = [] if sqlite else [
                        fk for t in schema.DATA_TABLES for fk in t.foreign_key_constraints]
                    for fk in foreign_keys:
                        conn.execute(DropConstraint(fk))
                    for index in indexes:
                        index.drop(conn)
                    schema.drop_access_indexes(conn)
                    step("cleared")
                    for table in schema.DATA_TABLES:
                        frame = dataset.tables[table.name]
                        write_table(conn, table, frame, freeze=True)  # truncated above
                        step(table.name, len(frame))
                    # The stocks are counted from the frames on a thread of their own
                    # while the database builds the indexes: both cores at work.
                    with ThreadPoolExecutor(1, thread_name_prefix="count") as pool:
                        counting = pool.submit(readmodel.count, dataset.tables, dataset.info,
                                               conn.dialect.name)
                        for index in indexes:
                            index.create(conn)
                        schema.create_access_indexes(conn)
                        step("indexes")
                        for fk in foreign_keys:  # validated here, in one pass per key
                            conn.execute(AddConstraint(fk))
                        if sqlite:
                            broken = conn.exec_driver_sql(
                                "PRAGMA foreign_key_check").fetchmany(5)
                            if broken:
                                raise ValueError(f"foreign keys do not match: {broken}")
                            check_constraints(conn)
                        step("foreign keys", 0)
                        write_info(conn, dataset.info)
                        counted = counting.result()
                    step("stocks counted", 0)
                with progress.stage("read models", readmodel.STEPS) as step:
                    readmodel.refresh(conn, step, dataset.tables, counted)
        finally:
            if sqlite:
                conn.rollback()
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.exec_driver_sql("PRAGMA ignore_check_constraints=OFF")
                conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
                _journal_mode(conn, journal)
                conn.commit()
    with progress.stage("statistics", 1) as step:
        refresh_statistics(engine)
        step("analyze")
    return dataset.counts()


def check_constraints(conn: Connection) -> None:
    """Raise ValueError naming a check constraint of a data table that a row breaks (a
    check fails when its expression is false, not when it is NULL): one scan per table,
    then one per check of a table that failed."""
    for table in schema.DATA_TABLES:
        checks = [c for c in table.constraints if isinstance(c, CheckConstraint)]
        if checks and _breaks(conn, table, checks):
            broken = [c.name for c in checks if _breaks(conn, table, [c])]
            raise ValueError(f"{table.name}: rows break the check {', '.join(broken)}")


def _breaks(conn: Connection, table, checks) -> bool:
    broken = " OR ".join(f"NOT ({c.sqltext})" for c in checks)
    return conn.execute(select(literal(1)).select_from(table).where(text(broken))
                        .limit(1)).first() is not None


def _journal_mode(conn: Connection, mode: str) -> str:
    """Switch SQLite's journal mode, returning the one before. Leaving WAL needs the only
    connection to the file: with others open (a running dashboard) the mode stays."""
    before = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    try:
        conn.exec_driver_sql(f"PRAGMA journal_mode={mode}")
    except OperationalError:
        conn.rollback()
    return before


def refresh_rollups(engine: Engine) -> None:
    """Recompute every read model from the loaded tables, then the statistics
    (`refresh-rollups`; replace_all does the same inside its own transaction)."""
    with engine.begin() as conn:
        readmodel.refresh(conn)
    refresh_statistics(engine)


def refresh_statistics(engine: Engine) -> None:
    """Planner statistics after a bulk change. Without them SQLite picks the wrong index
    for the milestone sub-queries."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
        if is_postgres(conn):
            # Sets the visibility map, so the overdue views and a unit's case counts answer
            # from their covering indexes alone.
            conn.execute(text("VACUUM milestones, cases"))
            # The read models are rewritten by every refresh: until a vacuum, their indexes
            # still point at every old row, and a day's read visits a page per dead row;
            # the rollups' views get their visibility map (index-only reads).
            names = ", ".join([*(t.name for t in readmodel.TABLES), *rollups.VIEWS])
            conn.execute(text(f"VACUUM {names}"))


def clear(conn: Connection) -> None:
    """Empty the data tables and dataset_info; on PostgreSQL the read models' tables too,
    which the refresh rewrites whole: truncated, they leave no dead rows to delete one by
    one and to vacuum after (no page reads them meanwhile: every page reads
    dataset_info, truncated until the commit)."""
    if is_postgres(conn):
        names = ", ".join(t.name for t in (*schema.DATA_TABLES, *readmodel.TABLES))
        conn.execute(text(f"TRUNCATE {names}, dataset_info"))
        return
    for table in reversed(schema.DATA_TABLES):
        conn.execute(delete(table))
    conn.execute(delete(schema.dataset_info))


def write_info(conn: Connection, info: dict[str, str]) -> None:
    """Replace dataset_info with `info` and a fresh data_version (see dashboard.cache)."""
    now = datetime.now().replace(microsecond=0)
    conn.execute(delete(schema.dataset_info))
    info = {**info, "data_version": new_data_version()}
    conn.execute(insert(schema.dataset_info),
                 [{"key": k, "value": v, "updated_at": now} for k, v in info.items()])


def new_data_version() -> str:
    """A stamp that changes with every load: part of every cache key."""
    return f"{datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
