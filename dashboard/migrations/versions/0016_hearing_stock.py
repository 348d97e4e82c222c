"""hearing_stock: running totals of the pre-trial hearings

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-26 13:50:00

The milestones page counted a period's pre-trial hearings (and those without a report
handed in before) with one probe per hearing: 18,000 a year at scale 10, 25-30 ms.
hearing_stock holds the running totals per unit, type and category on every stock day
(queries/stocks.py); a period's count is the difference of two days. Created empty and
the stocks marked stale: the pages count directly until the next refresh (generate,
import or `probation-dashboard refresh-rollups`).
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'hearing_stock',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('probation_type', sa.String(length=20), nullable=False),
        sa.Column('legal_category', sa.String(length=32), nullable=False),
        sa.Column('hearings', sa.Integer(), nullable=False),
        sa.Column('hearings_late', sa.Integer(), nullable=False),
    )
    op.create_index('ix_hearing_stock_day', 'hearing_stock', ['day', 'unit_id'])
    op.execute("DELETE FROM dataset_info WHERE key IN ('stocks', 'stocks_release_months')")


def downgrade() -> None:
    op.drop_index('ix_hearing_stock_day', table_name='hearing_stock')
    op.drop_table('hearing_stock')
    op.execute("DELETE FROM dataset_info WHERE key IN ('stocks', 'stocks_release_months')")
