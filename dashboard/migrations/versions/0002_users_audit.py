"""users and audit log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 16:00:00

The audit log is append-only: a trigger on each backend refuses UPDATE and DELETE.
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

APPEND_ONLY = "audit_log is append-only"


def upgrade() -> None:
    op.create_table(
        'users',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False,
                  comment='werkzeug scrypt'),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('region_code', sa.String(length=5), nullable=True,
                  comment='region_head: the region'),
        sa.Column('unit_id', sa.Integer(), nullable=True, comment='unit_head: the unit'),
        sa.Column('language', sa.String(length=2), server_default='kk', nullable=False),
        sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column('failed_attempts', sa.Integer(), server_default='0', nullable=False),
        sa.Column('locked_until', sa.DateTime(), nullable=True,
                  comment='UTC; sign-in refused until then'),
        sa.Column('last_sign_in', sa.DateTime(), nullable=True, comment='UTC'),
        sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False,
                  comment='bumped on sign-out, password change, disable: '
                          'old cookies stop working'),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('ministry', 'region_head', 'unit_head', 'admin')",
                           name='ck_users_role'),
        sa.CheckConstraint("language IN ('kk', 'ru', 'en')", name='ck_users_language'),
        sa.CheckConstraint("role <> 'region_head' OR region_code IS NOT NULL",
                           name='ck_users_region_head'),
        sa.CheckConstraint("role <> 'unit_head' OR unit_id IS NOT NULL",
                           name='ck_users_unit_head'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('username'),
    )
    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False, comment='UTC'),
        sa.Column('username', sa.String(length=64), nullable=True,
                  comment='as signed in, or as typed on a failed sign-in'),
        sa.Column('event', sa.String(length=32), nullable=False),
        sa.Column('target', sa.String(length=200), nullable=True,
                  comment='what was asked for: a path, region, case id'),
        sa.Column('ip', sa.String(length=45), nullable=True),
        sa.Column('detail', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        comment='append-only: triggers refuse UPDATE and DELETE',
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_user_at', ['username', 'at'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"""
            CREATE FUNCTION audit_log_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{APPEND_ONLY}';
            END $$;
        """)
        op.execute("""
            CREATE TRIGGER audit_log_append_only
            BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
        """)
    else:
        for action in ('UPDATE', 'DELETE'):
            op.execute(f"""
                CREATE TRIGGER audit_log_no_{action.lower()}
                BEFORE {action} ON audit_log
                BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END;
            """)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_user_at')
        batch_op.drop_index('ix_audit_at')
    op.drop_table('audit_log')
    op.drop_table('users')
