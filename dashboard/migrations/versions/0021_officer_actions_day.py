"""needs-attention counts of the data's last day

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 03:20:00

officer_actions_day (queries/readmodel/attention.py): queries.attention.officer_actions'
counts on the data's last day per officer x unit x probation type x legal category.
Created empty: filled by the next refresh (generate, import or
`probation-dashboard refresh-rollups`); until then the definition answers.
"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'officer_actions_day',
        sa.Column('officer_id', sa.Integer(), comment='NULL: the cases nobody held'),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('probation_type', sa.String(length=20), nullable=False),
        sa.Column('legal_category', sa.String(length=32), nullable=False),
        sa.Column('caseload', sa.Integer(), nullable=False),
        sa.Column('due', sa.Integer(), nullable=False),
        sa.Column('overdue', sa.Integer(), nullable=False),
        sa.Column('due_soon', sa.Integer(), nullable=False),
        sa.Column('without_program', sa.Integer(), nullable=False),
    )
    op.create_index('ix_officer_actions_day_unit', 'officer_actions_day', ['unit_id'])


def downgrade() -> None:
    op.drop_index('ix_officer_actions_day_unit', table_name='officer_actions_day')
    op.drop_table('officer_actions_day')
    op.execute("DELETE FROM dataset_info WHERE key = 'attention_day'")
