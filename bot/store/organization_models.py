"""Tables of a connected OpenAI organization (Admin API) and of scheduled work.

Kept apart from ``models.py`` so the organization feature reads in one place; they live on
the same metadata (imported at the end of ``models.py``) and came with migration 0006.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
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
    rotation_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_ROTATION_DAYS)


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
