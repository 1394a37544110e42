"""Database tables. Every change here needs an Alembic migration in ``migrations/versions``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Slack ids are short; enterprise_id is "" (not NULL) outside Enterprise Grid so that unique
# constraints treat "no enterprise" as one value on every database.
SLACK_ID = String(32)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class StepCompletion(Base):
    """A guide step one person has marked done."""

    __tablename__ = "step_completions"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "team_id", "user_id", "step_number", name="uq_step_once"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[str] = mapped_column(SLACK_ID, default="")
    team_id: Mapped[str] = mapped_column(SLACK_ID)
    user_id: Mapped[str] = mapped_column(SLACK_ID)
    step_number: Mapped[int] = mapped_column(Integer)
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProcessedEvent(Base):
    """An Events API delivery already handled; Slack's retries of it are skipped."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(SLACK_ID, default="")
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class KeyProject(Base):
    """A team's project: the unit a stored OpenAI key belongs to."""

    __tablename__ = "key_projects"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "team_id", "name_key", name="uq_project_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[str] = mapped_column(SLACK_ID, default="")
    team_id: Mapped[str] = mapped_column(SLACK_ID)
    name: Mapped[str] = mapped_column(String(80))
    # How names compare (bot.rules.submission.ProjectName.key): NFKC, space-folded and
    # case-folded, never cut, so "Prod API", "prod  api" and "ｐｒｏｄ api" are one project.
    name_key: Mapped[str] = mapped_column(String(80))
    created_by: Mapped[str] = mapped_column(SLACK_ID)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProjectMaintainer(Base):
    """A person allowed to set, replace, test and revoke one project's key."""

    __tablename__ = "project_maintainers"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("key_projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(SLACK_ID, primary_key=True)
    added_by: Mapped[str] = mapped_column(SLACK_ID)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StoredKey(Base):
    """A project's one current OpenAI key, encrypted; only masked forms are kept beside it."""

    __tablename__ = "stored_keys"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("key_projects.id", ondelete="CASCADE"), primary_key=True
    )
    ciphertext: Mapped[str] = mapped_column(Text)
    keyring_key_id: Mapped[str] = mapped_column(String(32), index=True)
    masked: Mapped[str] = mapped_column(String(40))
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20))
    openai_organization: Mapped[str | None] = mapped_column(String(80), nullable=True)
    openai_project: Mapped[str | None] = mapped_column(String(80), nullable=True)
    organization_hint: Mapped[str | None] = mapped_column(String(80), nullable=True)
    project_hint: Mapped[str | None] = mapped_column(String(80), nullable=True)
    set_by: Mapped[str] = mapped_column(SLACK_ID)
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # Counts the writes of this row, for people reading the table; nothing decides by it
    # (rotation swaps only a row whose ciphertext is still the one it read).
    version: Mapped[int] = mapped_column(Integer, default=1)


class AuditEvent(Base):
    """Who did what to which project's key, when, and how it ended. Never holds a secret."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_team_time", "enterprise_id", "team_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[str] = mapped_column(SLACK_ID, default="")
    team_id: Mapped[str] = mapped_column(SLACK_ID)
    project_name: Mapped[str | None] = mapped_column(String(80), nullable=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(40))
    fingerprint_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    detail: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WorkspaceSetting(Base):
    """What a workspace's admins chose in App Home; no row means every default holds."""

    __tablename__ = "workspace_settings"

    enterprise_id: Mapped[str] = mapped_column(SLACK_ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(SLACK_ID, primary_key=True)
    # Whether members who are not admins may create new projects (default: yes).
    members_create_projects: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_by: Mapped[str] = mapped_column(SLACK_ID)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KeyCheck(Base):
    """A live key check sent to OpenAI (a submission or a Test), counted for hourly limits.

    Written before the request leaves, so checks still running count too; rows older than the
    limits' window are deleted as new ones arrive.
    """

    __tablename__ = "key_checks"
    __table_args__ = (Index("ix_key_checks_team_time", "enterprise_id", "team_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[str] = mapped_column(SLACK_ID, default="")
    team_id: Mapped[str] = mapped_column(SLACK_ID)
    user_id: Mapped[str] = mapped_column(SLACK_ID)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AskedQuestion(Base):
    """A troubleshooting question the app answered, kept to learn what it cannot answer yet.

    ``question`` is redacted (no key-shaped text) and cut; ``token`` is the opaque id the
    answer's feedback buttons carry instead of the question. ``outcome``: "answered" (a
    confident answer, no feedback yet), "fixed", "not_it", "not_confident", "out_of_scope".
    Rows older than ``UNANSWERED_RETENTION_DAYS`` are deleted as new ones are written or read.
    """

    __tablename__ = "asked_questions"
    __table_args__ = (
        Index("ix_asked_questions_team_time", "enterprise_id", "team_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    enterprise_id: Mapped[str] = mapped_column(SLACK_ID, default="")
    team_id: Mapped[str] = mapped_column(SLACK_ID)
    user_id: Mapped[str] = mapped_column(SLACK_ID)
    question: Mapped[str] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(16))
    entry_ids: Mapped[str] = mapped_column(String(400))  # best entries, comma separated
    scores: Mapped[str] = mapped_column(String(100))  # their scores, same order
    outcome: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


# The Slack installation tables (multi-workspace OAuth) live on the same metadata.
from bot.store import leak_models as _leak_models  # noqa: E402, F401
from bot.store import organization_models as _organization_models  # noqa: E402, F401
from bot.store import slack_installations as _slack_installations  # noqa: E402, F401
