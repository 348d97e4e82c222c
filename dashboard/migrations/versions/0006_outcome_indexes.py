"""outcome indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 17:00:00

The outcomes page counts assistance provided in a period (provided_on) with assistance
requested in it (requested_on is indexed), and violations submitted to court or decided
in a period with those that occurred in it (occurred_on is indexed): with these,
PostgreSQL combines the date indexes (BitmapOr) instead of scanning the whole table.
"""
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_assistance_provided', 'assistance', ['provided_on'])
    op.create_index('ix_violations_submitted', 'violations', ['submitted_to_court_on'])
    op.create_index('ix_violations_decided', 'violations', ['decided_on'])


def downgrade() -> None:
    op.drop_index('ix_violations_decided', table_name='violations')
    op.drop_index('ix_violations_submitted', table_name='violations')
    op.drop_index('ix_assistance_provided', table_name='assistance')
