"""outcome stocks

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 20:00:00

The outcomes page's running totals (queries/outcome_stocks.py): outcome_stock and
assistance_stock (events on or before every month end, per unit x probation type x legal
category), repeat_cases (the cases of people with more than one) and repeat_assistance
(assistance provided to a person more than once of the same kind). Created empty: the
queries use them only once a refresh (generate, import or `probation-dashboard
refresh-rollups`) has marked them fresh for the data loaded (dataset_info
"outcome_stocks"), and count directly until then. The measure columns are frozen here:
the code's list may grow, this migration may not.
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

OUTCOME_MEASURES = (
    'registered', 'closed_next_day', 'closed', 'completed', 'revoked', 'reoffended_12m',
    'new_offences', 'violations', 'malicious', 'submitted', 'court_revoked',
    'court_rejected',
)
ASSISTANCE_KINDS = ('employment', 'education', 'vocational_training', 'medical', 'legal',
                    'psychological', 'documents', 'housing', 'other')
ASSISTANCE_STEPS = ('requested', 'provided', 'achieved', 'partial', 'not_achieved')
ASSISTANCE_MEASURES = tuple(f'{kind}_{step}' for kind in ASSISTANCE_KINDS
                            for step in ASSISTANCE_STEPS)


def _stock(name: str, measures) -> None:
    op.create_table(
        name,
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('probation_type', sa.String(length=20), nullable=False),
        sa.Column('legal_category', sa.String(length=32), nullable=False),
        *(sa.Column(m, sa.Integer(), nullable=False) for m in measures),
    )
    op.create_index(f'ix_{name}_day', name, ['day', 'unit_id'])


def upgrade() -> None:
    _stock('outcome_stock', OUTCOME_MEASURES)
    _stock('assistance_stock', ASSISTANCE_MEASURES)
    op.create_table(
        'repeat_cases',
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('probation_type', sa.String(length=20), nullable=False),
        sa.Column('legal_category', sa.String(length=32), nullable=False),
        sa.Column('registered_on', sa.Date(), nullable=False),
        sa.Column('closed_on', sa.Date()),
    )
    op.create_table(
        'repeat_assistance',
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('probation_type', sa.String(length=20), nullable=False),
        sa.Column('legal_category', sa.String(length=32), nullable=False),
        sa.Column('provided_on', sa.Date(), nullable=False),
    )
    op.create_index('ix_repeat_assistance_provided', 'repeat_assistance', ['provided_on'])


def downgrade() -> None:
    op.drop_index('ix_repeat_assistance_provided', table_name='repeat_assistance')
    op.drop_table('repeat_assistance')
    op.drop_table('repeat_cases')
    op.drop_index('ix_assistance_stock_day', table_name='assistance_stock')
    op.drop_table('assistance_stock')
    op.drop_index('ix_outcome_stock_day', table_name='outcome_stock')
    op.drop_table('outcome_stock')
    op.execute("DELETE FROM dataset_info WHERE key = 'outcome_stocks'")
