"""Rotation period per workspace, and the weekly reminders once a stored key is older.

No Slack here: ``due`` returns who to remind (and records it, so each key is mentioned at
most once a week); the caller sends the messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.identity import Actor, Workspace
from bot.keys.access import is_admin
from bot.store import key_records as records
from bot.store.database import Database
from bot.store.models import KeyProject, StoredKey
from bot.store.organization_models import (
    DEFAULT_ROTATION_DAYS,
    ProjectLink,
    RotationReminder,
    RotationSetting,
)

REMIND_EVERY = timedelta(days=7)


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; every time stored here is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


ROTATION_CHOICES = (30, 60, 90, 180, 365)


@dataclass(frozen=True)
class Reminder:
    workspace: Workspace
    project_id: int
    project_name: str
    masked: str
    age_days: int
    rotation_days: int
    maintainers: frozenset[str]
    linked: bool


class RotationPolicy:
    def __init__(
        self,
        database: Database,
        *,
        key_admins: frozenset[str] = frozenset(),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.key_admins = key_admins
        self.clock = clock

    def rotation_days(self, workspace: Workspace) -> int:
        with self.database.read_session() as session:
            row = session.get(RotationSetting, (workspace.enterprise_id, workspace.team_id))
            return row.rotation_days if row is not None else DEFAULT_ROTATION_DAYS

    def set_rotation_days(self, actor: Actor, days: int) -> bool:
        """Admins only, one of ``ROTATION_CHOICES``; audited either way."""
        allowed = is_admin(actor, self.key_admins) and days in ROTATION_CHOICES
        now = self.clock()
        with self.database.session() as session, session.begin():
            if allowed:
                key = (actor.workspace.enterprise_id, actor.workspace.team_id)
                row = session.get(RotationSetting, key)
                if row is None:
                    row = RotationSetting(enterprise_id=key[0], team_id=key[1])
                    session.add(row)
                row.rotation_days = days
                row.changed_by = actor.user_id
                row.changed_at = now
            records.add_audit(
                session,
                actor.workspace,
                actor=actor.user_id,
                action="rotation_period",
                outcome="changed" if allowed else "refused",
                now=now,
                detail=f"{days} days",
            )
        return allowed

    def due(self, now: datetime) -> list[Reminder]:
        """Stored keys past their workspace's period, not mentioned in the last week."""
        due: list[Reminder] = []
        with self.database.session() as session, session.begin():
            periods = {
                (row.enterprise_id, row.team_id): row.rotation_days
                for row in session.scalars(select(RotationSetting))
            }
            found = session.execute(
                select(KeyProject, StoredKey, RotationReminder, ProjectLink.openai_project_id)
                .join(StoredKey, StoredKey.project_id == KeyProject.id)
                .outerjoin(RotationReminder, RotationReminder.project_id == KeyProject.id)
                .outerjoin(ProjectLink, ProjectLink.project_id == KeyProject.id)
            ).all()
            for project, key, reminded, openai_project in found:
                period = periods.get(
                    (project.enterprise_id, project.team_id), DEFAULT_ROTATION_DAYS
                )
                age = now - aware(key.set_at)
                if age < timedelta(days=period):
                    continue
                if (
                    reminded is not None
                    and reminded.fingerprint == key.fingerprint
                    and now - aware(reminded.reminded_at) < REMIND_EVERY
                ):
                    continue
                if reminded is None:
                    reminded = RotationReminder(project_id=project.id)
                    session.add(reminded)
                reminded.fingerprint = key.fingerprint
                reminded.reminded_at = now
                due.append(
                    Reminder(
                        Workspace(project.enterprise_id, project.team_id),
                        project.id,
                        project.name,
                        key.masked,
                        age.days,
                        period,
                        records.maintainers(session, project.id),
                        openai_project is not None,
                    )
                )
        return due
