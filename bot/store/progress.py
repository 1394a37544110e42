"""Who has done which guide step, per (enterprise, team, user)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.identity import Person, Workspace
from bot.store.database import Database
from bot.store.models import StepCompletion


class ProgressStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    def completed_steps(self, person: Person) -> frozenset[int]:
        # A plain Core read: this runs in the ack path of /openai-setup and of App Home.
        query = select(StepCompletion.step_number).where(*_owned_by(person))
        with self.database.read_engine.connect() as connection:
            return frozenset(connection.scalars(query))

    def mark_done(self, person: Person, step_number: int) -> None:
        """Record the step as done; doing it twice (two clicks, two replicas) is harmless."""
        try:
            with self.database.session() as session, session.begin():
                session.add(
                    StepCompletion(
                        enterprise_id=person.enterprise_id,
                        team_id=person.team_id,
                        user_id=person.user_id,
                        step_number=step_number,
                        completed_at=datetime.now(UTC),
                    )
                )
        except IntegrityError:
            pass  # already done: the unique constraint is the source of truth

    def mark_undone(self, person: Person, step_number: int) -> None:
        with self.database.session() as session, session.begin():
            session.execute(
                delete(StepCompletion).where(
                    *_owned_by(person), StepCompletion.step_number == step_number
                )
            )

    def forget_workspace(self, workspace: Workspace) -> int:
        """Delete a workspace's progress (app uninstalled); returns the rows removed."""
        with self.database.session() as session, session.begin():
            result = session.execute(
                delete(StepCompletion).where(
                    StepCompletion.enterprise_id == workspace.enterprise_id,
                    StepCompletion.team_id == workspace.team_id,
                )
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _owned_by(person: Person) -> tuple:
    return (
        StepCompletion.enterprise_id == person.enterprise_id,
        StepCompletion.team_id == person.team_id,
        StepCompletion.user_id == person.user_id,
    )
