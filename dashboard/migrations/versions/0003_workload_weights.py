"""workload weights

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 10:00:00

Versioned workload weights (issue 6) and the default set; an index on
case_assignments.unassigned_on for the load per officer on a day. The rows are written out here,
not imported from dashboard.workload: a migration must keep meaning what it meant when it
ran, whatever the code's defaults become later.
"""
from datetime import date

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

FROM = date(2012, 1, 1)
DEFAULTS = [
    # work_item, probation_type, legal_category, risk_tier, points
    ('case', 'sentence', None, 'low', 4.0),
    ('case', 'sentence', None, 'medium', 7.0),
    ('case', 'sentence', None, 'high', 12.0),
    ('case', 'sentence', 'restriction_of_freedom', 'low', 5.0),
    ('case', 'sentence', 'restriction_of_freedom', 'medium', 8.0),
    ('case', 'sentence', 'restriction_of_freedom', 'high', 13.0),
    ('case', 'post_penitentiary', None, 'low', 5.0),
    ('case', 'post_penitentiary', None, 'medium', 8.0),
    ('case', 'post_penitentiary', None, 'high', 14.0),
    ('case', 'post_penitentiary', 'admin_supervision', 'low', 3.0),
    ('case', 'post_penitentiary', 'admin_supervision', 'medium', 5.0),
    ('case', 'post_penitentiary', 'admin_supervision', 'high', 9.0),
    ('case', 'penitentiary', None, None, 6.0),
    ('case', 'pre_trial', None, None, 8.0),
    ('pre_trial_report', 'pre_trial', None, None, 5.0),
]


def upgrade() -> None:
    table = op.create_table(
        'workload_weights',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('work_item', sa.String(length=20), server_default='case', nullable=False,
                  comment='case: a case held; pre_trial_report: a report in hand'),
        sa.Column('probation_type', sa.String(length=20), nullable=False),
        sa.Column('legal_category', sa.String(length=32), nullable=True,
                  comment='NULL: any category of the type'),
        sa.Column('risk_tier', sa.String(length=8), nullable=True, comment='NULL: any tier'),
        sa.Column('points', sa.Float(), nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.Column('effective_until', sa.Date(), nullable=True,
                  comment='exclusive; NULL while in force'),
        sa.CheckConstraint("work_item IN ('case', 'pre_trial_report')",
                           name='ck_workload_weights_item'),
        sa.CheckConstraint("probation_type IN ('pre_trial', 'sentence', 'penitentiary', "
                           "'post_penitentiary')", name='ck_workload_weights_type'),
        sa.CheckConstraint('points >= 0', name='ck_workload_weights_points'),
        sa.CheckConstraint('effective_until IS NULL OR effective_until > effective_from',
                           name='ck_workload_weights_dates'),
        sa.PrimaryKeyConstraint('id', name=op.f('workload_weights_pkey')),
    )
    with op.batch_alter_table('workload_weights', schema=None) as batch_op:
        batch_op.create_index('ix_workload_weights_from', ['effective_from'], unique=False)
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_unassigned', ['unassigned_on'], unique=False)
    op.bulk_insert(table, [
        {'work_item': item, 'probation_type': ptype, 'legal_category': category,
         'risk_tier': risk, 'points': points, 'effective_from': FROM, 'effective_until': None}
        for item, ptype, category, risk, points in DEFAULTS
    ])


def downgrade() -> None:
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_assignments_unassigned')
    with op.batch_alter_table('workload_weights', schema=None) as batch_op:
        batch_op.drop_index('ix_workload_weights_from')
    op.drop_table('workload_weights')
