"""A connected OpenAI organization (admin key, encrypted), project links, scheduled jobs,
rotation settings, reminders, resumable rotations, daily costs and budgets.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "org_connections",
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("keyring_key_id", sa.String(32), nullable=False),
        sa.Column("masked", sa.String(40), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("connected_by", sa.String(32), nullable=False),
        sa.Column("connected_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("enterprise_id", "team_id", name="pk_org_connections"),
    )
    op.create_index("ix_org_connections_keyring_key_id", "org_connections", ["keyring_key_id"])
    op.create_table(
        "project_links",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("openai_project_id", sa.String(80), nullable=False),
        sa.Column("openai_project_name", sa.String(200), nullable=True),
        sa.Column("linked_by", sa.String(64), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["key_projects.id"],
            name="fk_project_links_project_id_key_projects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name="pk_project_links"),
    )
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("holder", sa.String(80), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_run", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_job_leases"),
    )
    op.create_table(
        "rotation_settings",
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("rotation_days", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.String(32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("enterprise_id", "team_id", name="pk_rotation_settings"),
    )
    op.create_table(
        "rotation_reminders",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["key_projects.id"],
            name="fk_rotation_reminders_project_id_key_projects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name="pk_rotation_reminders"),
    )
    op.create_table(
        "key_rotations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("openai_project_id", sa.String(80), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("old_key_id", sa.String(80), nullable=True),
        sa.Column("new_key_id", sa.String(80), nullable=True),
        sa.Column("service_account_name", sa.String(80), nullable=False),
        sa.Column("pending_ciphertext", sa.Text(), nullable=True),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("expires_in_days", sa.Integer(), nullable=True),
        sa.Column("delete_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_by", sa.String(32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["key_projects.id"],
            name="fk_key_rotations_project_id_key_projects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_key_rotations"),
    )
    op.create_index("ix_key_rotations_project_id", "key_rotations", ["project_id"])
    op.create_table(
        "daily_costs",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("usd", sa.Float(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["key_projects.id"],
            name="fk_daily_costs_project_id_key_projects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "day", name="pk_daily_costs"),
    )
    op.create_table(
        "project_budgets",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("monthly_usd", sa.Float(), nullable=False),
        sa.Column("alerted_80", sa.String(7), nullable=True),
        sa.Column("alerted_100", sa.String(7), nullable=True),
        sa.Column("set_by", sa.String(32), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["key_projects.id"],
            name="fk_project_budgets_project_id_key_projects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name="pk_project_budgets"),
    )
    op.create_table(
        "cost_charts",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("slack_file_id", sa.String(32), nullable=False),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["key_projects.id"],
            name="fk_cost_charts_project_id_key_projects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name="pk_cost_charts"),
    )


def downgrade() -> None:
    op.drop_table("cost_charts")
    op.drop_table("project_budgets")
    op.drop_table("daily_costs")
    op.drop_index("ix_key_rotations_project_id", table_name="key_rotations")
    op.drop_table("key_rotations")
    op.drop_table("rotation_reminders")
    op.drop_table("rotation_settings")
    op.drop_table("job_leases")
    op.drop_table("project_links")
    op.drop_index("ix_org_connections_keyring_key_id", table_name="org_connections")
    op.drop_table("org_connections")
