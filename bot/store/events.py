"""De-duplication of Events API deliveries by ``event_id``, shared by every replica."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.store.database import Database
from bot.store.models import ProcessedEvent

KEEP_FOR = timedelta(hours=2)  # Slack retries within minutes; keep a wide margin.
PRUNE_EVERY = 500  # claims between two clean-ups of old ids, per process


class EventLedger:
    def __init__(self, database: Database, *, prune_every: int = PRUNE_EVERY) -> None:
        self.database = database
        self.prune_every = prune_every
        self._claims = itertools.count(1)

    def claim(self, event_id: str, team_id: str = "") -> bool:
        """True for the first delivery of ``event_id``, False for any later one (a retry)."""
        now = datetime.now(UTC)
        try:
            with self.database.session() as session, session.begin():
                session.add(ProcessedEvent(event_id=event_id, team_id=team_id, received_at=now))
        except IntegrityError:
            return False
        if next(self._claims) % self.prune_every == 0:
            self.prune()  # keeps the table small without a scheduler
        return True

    def prune(self, older_than: timedelta = KEEP_FOR) -> int:
        cutoff = datetime.now(UTC) - older_than
        with self.database.session() as session, session.begin():
            result = session.execute(
                delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff)
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
