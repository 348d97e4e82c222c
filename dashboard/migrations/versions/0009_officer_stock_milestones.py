"""officer stock for every stock day, with milestones; hearing and release indexes

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 21:00:00

officer_stock (queries/stocks.py) now holds every stock day, not the last 25; its unit is
the case's unit (the staff page places an officer through the officers table); officer_id
is NULL on the rows of cases nobody held that day; and it counts those cases' milestones
due and overdue (the officer level of the milestones page). Recreated empty and the stocks
marked stale: the pages count directly until the next refresh (generate, import or
`probation-dashboard refresh-rollups`).

Partial indexes on cases.hearing_on and cases.release_on: the milestones page's pre-trial
hearings of a period and prisoners released within a year.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _officer_stock(with_milestones: bool) -> None:
    columns = [
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('officer_id', sa.Integer(), nullable=with_milestones),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('probation_type', sa.String(length=20), nullable=False),
        sa.Column('legal_category', sa.String(length=32), nullable=False),
        sa.Column('risk_tier', sa.String(length=10), nullable=False),
        sa.Column('cases_held', sa.Integer(), nullable=False),
        sa.Column('reports_held', sa.Integer(), nullable=False),
    ]
    if with_milestones:
        columns += [sa.Column('due', sa.Integer(), nullable=False),
                    sa.Column('overdue', sa.Integer(), nullable=False)]
    op.create_table('officer_stock', *columns)
    op.create_index('ix_officer_stock_day', 'officer_stock', ['day', 'unit_id'])


def _replace_officer_stock(with_milestones: bool) -> None:
    op.drop_index('ix_officer_stock_day', table_name='officer_stock')
    op.drop_table('officer_stock')
    _officer_stock(with_milestones)
    op.execute("DELETE FROM dataset_info WHERE key = 'stocks'")


def upgrade() -> None:
    _replace_officer_stock(True)
    op.create_index('ix_cases_hearing', 'cases', ['hearing_on'],
                    postgresql_where=sa.text('hearing_on IS NOT NULL'),
                    sqlite_where=sa.text('hearing_on IS NOT NULL'))
    op.create_index('ix_cases_release', 'cases', ['release_on'],
                    postgresql_where=sa.text('release_on IS NOT NULL'),
                    sqlite_where=sa.text('release_on IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('ix_cases_release', table_name='cases')
    op.drop_index('ix_cases_hearing', table_name='cases')
    _replace_officer_stock(False)
