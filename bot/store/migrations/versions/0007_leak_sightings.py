"""Leak watch: its workspace setting and the keys seen in channel messages.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leak_watch_settings",
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("live_check", sa.Boolean(), nullable=False),
        sa.Column("alert_channel", sa.String(32), nullable=True),
        sa.Column("changed_by", sa.String(32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("enterprise_id", "team_id", name="pk_leak_watch_settings"),
    )
    op.create_table(
        "leak_sightings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("masked", sa.String(40), nullable=False),
        sa.Column("seen_count", sa.Integer(), nullable=False),
        sa.Column("posted_by", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("message_ts", sa.String(32), nullable=False),
        sa.Column("permalink", sa.String(500), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("live_status", sa.String(20), nullable=True),
        sa.Column("alerts", sa.Text(), nullable=True),
        sa.Column("resolved_by", sa.String(32), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["key_projects.id"],
            name="fk_leak_sightings_project_id_key_projects",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_leak_sightings"),
        sa.UniqueConstraint("enterprise_id", "team_id", "fingerprint", "day", name="uq_leak_once"),
    )
    op.create_index("ix_leak_sightings_fingerprint", "leak_sightings", ["fingerprint"])
    op.create_index("ix_leak_sightings_project_id", "leak_sightings", ["project_id"])


def downgrade() -> None:
    op.drop_index("ix_leak_sightings_project_id", table_name="leak_sightings")
    op.drop_index("ix_leak_sightings_fingerprint", table_name="leak_sightings")
    op.drop_table("leak_sightings")
    op.drop_table("leak_watch_settings")
