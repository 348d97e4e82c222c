"""stocks at month ends

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 18:10:00

milestone_stock, case_stock and officer_stock (queries/stocks.py): milestones due and
overdue, cases on the register and the cases each officer holds, at month ends. Created
empty: the queries use them only once a refresh (generate, import or
`probation-dashboard refresh-rollups`) has marked them fresh for the data loaded, and
count directly until then.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'milestone_stock',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('probation_type', sa.String(length=20), nullable=False),
        sa.Column('legal_category', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('due', sa.Integer(), nullable=False),
        sa.Column('overdue', sa.Integer(), nullable=False),
        sa.Column('due_soon', sa.Integer(), nullable=False),
        sa.Column('overdue_1_7', sa.Integer(), nullable=False),
        sa.Column('overdue_8_30', sa.Integer(), nullable=False),
        sa.Column('overdue_31_90', sa.Integer(), nullable=False),
        sa.Column('overdue_over_90', sa.Integer(), nullable=False),
    )
    op.create_index('ix_milestone_stock_day', 'milestone_stock', ['day', 'unit_id'])
    op.create_table(
        'case_stock',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('probation_type', sa.String(length=20), nullable=False),
        sa.Column('legal_category', sa.String(length=32), nullable=False),
        sa.Column('risk_tier', sa.String(length=10), nullable=False),
        sa.Column('on_register', sa.Integer(), nullable=False),
        sa.Column('reports_in_hand', sa.Integer(), nullable=False),
    )
    op.create_index('ix_case_stock_day', 'case_stock', ['day', 'unit_id'])
    op.create_table(
        'officer_stock',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('officer_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('probation_type', sa.String(length=20), nullable=False),
        sa.Column('legal_category', sa.String(length=32), nullable=False),
        sa.Column('risk_tier', sa.String(length=10), nullable=False),
        sa.Column('cases_held', sa.Integer(), nullable=False),
        sa.Column('reports_held', sa.Integer(), nullable=False),
    )
    op.create_index('ix_officer_stock_day', 'officer_stock', ['day', 'unit_id'])


def downgrade() -> None:
    op.drop_index('ix_officer_stock_day', table_name='officer_stock')
    op.drop_table('officer_stock')
    op.drop_index('ix_case_stock_day', table_name='case_stock')
    op.drop_table('case_stock')
    op.drop_index('ix_milestone_stock_day', table_name='milestone_stock')
    op.drop_table('milestone_stock')
    op.execute("DELETE FROM dataset_info WHERE key = 'stocks'")
