"""outcome rollups

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 18:00:00

The outlier rule of the outcomes page (queries/outcome_rollups.py): outlier_rollup_unit
(month x unit x probation type x legal category), officer_spells (the assignments with
their case's unit, type and category) and outlier_rollup_officer (month x officer x unit
of the case, read from officer_spells), and case_grounds (the day each case met the
grounds to ask the court, for the escalation counts). Materialized views on PostgreSQL,
tables on SQLite; refreshed after every generate and import with monthly_rollup. The defining SQL
is frozen here: the refresh code's copy may change, this migration may not.

Also a partial index on the revoked closures (the revocations per window read only those).
"""
# ruff: noqa: E501 - the frozen SQL stays as the refresh code generated it
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

UNIT_ROLLUP_PG = """        WITH RECURSIVE
        ev AS (
            SELECT entity_id, unit_id, probation_type, legal_category, CAST(date_trunc('month', s) AS DATE) AS month, 1 AS net,
                   (CAST(CAST(date_trunc('month', s) AS DATE) + INTERVAL '1 month' AS DATE) - s) AS off
            FROM (SELECT unit_id AS entity_id, unit_id, probation_type, legal_category,
                  registered_on AS s, closed_on AS e FROM cases) AS starts
            UNION ALL
            SELECT entity_id, unit_id, probation_type, legal_category, CAST(date_trunc('month', e) AS DATE) AS month, -1 AS net,
                   -(CAST(CAST(date_trunc('month', e) AS DATE) + INTERVAL '1 month' AS DATE) - e) AS off
            FROM (SELECT unit_id AS entity_id, unit_id, probation_type, legal_category,
                  registered_on AS s, closed_on AS e FROM cases) AS ends WHERE e IS NOT NULL),
        evm AS (SELECT entity_id, unit_id, probation_type, legal_category, month, SUM(net) AS net, SUM(off) AS off FROM ev
                GROUP BY entity_id, unit_id, probation_type, legal_category, month),
        events AS (
            SELECT entity_id, unit_id, probation_type, legal_category, CAST(date_trunc('month', d) AS DATE) AS month, 1 AS offences, 0 AS revocations
            FROM (SELECT c.unit_id AS entity_id, c.unit_id, c.probation_type, c.legal_category,
                  v.occurred_on AS d
           FROM violations v JOIN cases c ON c.id = v.case_id
           WHERE v.kind = 'new_offence') AS o
            UNION ALL
            SELECT entity_id, unit_id, probation_type, legal_category, CAST(date_trunc('month', d) AS DATE) AS month, 0, 1 FROM (SELECT unit_id AS entity_id, unit_id, probation_type, legal_category,
                  closed_on AS d FROM cases WHERE close_reason = 'revoked') AS r),
        bounds AS (
            SELECT MIN(month) AS first, MAX(month) AS last FROM (
                SELECT month FROM evm UNION ALL SELECT month FROM events) AS m),
        months(month) AS (
            SELECT first FROM bounds
            UNION ALL
            SELECT CAST(month + INTERVAL '1 month' AS DATE) FROM months
            WHERE month < (SELECT last FROM bounds)),
        life AS (
            SELECT entity_id, unit_id, probation_type, legal_category, MIN(month) AS first,
                   CASE WHEN SUM(net) > 0 THEN (SELECT last FROM bounds)
                        ELSE MAX(month) END AS last
            FROM evm GROUP BY entity_id, unit_id, probation_type, legal_category),
        stock AS (
            SELECT l.entity_id, l.unit_id, l.probation_type, l.legal_category, m.month,
                   COALESCE(SUM(COALESCE(x.net, 0)) OVER (
                       PARTITION BY l.entity_id, l.unit_id, l.probation_type, l.legal_category
                       ORDER BY m.month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                       0) AS open_before,
                   COALESCE(x.off, 0) AS off
            FROM life l
            JOIN months m ON m.month BETWEEN l.first AND l.last
            LEFT JOIN evm x ON x.entity_id = l.entity_id AND x.unit_id = l.unit_id AND x.probation_type = l.probation_type AND x.legal_category = l.legal_category AND x.month = m.month),
        cells AS (
            SELECT entity_id, unit_id, probation_type, legal_category, month, open_before,
                   (CAST(month + INTERVAL '1 month' AS DATE) - month) * open_before + off AS caseload_days,
                   0 AS offences, 0 AS revocations
            FROM stock WHERE open_before <> 0 OR off <> 0
            UNION ALL
            SELECT entity_id, unit_id, probation_type, legal_category, month, 0, 0, offences, revocations FROM events)
        SELECT month, entity_id, unit_id, probation_type, legal_category,
               CAST(SUM(open_before) AS INTEGER) AS open_before,
               CAST(SUM(caseload_days) AS INTEGER) AS caseload_days,
               CAST(SUM(offences) AS INTEGER) AS offences,
               CAST(SUM(revocations) AS INTEGER) AS revocations
        FROM cells GROUP BY month, entity_id, unit_id, probation_type, legal_category
        ORDER BY month"""

