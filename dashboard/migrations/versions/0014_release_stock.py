"""prisoners releasing within the horizon in the case stock

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26 13:30:00

The milestones page's prisoners on the register released within the release-preparation
horizon (and of those without a program drafted, and with the program past due) were
counted with one index probe per prisoner: 88 ms at scale 10. case_stock now holds the
three counts per stock day (queries/stocks.py). Added as zero and the stocks marked stale:
the pages count directly until the next refresh (generate, import or
`probation-dashboard refresh-rollups`).
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

MEASURES = ('releasing', 'releasing_without_program', 'releasing_program_overdue')


def upgrade() -> None:
    for name in MEASURES:
        op.add_column('case_stock', sa.Column(name, sa.Integer(), nullable=False,
                                              server_default='0'))
    op.execute("DELETE FROM dataset_info WHERE key IN ('stocks', 'stocks_release_months')")


def downgrade() -> None:
    with op.batch_alter_table('case_stock') as batch:
        for name in MEASURES:
            batch.drop_column(name)
    op.execute("DELETE FROM dataset_info WHERE key IN ('stocks', 'stocks_release_months')")
