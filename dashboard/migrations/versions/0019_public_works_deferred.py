"""public works and deferred sentences; the public-works summons

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 23:30:00

Sentence probation also supervises people sentenced to public works and people whose
serving of the sentence is deferred (issue 27 item 4): two legal categories, and a milestone
kind for public works (the summons within 10 calendar days of the judgment's arrival).
The category and kind checks take the new codes; officer_load_stock gets their columns
(counts per work item x category x risk tier, 0 until the next refresh); workload_weights
gets their default weights. On SQLite the checks are widened in place (sqlite.org's
documented writable_schema procedure for loosening a CHECK), since rebuilding `cases`
would break the foreign keys that point at it. The lists are frozen here.
"""
import re
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

OLD_CATEGORIES = ('conditionally_sentenced', 'restriction_of_freedom', 'parole',
                  'admin_supervision', 'suspect_protected', 'prisoner_last_year')
NEW_CATEGORIES = ('public_works', 'deferred_sentence')
OLD_KINDS = ('registration', 'program_drafted', 'program_review', 'check_in',
             'pre_trial_report', 'release_prep_program', 'handover')
NEW_KINDS = ('summons',)
TIERS = ('low', 'medium', 'high')
CHECKS = (  # table, constraint, column, old values, new values
    ('cases', 'ck_cases_category', 'legal_category', OLD_CATEGORIES, NEW_CATEGORIES),
    ('milestones', 'ck_milestones_kind', 'kind', OLD_KINDS, NEW_KINDS),
)
FROM = date(2012, 1, 1)
WEIGHTS = [
    # work_item, probation_type, legal_category, risk_tier, points
    ('case', 'sentence', 'public_works', 'low', 3.0),
    ('case', 'sentence', 'public_works', 'medium', 5.0),
    ('case', 'sentence', 'public_works', 'high', 9.0),
    ('case', 'sentence', 'deferred_sentence', 'low', 4.0),
    ('case', 'sentence', 'deferred_sentence', 'medium', 7.0),
    ('case', 'sentence', 'deferred_sentence', 'high', 11.0),
]


def _in_list(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _set_checks(widen: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        for table, name, column, old, new in CHECKS:
            op.drop_constraint(name, table, type_='check')
            op.create_check_constraint(name, table, _in_list(column, old + new if widen else old))
        return
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema=ON")
    for table, name, column, old, new in CHECKS:
        sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' "
                                   "AND name = ?", (table,)).scalar()
        before, after = (old, old + new) if widen else (old + new, old)
        pattern = re.escape(_in_list(column, before)).replace(r"\ ", r"\s*")
        changed, n = re.subn(pattern, _in_list(column, after), sql)
        if n != 1:
            raise RuntimeError(f"{name}: the check on {table} is not the expected one")
        bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' "
                             "AND name = ?", (changed, table))
    bind.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema=OFF")


def _load_columns():
    return [f'{item}_{category}_{tier}' for item in ('cases', 'reports')
            for category in NEW_CATEGORIES for tier in TIERS]


def upgrade() -> None:
    _set_checks(widen=True)
    with op.batch_alter_table('officer_load_stock') as batch:
        for name in _load_columns():
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default='0'))
    weights = sa.table('workload_weights', sa.column('work_item'), sa.column('probation_type'),
                       sa.column('legal_category'), sa.column('risk_tier'),
                       sa.column('points'), sa.column('effective_from'),
                       sa.column('effective_until'))
    op.bulk_insert(weights, [
        {'work_item': item, 'probation_type': ptype, 'legal_category': category,
         'risk_tier': risk, 'points': points, 'effective_from': FROM, 'effective_until': None}
        for item, ptype, category, risk, points in WEIGHTS])
    op.execute("DELETE FROM dataset_info WHERE key IN ('stocks', 'stocks_release_months')")


def downgrade() -> None:
    op.execute("DELETE FROM workload_weights WHERE legal_category IN "
                "('public_works', 'deferred_sentence')")
    with op.batch_alter_table('officer_load_stock') as batch:
        for name in _load_columns():
            batch.drop_column(name)
    _set_checks(widen=False)
    op.execute("DELETE FROM dataset_info WHERE key IN ('stocks', 'stocks_release_months')")