UNIT_ROLLUP_SQLITE = """        WITH RECURSIVE
        ev AS (
            SELECT entity_id, unit_id, probation_type, legal_category, date(s, 'start of month') AS month, 1 AS net,
                   CAST(julianday(date(date(s, 'start of month'), '+1 month')) - julianday(s) AS INTEGER) AS off
            FROM (SELECT unit_id AS entity_id, unit_id, probation_type, legal_category,
                  registered_on AS s, closed_on AS e FROM cases) AS starts
            UNION ALL
            SELECT entity_id, unit_id, probation_type, legal_category, date(e, 'start of month') AS month, -1 AS net,
                   -CAST(julianday(date(date(e, 'start of month'), '+1 month')) - julianday(e) AS INTEGER) AS off
            FROM (SELECT unit_id AS entity_id, unit_id, probation_type, legal_category,
                  registered_on AS s, closed_on AS e FROM cases) AS ends WHERE e IS NOT NULL),
        evm AS (SELECT entity_id, unit_id, probation_type, legal_category, month, SUM(net) AS net, SUM(off) AS off FROM ev
                GROUP BY entity_id, unit_id, probation_type, legal_category, month),
        events AS (
            SELECT entity_id, unit_id, probation_type, legal_category, date(d, 'start of month') AS month, 1 AS offences, 0 AS revocations
            FROM (SELECT c.unit_id AS entity_id, c.unit_id, c.probation_type, c.legal_category,
                  v.occurred_on AS d
           FROM violations v JOIN cases c ON c.id = v.case_id
           WHERE v.kind = 'new_offence') AS o
            UNION ALL
            SELECT entity_id, unit_id, probation_type, legal_category, date(d, 'start of month') AS month, 0, 1 FROM (SELECT unit_id AS entity_id, unit_id, probation_type, legal_category,
                  closed_on AS d FROM cases WHERE close_reason = 'revoked') AS r),
        bounds AS (
            SELECT MIN(month) AS first, MAX(month) AS last FROM (
                SELECT month FROM evm UNION ALL SELECT month FROM events) AS m),
        months(month) AS (
            SELECT first FROM bounds
            UNION ALL
            SELECT date(month, '+1 month') FROM months
            WHERE month < (SELECT last FROM bounds)),
        life AS (
            SELECT entity_id, unit_id, probation_type, legal_category, MIN(month) AS first,
                   CASE WHEN SUM(net) > 0 THEN (SELECT last FROM bounds)
                        ELSE MAX(month) END AS last
            FROM evm GROUP BY entity_id, unit_id, probation_type, legal_category),
        stock AS (
            SELECT l.entity_id, l.unit_id, l.probation_type, l.legal_category, m.month,
                   COALESCE(SUM(COALESCE(x.net, 0)) OVER (
                       PARTITION BY l.entity_id, l.unit_id, l.probation_type, l.legal_category
                       ORDER BY m.month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                       0) AS open_before,
                   COALESCE(x.off, 0) AS off
            FROM life l
            JOIN months m ON m.month BETWEEN l.first AND l.last
            LEFT JOIN evm x ON x.entity_id = l.entity_id AND x.unit_id = l.unit_id AND x.probation_type = l.probation_type AND x.legal_category = l.legal_category AND x.month = m.month),
        cells AS (
            SELECT entity_id, unit_id, probation_type, legal_category, month, open_before,
                   CAST(julianday(date(month, '+1 month')) - julianday(month) AS INTEGER) * open_before + off AS caseload_days,
                   0 AS offences, 0 AS revocations
            FROM stock WHERE open_before <> 0 OR off <> 0
            UNION ALL
            SELECT entity_id, unit_id, probation_type, legal_category, month, 0, 0, offences, revocations FROM events)
        SELECT month, entity_id, unit_id, probation_type, legal_category,
               CAST(SUM(open_before) AS INTEGER) AS open_before,
               CAST(SUM(caseload_days) AS INTEGER) AS caseload_days,
               CAST(SUM(offences) AS INTEGER) AS offences,
               CAST(SUM(revocations) AS INTEGER) AS revocations
        FROM cells GROUP BY month, entity_id, unit_id, probation_type, legal_category
        ORDER BY month"""

