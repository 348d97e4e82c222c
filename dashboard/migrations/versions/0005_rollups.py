"""monthly rollup and access-path indexes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 10:00:00

monthly_rollup (queries/rollups.py): a materialized view on PostgreSQL, a table on
SQLite, filled here and refreshed after every generate and import. On PostgreSQL also the
GiST index that answers "milestones overdue on day d".
"""
from alembic import op

from queries.rollups import PG_ACCESS_INDEXES, ROLLUP, select_sql

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"CREATE MATERIALIZED VIEW {ROLLUP} AS {select_sql('postgresql')}")
        op.execute(f"CREATE INDEX ix_rollup_month ON {ROLLUP} (month, unit_id)")
        for ddl in PG_ACCESS_INDEXES.values():
            op.execute(ddl)
        return
    op.execute(f"""CREATE TABLE {ROLLUP} (
        month DATE NOT NULL, unit_id INTEGER NOT NULL, probation_type VARCHAR(20) NOT NULL,
        legal_category VARCHAR(32) NOT NULL, registered INTEGER NOT NULL,
        closed INTEGER NOT NULL, completed INTEGER NOT NULL)""")
    op.execute(f"CREATE INDEX ix_rollup_month ON {ROLLUP} (month, unit_id)")
    op.execute(f"INSERT INTO {ROLLUP} {select_sql('sqlite')}")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for name in PG_ACCESS_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"DROP MATERIALIZED VIEW IF EXISTS {ROLLUP}")
        return
    op.execute(f"DROP TABLE IF EXISTS {ROLLUP}")
