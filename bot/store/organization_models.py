"""Tables of a connected OpenAI organization (Admin API) and of scheduled work.

Kept apart from ``models.py`` so the organization feature reads in one place; they live on
the same metadata (imported at the end of ``models.py``) and came with migration 0006.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import SLACK_ID, Base

DEFAULT_ROTATION_DAYS = 90


class OrganizationConnection(Base):
    """A workspace's OpenAI admin key, encrypted and bound to the workspace; one at most."""

    __tablename__ = "org_connections"

    enterprise_id: Mapped[str] = mapped_column(SLACK_ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(SLACK_ID, primary_key=True)
    ciphertext: Mapped[str] = mapped_column(Text)
    keyring_key_id: Mapped[str] = mapped_column(String(32), index=True)
    masked: Mapped[str] = mapped_column(String(40))
    fingerprint: Mapped[str] = mapped_column(String(64))
    connected_by: Mapped[str] = mapped_column(SLACK_ID)
    connected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProjectLink(Base):
    """Which OpenAI project (``proj_…``) a stored project is, once linked."""

    __tablename__ = "project_links"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("key_projects.id", ondelete="CASCADE"), primary_key=True
    )
    openai_project_id: Mapped[str] = mapped_column(String(80))
    openai_project_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    linked_by: Mapped[str] = mapped_column(String(64))
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class JobLease(Base):
    """One piece of scheduled work: who runs it now (until ``expires_at``) and when next.

    A replica takes a due job with one conditional UPDATE; whoever's UPDATE matched the row
    runs it, everyone else sees zero rows changed. ``next_run`` survives restarts.
    """

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(80), nullable=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    next_run: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    failures: Mapped[int] = mapped_column(Integer, default=0)


class RotationSetting(Base):
    """How often a workspace's keys should be rotated (no row: every 90 days)."""

    __tablename__ = "rotation_settings"

    enterprise_id: Mapped[str] = mapped_column(SLACK_ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(SLACK_ID, primary_key=True)
    rotation_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_ROTATION_DAYS)
    changed_by: Mapped[str] = mapped_column(SLACK_ID)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RotationReminder(Base):
    """When a project's maintainers were last reminded to rotate its stored key."""

    __tablename__ = "rotation_reminders"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("key_projects.id", ondelete="CASCADE"), primary_key=True
    )
    fingerprint: Mapped[str] = mapped_column(String(64))  # the key they were reminded about
    reminded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KeyRotation(Base):
    """One "Rotate now", step by step, so a restart resumes it where it stopped.

    ``state``: started -> created (the new key is held here, encrypted, before anything else
    happens) -> stored (it is the project's key) -> announced (maintainers told) -> done (the
    old key deleted on OpenAI after the grace period). ``failed`` ends a rotation that could
    not go on; whatever it created was deleted again.
    """

    __tablename__ = "key_rotations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("key_projects.id", ondelete="CASCADE"), index=True
    )
    openai_project_id: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(20))
    old_key_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    new_key_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    service_account_name: Mapped[str] = mapped_column(String(80))
    pending_ciphertext: Mapped[str | None] = mapped_column(Text, nullable=True)
    grace_days: Mapped[int] = mapped_column(Integer)
    expires_in_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    delete_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    started_by: Mapped[str] = mapped_column(SLACK_ID)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[str | None] = mapped_column(String(200), nullable=True)


class DailyCost(Base):
    """A linked project's cost on one UTC day, as the Admin API's costs endpoint reported it."""

    __tablename__ = "daily_costs"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("key_projects.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    usd: Mapped[float] = mapped_column(Float)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProjectBudget(Base):
    """An optional monthly budget, and the month (``YYYY-MM``) each alert was last sent."""

    __tablename__ = "project_budgets"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("key_projects.id", ondelete="CASCADE"), primary_key=True
    )
    monthly_usd: Mapped[float] = mapped_column(Float)
    alerted_80: Mapped[str | None] = mapped_column(String(7), nullable=True)
    alerted_100: Mapped[str | None] = mapped_column(String(7), nullable=True)
    set_by: Mapped[str] = mapped_column(SLACK_ID)
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CostChart(Base):
    """The Slack file (an uploaded PNG) of a project's latest 30-day cost chart."""

    __tablename__ = "cost_charts"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("key_projects.id", ondelete="CASCADE"), primary_key=True
    )
    slack_file_id: Mapped[str] = mapped_column(String(32))
    rendered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
