"""the officer stock: milestones due soon and cases without a program

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 15:10:00

officer_stock (queries/readmodel/stocks.py) gains what the needs-attention list counts
beyond its due and overdue: milestones due in the 14 days from the day, and cases on the
register with no program drafted by it. The rows stored are then incomplete: the stocks'
mark is removed, so the definitions answer until the next refresh (generate, import or
`probation-dashboard refresh-rollups`) fills them.
"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('officer_stock') as batch:
        batch.add_column(sa.Column('due_soon', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('without_program', sa.Integer(), nullable=False,
                                   server_default='0'))
    op.execute("DELETE FROM dataset_info WHERE key = 'stocks'")


def downgrade() -> None:
    with op.batch_alter_table('officer_stock') as batch:
        batch.drop_column('without_program')
        batch.drop_column('due_soon')
    op.execute("DELETE FROM dataset_info WHERE key = 'stocks'")
