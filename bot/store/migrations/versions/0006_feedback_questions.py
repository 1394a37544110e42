"""Asked questions: what troubleshooting could not answer, and feedback on its answers.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "asked_questions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("question", sa.String(500), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("entry_ids", sa.String(400), nullable=False),
        sa.Column("scores", sa.String(100), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_asked_questions"),
        sa.UniqueConstraint("token", name="uq_asked_questions_token"),
    )
    op.create_index(
        "ix_asked_questions_team_time",
        "asked_questions",
        ["enterprise_id", "team_id", "created_at"],
    )
    op.create_index("ix_asked_questions_created_at", "asked_questions", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_asked_questions_created_at", table_name="asked_questions")
    op.drop_index("ix_asked_questions_team_time", table_name="asked_questions")
    op.drop_table("asked_questions")
