"""Troubleshooting questions and what became of them: the app's learning loop.

Every answered question gets a row: a confident answer waits for "That fixed it" / "Not it";
a question with no confident answer is kept as such. Admins read the ones the app could not
answer. Rows live ``retention`` (90 days by default) and are deleted lazily, whenever rows
are written or read, so no scheduler is needed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.identity import Person, Workspace
from bot.rules.question_text import redact_question
from bot.store.database import Database
from bot.store.models import AskedQuestion

MAX_ENTRIES = 3
DEFAULT_RETENTION = timedelta(days=90)


class Outcome(StrEnum):
    ANSWERED = "answered"  # a confident answer, no feedback yet
    FIXED = "fixed"
    NOT_IT = "not_it"
    NOT_CONFIDENT = "not_confident"  # "Is it one of these?"
    OUT_OF_SCOPE = "out_of_scope"  # nothing close: the topic list


UNANSWERED = (Outcome.NOT_IT, Outcome.NOT_CONFIDENT, Outcome.OUT_OF_SCOPE)


class Feedback(StrEnum):
    """What a click on an answer's feedback buttons did."""

    RECORDED = "recorded"
    ALREADY = "already"  # this answer had feedback already; nothing changed
    NOT_ASKER = "not_asker"  # someone else's answer: refused
    UNKNOWN = "unknown"  # no such token (expired, purged, or forged)


@dataclass(frozen=True)
class Asked:
    """One kept question, as admins see it."""

    question: str
    language: str
    entry_ids: tuple[str, ...]
    scores: tuple[float, ...]
    outcome: Outcome
    user_id: str
    created_at: datetime
    enterprise_id: str = ""
    team_id: str = ""


@dataclass(frozen=True)
class Figures:
    """Counts of outcomes in a workspace over the retention period."""

    by_outcome: dict[Outcome, int]

    def count(self, *outcomes: Outcome) -> int:
        return sum(self.by_outcome.get(outcome, 0) for outcome in outcomes)


class QuestionLog:
    def __init__(
        self,
        database: Database,
        *,
        retention: timedelta = DEFAULT_RETENTION,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.retention = retention
        self.clock = clock

    def record(
        self,
        person: Person,
        question: str,
        *,
        outcome: Outcome,
        language: str,
        entries: Sequence[tuple[str, float]],
    ) -> str:
        """Keep ``question`` (redacted) and return the opaque token its buttons carry."""
        token = secrets.token_urlsafe(16)
        now = self.clock()
        best = list(entries)[:MAX_ENTRIES]
        with self.database.session() as session, session.begin():
            self._purge(session, now)
            session.add(
                AskedQuestion(
                    token=token,
                    enterprise_id=person.enterprise_id,
                    team_id=person.team_id,
                    user_id=person.user_id,
                    question=redact_question(question),
                    language=language[:16],
                    entry_ids=",".join(entry_id for entry_id, _ in best)[:400],
                    scores=",".join(f"{score:.3f}" for _, score in best)[:100],
                    outcome=outcome.value,
                    created_at=now,
                )
            )
        return token

    def give_feedback(
        self, person: Person, token: str, fixed: bool
    ) -> tuple[Feedback, Asked | None]:
        """Mark the answer behind ``token`` fixed or not, when ``person`` asked it.

        Returns what happened and, for the asker, the row as it was before (to redraw it).
        """
        now = self.clock()
        with self.database.session() as session, session.begin():
            self._purge(session, now)
            row = session.execute(
                select(AskedQuestion).where(AskedQuestion.token == token).with_for_update()
            ).scalar_one_or_none()
            if row is None or (row.enterprise_id, row.team_id) != (
                person.enterprise_id,
                person.team_id,
            ):
                return Feedback.UNKNOWN, None
            if row.user_id != person.user_id:
                return Feedback.NOT_ASKER, None
            before = _asked(row)
            if row.outcome != Outcome.ANSWERED:
                return Feedback.ALREADY, before
            changes: dict[str, str] = {"outcome": Outcome.FIXED if fixed else Outcome.NOT_IT}
            if fixed:
                changes["question"] = ""  # counted only; the words are no longer needed
            session.execute(
                update(AskedQuestion).where(AskedQuestion.id == row.id).values(**changes)
            )
        return Feedback.RECORDED, before

    def unanswered(self, workspace: Workspace | None = None, *, limit: int = 50) -> list[Asked]:
        """Questions that got "Not it" or no confident answer, newest first."""
        query = select(AskedQuestion).where(AskedQuestion.outcome.in_(list(UNANSWERED)))
        if workspace is not None:
            query = query.where(
                AskedQuestion.enterprise_id == workspace.enterprise_id,
                AskedQuestion.team_id == workspace.team_id,
            )
        query = query.order_by(AskedQuestion.created_at.desc(), AskedQuestion.id.desc())
        self.purge()
        with self.database.read_session() as session:
            rows = session.execute(query.limit(limit)).scalars().all()
        return [_asked(row) for row in rows]

    def figures(self, workspace: Workspace) -> Figures:
        """How many questions ended each way in ``workspace`` (within the retention period)."""
        query = (
            select(AskedQuestion.outcome, func.count())
            .where(
                AskedQuestion.enterprise_id == workspace.enterprise_id,
                AskedQuestion.team_id == workspace.team_id,
            )
            .group_by(AskedQuestion.outcome)
        )
        self.purge()
        with self.database.read_session() as session:
            counts = session.execute(query).all()
        known = {outcome.value: outcome for outcome in Outcome}
        return Figures({known[name]: int(n) for name, n in counts if name in known})

    def purge(self) -> int:
        """Delete every row older than the retention period; how many went."""
        with self.database.session() as session, session.begin():
            return self._purge(session, self.clock())

    def _purge(self, session: Session, now: datetime) -> int:
        result = session.execute(
            delete(AskedQuestion).where(AskedQuestion.created_at < now - self.retention)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _asked(row: AskedQuestion) -> Asked:
    ids = tuple(part for part in row.entry_ids.split(",") if part)
    scores = tuple(float(part) for part in row.scores.split(",") if part)
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return Asked(
        question=row.question,
        language=row.language,
        entry_ids=ids,
        scores=scores,
        outcome=Outcome(row.outcome),
        user_id=row.user_id,
        created_at=created,
        enterprise_id=row.enterprise_id,
        team_id=row.team_id,
    )
