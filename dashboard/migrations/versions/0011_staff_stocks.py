"""staff stocks: headcount and officer loads

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 23:00:00

headcount_stock (queries/stocks.py): posts existing and filled per unit, source and year
of transfer on every stock day and on 1 January of every year, for the staff page's posts
and timeline (they counted the officers in post on each of those days per request).
officer_load_stock: the officer stock's cases held and reports in hand, one row per
officer and day, in all and per work item x legal category x risk tier, for the staff
page's loads (they summed ~8 rows of the officer stock per officer). Created empty and the
stocks marked stale: the pages count directly until the next refresh (generate, import or
`probation-dashboard refresh-rollups`). The item columns are frozen here: the code's list
may grow, this migration may not.
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

CATEGORIES = ('conditionally_sentenced', 'restriction_of_freedom', 'parole',
              'admin_supervision', 'suspect_protected', 'prisoner_last_year')
TIERS = ('low', 'medium', 'high')


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
    op.create_table(
        'officer_load_stock',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('officer_id', sa.Integer(), nullable=False),
        sa.Column('cases_held', sa.Integer(), nullable=False),
        sa.Column('reports_held', sa.Integer(), nullable=False),
        *(sa.Column(f'{item}_{category}_{tier}', sa.Integer(), nullable=False)
          for item in ('cases', 'reports') for category in CATEGORIES for tier in TIERS),
    )
    op.create_index('ix_officer_load_stock_day', 'officer_load_stock', ['day', 'officer_id'])
    op.execute("DELETE FROM dataset_info WHERE key = 'stocks'")


def downgrade() -> None:
    op.drop_index('ix_officer_load_stock_day', table_name='officer_load_stock')
    op.drop_table('officer_load_stock')
    op.drop_index('ix_headcount_stock_day', table_name='headcount_stock')
    op.drop_table('headcount_stock')
