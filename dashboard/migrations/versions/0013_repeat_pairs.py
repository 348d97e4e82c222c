"""repeat pairs: the two cases of each person with exactly two

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 00:30:00

The outcomes page's people on the register subtract the cases beyond each person's first
(queries/outcome_stocks.py). Grouping repeat_cases by person for that was 14-17 % of an
uncached request; repeat_pairs holds, for each person with exactly two cases (all of them
in the generated data), the pair as one row, so that the correction is a sum
over rows, and repeat_cases.person_cases tells the people with three or more, still
counted by person. repeat_pairs is indexed by the first case's region and unit, for a
region's or a unit's page (both cases must be in the scope). Created empty and the
outcome stocks marked stale: the page counts directly until the next refresh (generate,
import or `probation-dashboard refresh-rollups`).
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'repeat_pairs',
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('region_code', sa.String(length=5), nullable=False),
        sa.Column('probation_type', sa.String(length=20), nullable=False),
        sa.Column('legal_category', sa.String(length=32), nullable=False),
        sa.Column('other_unit_id', sa.Integer(), nullable=False),
        sa.Column('other_region_code', sa.String(length=5), nullable=False),
        sa.Column('other_probation_type', sa.String(length=20), nullable=False),
        sa.Column('other_legal_category', sa.String(length=32), nullable=False),
        sa.Column('registered_on', sa.Date(), nullable=False),
        sa.Column('closed_on', sa.Date()),
    )
    op.create_index('ix_repeat_pairs_region', 'repeat_pairs', ['region_code'])
    op.create_index('ix_repeat_pairs_unit', 'repeat_pairs', ['unit_id'])
    op.add_column('repeat_cases', sa.Column('person_cases', sa.Integer()))
    op.create_index('ix_repeat_cases_person_cases', 'repeat_cases', ['person_cases'])
    op.execute("DELETE FROM dataset_info WHERE key = 'outcome_stocks'")


def downgrade() -> None:
    op.drop_index('ix_repeat_cases_person_cases', table_name='repeat_cases')
    with op.batch_alter_table('repeat_cases') as batch:
        batch.drop_column('person_cases')
    op.drop_index('ix_repeat_pairs_unit', table_name='repeat_pairs')
    op.drop_index('ix_repeat_pairs_region', table_name='repeat_pairs')
    op.drop_table('repeat_pairs')
    op.execute("DELETE FROM dataset_info WHERE key = 'outcome_stocks'")
