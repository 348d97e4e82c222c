"""caseload forecast

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 23:30:00

caseload_forecast (dashboard/schema.py): the stored 12-month forecast per place x
probation type with its 80 % interval (issue 30). Created empty: filled by the next
refresh (generate, import or `probation-dashboard refresh-rollups`).
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'caseload_forecast',
        sa.Column('region_code', sa.String(length=5), comment='NULL: the nation'),
        sa.Column('unit_id', sa.Integer(), comment='NULL: the region (or the nation)'),
        sa.Column('probation_type', sa.String(length=20), comment='NULL: all types'),
        sa.Column('month', sa.Date(), nullable=False, comment="the month's end"),
        sa.Column('mean', sa.Float(), nullable=False),
        sa.Column('lower', sa.Float(), nullable=False),
        sa.Column('upper', sa.Float(), nullable=False),
        sa.Column('method', sa.String(length=16), nullable=False,
                  comment='ets or seasonal_naive'),
        sa.Column('reason', sa.String(length=16),
                  comment='why seasonal_naive: short, zero, failed'),
    )
    op.create_index('ix_caseload_forecast_place', 'caseload_forecast',
                    ['region_code', 'unit_id', 'month'])


def downgrade() -> None:
    op.drop_index('ix_caseload_forecast_place', table_name='caseload_forecast')
    op.drop_table('caseload_forecast')
    op.execute("DELETE FROM dataset_info WHERE key IN ('forecast', 'forecast_backtest')")
