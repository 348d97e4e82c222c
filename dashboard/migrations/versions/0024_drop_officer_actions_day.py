"""drop the needs-attention table of the data's last day

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 15:20:00

officer_actions_day (0021) held queries.attention.officer_actions' counts on the data's
last day. The officer stock holds them on every stock day since 0023, the last day among
them, and `make bench` at scale 10 shows no difference without the table: it goes.
"""
import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_officer_actions_day_unit', table_name='officer_actions_day')
    op.drop_table('officer_actions_day')
    op.execute("DELETE FROM dataset_info WHERE key = 'attention_day'")


def downgrade() -> None:
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
