"""case database

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 15:41:21.024095
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dataset_info',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('dataset_info_pkey'))
    )
    op.create_table('persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False, comment='pseudonym, no real data'),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('protected_category', sa.String(length=32), nullable=True),
    sa.CheckConstraint("sex IN ('M', 'F')", name='ck_persons_sex'),
    sa.PrimaryKeyConstraint('id', name=op.f('persons_pkey')),
    sa.UniqueConstraint('code', name=op.f('persons_code_key'))
    )
    op.create_table('regions',
    sa.Column('code', sa.String(length=5), nullable=False, comment='ISO 3166-2, e.g. KZ-71'),
    sa.Column('name_kk', sa.String(length=80), nullable=False),
    sa.Column('name_ru', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('center_en', sa.String(length=40), nullable=False),
    sa.Column('center_lat', sa.Float(), nullable=False),
    sa.Column('center_lon', sa.Float(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('regions_pkey'))
    )
    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=5), nullable=False),
    sa.Column('name_kk', sa.String(length=120), nullable=False),
    sa.Column('name_ru', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.CheckConstraint("kind IN ('city', 'district', 'city_district')", name='ck_units_kind'),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('units_region_code_fkey')),
    sa.PrimaryKeyConstraint('id', name=op.f('units_pkey'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index('ix_units_region', ['region_code'], unique=False)

    op.create_table('posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=20), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True, comment='exclusive; NULL while the post exists'),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('transferred_on', sa.Date(), nullable=True, comment='date moved from the penal system'),
    sa.CheckConstraint("(source = 'penal_transfer') = (transferred_on IS NOT NULL)", name='ck_posts_transfer'),
    sa.CheckConstraint("grade IN ('head', 'senior_inspector', 'inspector')", name='ck_posts_grade'),
    sa.CheckConstraint("source IN ('establishment_2012', 'penal_transfer')", name='ck_posts_source'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('posts_unit_id_fkey')),
    sa.PrimaryKeyConstraint('id', name=op.f('posts_pkey'))
    )
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_unit', ['unit_id'], unique=False)

    op.create_table('officers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False, comment='pseudonymous staff code'),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True, comment='exclusive; NULL while in post'),
    sa.Column('contracted_hours', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('officers_post_id_fkey')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('officers_unit_id_fkey')),
    sa.PrimaryKeyConstraint('id', name=op.f('officers_pkey')),
    sa.UniqueConstraint('code', name=op.f('officers_code_key'))
    )
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.create_index('ix_officers_post', ['post_id'], unique=False)
        batch_op.create_index('ix_officers_unit', ['unit_id'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True, comment='responsible now or at close'),
    sa.Column('probation_type', sa.String(length=20), nullable=False),
    sa.Column('legal_category', sa.String(length=32), nullable=False),
    sa.Column('risk_tier', sa.String(length=8), nullable=False),
    sa.Column('appeared_on', sa.Date(), nullable=False, comment='person appeared at the service'),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('planned_end', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True, comment='exclusive: on the register until the day before'),
    sa.Column('close_reason', sa.String(length=32), nullable=True),
    sa.Column('hearing_on', sa.Date(), nullable=True, comment='pre-trial: court hearing date'),
    sa.Column('release_on', sa.Date(), nullable=True, comment='penitentiary: expected release date'),
    sa.Column('previous_case_id', sa.Integer(), nullable=True, comment='hand-over or inter-region transfer'),
    sa.CheckConstraint("legal_category IN ('conditionally_sentenced', 'restriction_of_freedom', 'parole', 'admin_supervision', 'suspect_protected', 'prisoner_last_year')", name='ck_cases_category'),
    sa.CheckConstraint("probation_type IN ('pre_trial', 'sentence', 'penitentiary', 'post_penitentiary')", name='ck_cases_type'),
    sa.CheckConstraint("risk_tier IN ('low', 'medium', 'high')", name='ck_cases_risk'),
    sa.CheckConstraint('(closed_on IS NULL) = (close_reason IS NULL)', name='ck_cases_close_reason'),
    sa.CheckConstraint('closed_on IS NULL OR closed_on > registered_on', name='ck_cases_closed_after'),
    sa.CheckConstraint('registered_on >= appeared_on', name='ck_cases_registered_after_appeared'),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('cases_officer_id_fkey')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('cases_person_id_fkey')),
    sa.ForeignKeyConstraint(['previous_case_id'], ['cases.id'], name=op.f('cases_previous_case_id_fkey')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('cases_unit_id_fkey')),
    sa.PrimaryKeyConstraint('id', name=op.f('cases_pkey'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_closed', ['closed_on'], unique=False)
        batch_op.create_index('ix_cases_officer', ['officer_id'], unique=False)
        batch_op.create_index('ix_cases_person', ['person_id'], unique=False)
        batch_op.create_index('ix_cases_registered', ['registered_on'], unique=False)
        batch_op.create_index('ix_cases_unit_registered', ['unit_id', 'registered_on'], unique=False)

    op.create_table('assistance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('provided_on', sa.Date(), nullable=True),
    sa.Column('result', sa.String(length=16), nullable=True, comment='NULL until provided'),
    sa.CheckConstraint("kind IN ('employment', 'education', 'vocational_training', 'medical', 'legal', 'psychological', 'documents', 'housing', 'other')", name='ck_assistance_kind'),
    sa.CheckConstraint("result IN ('achieved', 'partial', 'not_achieved')", name='ck_assistance_result'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('assistance_case_id_fkey')),
    sa.PrimaryKeyConstraint('id', name=op.f('assistance_pkey'))
    )
    with op.batch_alter_table('assistance', schema=None) as batch_op:
        batch_op.create_index('ix_assistance_case', ['case_id'], unique=False)
        batch_op.create_index('ix_assistance_requested', ['requested_on'], unique=False)

    op.create_table('case_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    sa.Column('unassigned_on', sa.Date(), nullable=True, comment='exclusive; NULL while responsible'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('case_assignments_case_id_fkey')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('case_assignments_officer_id_fkey')),
    sa.PrimaryKeyConstraint('id', name=op.f('case_assignments_pkey'))
    )
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_case', ['case_id'], unique=False)
        batch_op.create_index('ix_assignments_officer', ['officer_id', 'assigned_on'], unique=False)

    op.create_table('milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('seq', sa.SmallInteger(), nullable=False, comment='1, 2, ... for repeating kinds'),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.CheckConstraint("kind IN ('registration', 'program_drafted', 'program_review', 'check_in', 'pre_trial_report', 'release_prep_program', 'handover')", name='ck_milestones_kind'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('milestones_case_id_fkey')),
    sa.PrimaryKeyConstraint('id', name=op.f('milestones_pkey'))
    )
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index('ix_milestones_case', ['case_id'], unique=False)
        batch_op.create_index('ix_milestones_due', ['due_on'], unique=False)
        batch_op.create_index('ix_milestones_kind_completed', ['kind', 'completed_on'], unique=False)

    op.create_table('violations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('submitted_to_court_on', sa.Date(), nullable=True, comment='request to replace the sentence'),
    sa.Column('court_decision', sa.String(length=16), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.CheckConstraint("court_decision IN ('revoked', 'rejected')", name='ck_violations_decision'),
    sa.CheckConstraint("kind IN ('violation', 'malicious_violation', 'new_offence')", name='ck_violations_kind'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('violations_case_id_fkey')),
    sa.PrimaryKeyConstraint('id', name=op.f('violations_pkey'))
    )
    with op.batch_alter_table('violations', schema=None) as batch_op:
        batch_op.create_index('ix_violations_case', ['case_id'], unique=False)
        batch_op.create_index('ix_violations_occurred', ['occurred_on', 'kind'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('violations', schema=None) as batch_op:
        batch_op.drop_index('ix_violations_occurred')
        batch_op.drop_index('ix_violations_case')

    op.drop_table('violations')
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index('ix_milestones_kind_completed')
        batch_op.drop_index('ix_milestones_due')
        batch_op.drop_index('ix_milestones_case')

    op.drop_table('milestones')
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_assignments_officer')
        batch_op.drop_index('ix_assignments_case')

    op.drop_table('case_assignments')
    with op.batch_alter_table('assistance', schema=None) as batch_op:
        batch_op.drop_index('ix_assistance_requested')
        batch_op.drop_index('ix_assistance_case')

    op.drop_table('assistance')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_unit_registered')
        batch_op.drop_index('ix_cases_registered')
        batch_op.drop_index('ix_cases_person')
        batch_op.drop_index('ix_cases_officer')
        batch_op.drop_index('ix_cases_closed')

    op.drop_table('cases')
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.drop_index('ix_officers_unit')
        batch_op.drop_index('ix_officers_post')

    op.drop_table('officers')
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_unit')

    op.drop_table('posts')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index('ix_units_region')

    op.drop_table('units')
    op.drop_table('regions')
    op.drop_table('persons')
    op.drop_table('dataset_info')
