"""Database tables. Every change here needs an Alembic migration in ``migrations/versions``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, MetaData, String, UniqueConstraint
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
