"""drop the needs-attention table of the data's last day

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 15:20:00

officer_actions_day (0021) held queries.attention.officer_actions' counts on the data's
last day. The officer stock holds them on every stock day since 0023, the last day among
them, and `make bench` at scale 10 shows no difference without the table: it goes.
"""
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_officer_actions_day_unit', table_name='officer_actions_day')
    op.drop_table('officer_actions_day')
    op.execute("DELETE FROM dataset_info WHERE key = 'attention_day'")


def downgrade() -> None:
    import importlib

    created = importlib.import_module("dashboard.migrations.versions.0021_officer_actions_day")
    created.upgrade()
