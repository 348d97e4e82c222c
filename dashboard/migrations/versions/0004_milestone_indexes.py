"""milestone indexes for the overdue views

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 10:00:00

At scale 1 (2.35M milestones) the overdue views read all milestones of the ~25k cases on
the register: without these, PostgreSQL scans the table or walks the due-day index
(worklist first page ~0.7 s); with them ~60 ms. Run VACUUM ANALYZE milestones after a bulk
load so that index-only scans need no heap visits.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

LATE_OR_OPEN = "completed_on IS NULL OR completed_on > due_on"


def upgrade() -> None:
    op.create_index('ix_milestones_case_due', 'milestones', ['case_id', 'due_on'],
                    postgresql_include=['completed_on', 'kind'])
    op.create_index('ix_milestones_late', 'milestones', ['case_id', 'due_on', 'completed_on'],
                    postgresql_include=['id', 'kind', 'seq'],
                    postgresql_where=sa.text(LATE_OR_OPEN), sqlite_where=sa.text(LATE_OR_OPEN))


def downgrade() -> None:
    op.drop_index('ix_milestones_late', table_name='milestones')
    op.drop_index('ix_milestones_case_due', table_name='milestones')
