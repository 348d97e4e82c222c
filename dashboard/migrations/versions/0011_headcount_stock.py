"""headcount stock

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 23:00:00

headcount_stock (queries/stocks.py): posts existing and filled per unit, source and year
of transfer on every stock day and on 1 January of every year, for the staff page's posts
and timeline (they counted the officers in post on each of those days per request).
Created empty and the stocks marked stale: the pages count directly until the next
refresh (generate, import or `probation-dashboard refresh-rollups`).
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'headcount_stock',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('transfer_year', sa.Integer()),
        sa.Column('authorised', sa.Integer(), nullable=False),
        sa.Column('filled', sa.Integer(), nullable=False),
    )
    op.create_index('ix_headcount_stock_day', 'headcount_stock', ['day', 'unit_id'])
    op.execute("DELETE FROM dataset_info WHERE key = 'stocks'")


def downgrade() -> None:
    op.drop_index('ix_headcount_stock_day', table_name='headcount_stock')
    op.drop_table('headcount_stock')
