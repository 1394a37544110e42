"""Abuse limits: per-workspace settings (who may create projects) and live key checks.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workspace_settings",
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("members_create_projects", sa.Boolean(), nullable=False),
        sa.Column("changed_by", sa.String(32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("enterprise_id", "team_id", name="pk_workspace_settings"),
    )
    op.create_table(
        "key_checks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_key_checks"),
    )
    op.create_index(
        "ix_key_checks_team_time", "key_checks", ["enterprise_id", "team_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_key_checks_team_time", table_name="key_checks")
    op.drop_table("key_checks")
    op.drop_table("workspace_settings")
