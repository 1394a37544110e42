"""Team keys: projects, maintainers, encrypted stored keys, audit trail.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "key_projects",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("name_key", sa.String(80), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_key_projects"),
        sa.UniqueConstraint("enterprise_id", "team_id", "name_key", name="uq_project_name"),
    )
    op.create_table(
        "project_maintainers",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("added_by", sa.String(32), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["key_projects.id"],
            ondelete="CASCADE",
            name="fk_project_maintainers_project_id_key_projects",
        ),
        sa.PrimaryKeyConstraint("project_id", "user_id", name="pk_project_maintainers"),
    )
    op.create_table(
        "stored_keys",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("keyring_key_id", sa.String(32), nullable=False),
        sa.Column("masked", sa.String(40), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("openai_organization", sa.String(80), nullable=True),
        sa.Column("openai_project", sa.String(80), nullable=True),
        sa.Column("organization_hint", sa.String(80), nullable=True),
        sa.Column("project_hint", sa.String(80), nullable=True),
        sa.Column("set_by", sa.String(32), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_outcome", sa.String(20), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["key_projects.id"],
            ondelete="CASCADE",
            name="fk_stored_keys_project_id_key_projects",
        ),
        sa.PrimaryKeyConstraint("project_id", name="pk_stored_keys"),
    )
    op.create_index("ix_stored_keys_keyring_key_id", "stored_keys", ["keyring_key_id"])
    op.create_index("ix_stored_keys_fingerprint", "stored_keys", ["fingerprint"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("project_name", sa.String(80), nullable=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("fingerprint_id", sa.String(16), nullable=True),
        sa.Column("detail", sa.String(300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index(
        "ix_audit_team_time", "audit_events", ["enterprise_id", "team_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_audit_team_time", table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index("ix_stored_keys_fingerprint", table_name="stored_keys")
    op.drop_index("ix_stored_keys_keyring_key_id", table_name="stored_keys")
    op.drop_table("stored_keys")
    op.drop_table("project_maintainers")
    op.drop_table("key_projects")