OFFICER_ROLLUP_PG = """        WITH RECURSIVE
        ev AS (
            SELECT entity_id, unit_id, CAST(date_trunc('month', s) AS DATE) AS month, 1 AS net,
                   (CAST(CAST(date_trunc('month', s) AS DATE) + INTERVAL '1 month' AS DATE) - s) AS off
            FROM (SELECT officer_id AS entity_id, unit_id, assigned_on AS s,
                  unassigned_on AS e FROM officer_spells) AS starts
            UNION ALL
            SELECT entity_id, unit_id, CAST(date_trunc('month', e) AS DATE) AS month, -1 AS net,
                   -(CAST(CAST(date_trunc('month', e) AS DATE) + INTERVAL '1 month' AS DATE) - e) AS off
            FROM (SELECT officer_id AS entity_id, unit_id, assigned_on AS s,
                  unassigned_on AS e FROM officer_spells) AS ends WHERE e IS NOT NULL),
        evm AS (SELECT entity_id, unit_id, month, SUM(net) AS net, SUM(off) AS off FROM ev
                GROUP BY entity_id, unit_id, month),
        bounds AS (SELECT MIN(month) AS first, MAX(month) AS last FROM evm),
        months(month) AS (
            SELECT first FROM bounds
            UNION ALL
            SELECT CAST(month + INTERVAL '1 month' AS DATE) FROM months
            WHERE month < (SELECT last FROM bounds)),
        life AS (
            SELECT entity_id, unit_id, MIN(month) AS first,
                   CASE WHEN SUM(net) > 0 THEN (SELECT last FROM bounds)
                        ELSE MAX(month) END AS last
            FROM evm GROUP BY entity_id, unit_id),
        stock AS (
            SELECT l.entity_id, l.unit_id, m.month,
                   COALESCE(SUM(COALESCE(x.net, 0)) OVER (
                       PARTITION BY l.entity_id, l.unit_id
                       ORDER BY m.month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                       0) AS open_before,
                   COALESCE(x.off, 0) AS off
            FROM life l
            JOIN months m ON m.month BETWEEN l.first AND l.last
            LEFT JOIN evm x ON x.entity_id = l.entity_id AND x.unit_id = l.unit_id AND x.month = m.month)
        SELECT month, entity_id, unit_id, CAST(open_before AS INTEGER) AS open_before,
               CAST((CAST(month + INTERVAL '1 month' AS DATE) - month) * open_before + off AS INTEGER)
                   AS caseload_days
        FROM stock WHERE open_before <> 0 OR off <> 0
        ORDER BY month"""

