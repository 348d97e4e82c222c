"""assignments by case: a covering index

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 15:00:00

Every count per officer joins each case to the assignment in force on a day
(queries.common.held_on): case_id, then the assigned and unassigned days, then the
officer. With only (case_id) each such lookup visits the assignment's heap page, and the
planner, pricing thousands of those, read every assignment in force in the nation
instead (a unit of scale 10: 1.4M rows for its 15,000 cases). On PostgreSQL the index now
carries the columns the join reads. SQLite keeps the plain index.
"""
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

# Frozen here: the schema's list may change, this migration may not.
COVER = ["assigned_on", "unassigned_on", "officer_id"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_assignments_case", table_name="case_assignments")
    op.create_index("ix_assignments_case", "case_assignments", ["case_id"],
                    postgresql_include=COVER)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_assignments_case", table_name="case_assignments")
    op.create_index("ix_assignments_case", "case_assignments", ["case_id"])
