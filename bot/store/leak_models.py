"""Tables of the leak watch: its per-workspace setting and the keys it saw in channels.

Only a seen key's HMAC fingerprint and masked form are kept, never the key or the message.
``bot.store.models`` imports this module at its end, so importing the models is enough.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import SLACK_ID, Base


class LeakWatchSetting(Base):
    """What a workspace's admins chose for the leak watch; no row: on, live check on."""

    __tablename__ = "leak_watch_settings"

    enterprise_id: Mapped[str] = mapped_column(SLACK_ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(SLACK_ID, primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    live_check: Mapped[bool] = mapped_column(Boolean, default=True)
    alert_channel: Mapped[str | None] = mapped_column(SLACK_ID, nullable=True)
    changed_by: Mapped[str] = mapped_column(SLACK_ID)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LeakSighting(Base):
    """A key seen in a channel message on one UTC day: the first post, and a counter.

    The unique constraint makes the first insert of a (workspace, fingerprint, day) win on
    every database, so two replicas that see the key at once alert once.
    """

    __tablename__ = "leak_sightings"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "team_id", "fingerprint", "day", name="uq_leak_once"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[str] = mapped_column(SLACK_ID, default="")
    team_id: Mapped[str] = mapped_column(SLACK_ID)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    day: Mapped[str] = mapped_column(String(10))  # UTC date, YYYY-MM-DD
    masked: Mapped[str] = mapped_column(String(40))
    seen_count: Mapped[int] = mapped_column(Integer, default=1)
    posted_by: Mapped[str] = mapped_column(SLACK_ID)
    channel_id: Mapped[str] = mapped_column(SLACK_ID)
    message_ts: Mapped[str] = mapped_column(String(32))
    permalink: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # The stored project key it matched, if any: that project is compromised until replaced.
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("key_projects.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # "active" / "rejected" / "unknown" from the optional live check; None: not checked.
    live_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # The alerts sent, as "channel ts" lines, so they can be updated in place later.
    alerts: Mapped[str | None] = mapped_column(Text, nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(SLACK_ID, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