OFFICER_ROLLUP_SQLITE = """        WITH RECURSIVE
        ev AS (
            SELECT entity_id, unit_id, date(s, 'start of month') AS month, 1 AS net,
                   CAST(julianday(date(date(s, 'start of month'), '+1 month')) - julianday(s) AS INTEGER) AS off
            FROM (SELECT officer_id AS entity_id, unit_id, assigned_on AS s,
                  unassigned_on AS e FROM officer_spells) AS starts
            UNION ALL
            SELECT entity_id, unit_id, date(e, 'start of month') AS month, -1 AS net,
                   -CAST(julianday(date(date(e, 'start of month'), '+1 month')) - julianday(e) AS INTEGER) AS off
            FROM (SELECT officer_id AS entity_id, unit_id, assigned_on AS s,
                  unassigned_on AS e FROM officer_spells) AS ends WHERE e IS NOT NULL),
        evm AS (SELECT entity_id, unit_id, month, SUM(net) AS net, SUM(off) AS off FROM ev
                GROUP BY entity_id, unit_id, month),
        bounds AS (SELECT MIN(month) AS first, MAX(month) AS last FROM evm),
        months(month) AS (
            SELECT first FROM bounds
            UNION ALL
            SELECT date(month, '+1 month') FROM months
            WHERE month < (SELECT last FROM bounds)),
        life AS (
            SELECT entity_id, unit_id, MIN(month) AS first,
                   CASE WHEN SUM(net) > 0 THEN (SELECT last FROM bounds)
                        ELSE MAX(month) END AS last
            FROM evm GROUP BY entity_id, unit_id),
        stock AS (
            SELECT l.entity_id, l.unit_id, m.month,
                   COALESCE(SUM(COALESCE(x.net, 0)) OVER (
                       PARTITION BY l.entity_id, l.unit_id
                       ORDER BY m.month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                       0) AS open_before,
                   COALESCE(x.off, 0) AS off
            FROM life l
            JOIN months m ON m.month BETWEEN l.first AND l.last
            LEFT JOIN evm x ON x.entity_id = l.entity_id AND x.unit_id = l.unit_id AND x.month = m.month)
        SELECT month, entity_id, unit_id, CAST(open_before AS INTEGER) AS open_before,
               CAST(CAST(julianday(date(month, '+1 month')) - julianday(month) AS INTEGER) * open_before + off AS INTEGER)
                   AS caseload_days
        FROM stock WHERE open_before <> 0 OR off <> 0
        ORDER BY month"""

SPELLS = """        SELECT a.officer_id, c.unit_id, c.probation_type, c.legal_category,
               a.assigned_on, a.unassigned_on
        FROM case_assignments a JOIN cases c ON c.id = a.case_id"""

GROUNDS = """        SELECT c.id AS case_id, c.unit_id, c.probation_type, c.legal_category,
               MIN(r.occurred_on) AS met_on
        FROM (SELECT case_id, kind, occurred_on,
                     ROW_NUMBER() OVER (PARTITION BY case_id, kind
                                        ORDER BY occurred_on, id) AS n
              FROM violations WHERE kind IN ('violation', 'malicious_violation')) AS r
        JOIN cases c ON c.id = r.case_id
        WHERE (r.kind = 'violation' AND r.n = 2)
           OR (r.kind = 'malicious_violation' AND r.n = 1)
        GROUP BY c.id, c.unit_id, c.probation_type, c.legal_category"""

