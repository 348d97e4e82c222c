"""a unit's closures and the grounds by day: covering indexes

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 15:35:00

The closures per officer of a unit (queries.kpis.registered_and_closed) read the unit's
cases closed in the period; with only (unit_id, registered_on) they walked every case
the unit ever had (a unit of scale 10: 268,000 for 23,000). The grounds to go to court in
a period (queries.outcomes' escalation) sum case_grounds by day; on PostgreSQL the index
now carries the columns the sum reads, so that it comes from the index alone once the
view is vacuumed (the load does, after every refresh).
"""
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

# Frozen here: the schema's lists may change, this migration may not.
CLOSED_COVER = ["id", "close_reason"]
GROUNDS_COVER = ["unit_id", "probation_type", "legal_category"]


def upgrade() -> None:
    op.create_index("ix_cases_unit_closed", "cases", ["unit_id", "closed_on"],
                    postgresql_include=CLOSED_COVER)
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_case_grounds_met")
    op.execute(f"CREATE INDEX ix_case_grounds_met ON case_grounds (met_on) "
               f"INCLUDE ({', '.join(GROUNDS_COVER)})")


def downgrade() -> None:
    op.drop_index("ix_cases_unit_closed", table_name="cases")
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_case_grounds_met")
    op.execute("CREATE INDEX ix_case_grounds_met ON case_grounds (met_on)")
