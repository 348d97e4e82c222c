"""drop the outlier rollups

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 09:00:00

outlier_rollup_unit, outlier_rollup_officer and officer_spells (0008) answered the outlier
rule's caseload while the arrays held in memory were being read: the memory pool answers
every request the bench and the load test make, and the plain counts answer meanwhile.
case_grounds (0008) stays. The downgrade creates them again with 0008's frozen SQL: empty
on SQLite until the next refresh of 0017's code.
"""
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

DROPPED = ("outlier_rollup_officer", "officer_spells", "outlier_rollup_unit")


def upgrade() -> None:
    kind = "MATERIALIZED VIEW" if op.get_bind().dialect.name == 'postgresql' else "TABLE"
    for name in DROPPED:
        op.execute(f"DROP {kind} IF EXISTS {name}")


def downgrade() -> None:
    import importlib

    created = importlib.import_module("dashboard.migrations.versions.0008_outcome_rollups")
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"CREATE MATERIALIZED VIEW outlier_rollup_unit AS {created.UNIT_ROLLUP_PG}")
        op.execute(f"CREATE MATERIALIZED VIEW officer_spells AS {created.SPELLS}")
        op.execute("CREATE MATERIALIZED VIEW outlier_rollup_officer AS "
                   f"{created.OFFICER_ROLLUP_PG}")
    else:
        _create_empty_sqlite_tables()
    for ddl in created.INDEXES:
        if "case_grounds" not in ddl:
            op.execute(ddl)


def _create_empty_sqlite_tables() -> None:
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