INDEXES = [
    "CREATE INDEX ix_outlier_rollup_unit_month ON outlier_rollup_unit (month)",
    "CREATE INDEX ix_outlier_rollup_officer_month ON outlier_rollup_officer (month)",
    # The spells that start or end in a window's edge month.
    "CREATE INDEX ix_officer_spells_assigned ON officer_spells (assigned_on)",
    "CREATE INDEX ix_officer_spells_unassigned ON officer_spells (unassigned_on)",
    "CREATE INDEX ix_case_grounds_met ON case_grounds (met_on)",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"CREATE MATERIALIZED VIEW outlier_rollup_unit AS {UNIT_ROLLUP_PG}")
        op.execute(f"CREATE MATERIALIZED VIEW officer_spells AS {SPELLS}")
        op.execute(f"CREATE MATERIALIZED VIEW outlier_rollup_officer AS {OFFICER_ROLLUP_PG}")
        op.execute(f"CREATE MATERIALIZED VIEW case_grounds AS {GROUNDS}")
    else:
        op.execute("""CREATE TABLE outlier_rollup_unit (
            month DATE NOT NULL, entity_id INTEGER NOT NULL, unit_id INTEGER NOT NULL,
            probation_type VARCHAR(20) NOT NULL, legal_category VARCHAR(32) NOT NULL,
            open_before INTEGER NOT NULL, caseload_days INTEGER NOT NULL,
            offences INTEGER NOT NULL, revocations INTEGER NOT NULL)""")
        op.execute("""CREATE TABLE officer_spells (
            officer_id INTEGER NOT NULL, unit_id INTEGER NOT NULL,
            probation_type VARCHAR(20) NOT NULL, legal_category VARCHAR(32) NOT NULL,
            assigned_on DATE NOT NULL, unassigned_on DATE)""")
        op.execute("""CREATE TABLE outlier_rollup_officer (
            month DATE NOT NULL, entity_id INTEGER NOT NULL, unit_id INTEGER NOT NULL,
            open_before INTEGER NOT NULL, caseload_days INTEGER NOT NULL)""")
        op.execute(f"INSERT INTO outlier_rollup_unit {UNIT_ROLLUP_SQLITE}")
        op.execute(f"INSERT INTO officer_spells {SPELLS}")
        op.execute("""CREATE TABLE case_grounds (
            case_id INTEGER NOT NULL, unit_id INTEGER NOT NULL,
            probation_type VARCHAR(20) NOT NULL, legal_category VARCHAR(32) NOT NULL,
            met_on DATE NOT NULL)""")
        op.execute(f"INSERT INTO outlier_rollup_officer {OFFICER_ROLLUP_SQLITE}")
        op.execute(f"INSERT INTO case_grounds {GROUNDS}")
    for ddl in INDEXES:
        op.execute(ddl)
    revoked = sa.text("close_reason = 'revoked'")
    op.create_index('ix_cases_revoked', 'cases', ['closed_on'], postgresql_where=revoked,
                    sqlite_where=revoked)
    if op.get_bind().dialect.name == 'postgresql':
        # A database upgraded in place has no load to analyze them after: without
        # statistics the first reads of the rollups chose poor plans (~100 ms, not ~10).
        for name in ('outlier_rollup_unit', 'officer_spells', 'outlier_rollup_officer',
                     'case_grounds'):
            op.execute(f"ANALYZE {name}")


def downgrade() -> None:
    op.drop_index('ix_cases_revoked', table_name='cases')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP MATERIALIZED VIEW IF EXISTS case_grounds")
        op.execute("DROP MATERIALIZED VIEW IF EXISTS outlier_rollup_officer")
        op.execute("DROP MATERIALIZED VIEW IF EXISTS officer_spells")
        op.execute("DROP MATERIALIZED VIEW IF EXISTS outlier_rollup_unit")
        return
    op.execute("DROP TABLE IF EXISTS case_grounds")
    op.execute("DROP TABLE IF EXISTS outlier_rollup_officer")
    op.execute("DROP TABLE IF EXISTS officer_spells")
    op.execute("DROP TABLE IF EXISTS outlier_rollup_unit")
