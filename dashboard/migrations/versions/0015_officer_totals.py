"""officers' due and overdue milestones in officer_load_stock, the unheld cases too

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26 13:40:00

The milestones page's national officer level summed the officer stock per officer twice
(135,000 rows of a day at scale 10: 140 ms); officer_load_stock, one row per officer and
day, now holds each officer's milestones due and overdue as well, and a row for the cases
nobody held (officer_id NULL), so that level reads it instead (queries/milestones.py).
Added as zero and the stocks marked stale: the pages count directly until the next
refresh (generate, import or `probation-dashboard refresh-rollups`).
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('officer_load_stock') as batch:
        batch.alter_column('officer_id', existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column('due', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('overdue', sa.Integer(), nullable=False,
                                   server_default='0'))
    op.execute("DELETE FROM dataset_info WHERE key IN ('stocks', 'stocks_release_months')")


def downgrade() -> None:
    op.execute("DELETE FROM officer_load_stock WHERE officer_id IS NULL")
    with op.batch_alter_table('officer_load_stock') as batch:
        batch.drop_column('overdue')
        batch.drop_column('due')
        batch.alter_column('officer_id', existing_type=sa.Integer(), nullable=False)
    op.execute("DELETE FROM dataset_info WHERE key IN ('stocks', 'stocks_release_months')")
