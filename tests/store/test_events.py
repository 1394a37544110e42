"""The retry ledger: first delivery wins, and old ids are cleaned up as it goes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from bot.store.database import Database
from bot.store.events import KEEP_FOR, EventLedger
from bot.store.models import ProcessedEvent
from bot.store.schema import upgrade


def _count(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(ProcessedEvent)) or 0)


def test_first_claim_wins_and_old_ids_are_pruned(database_url: str) -> None:
    database = Database(database_url)
    upgrade(database)
    ledger = EventLedger(database, prune_every=3)
    assert ledger.claim("Ev1") and not ledger.claim("Ev1")
    assert ledger.claim("Ev2")
    with database.session() as session, session.begin():
        stale = datetime.now(UTC) - KEEP_FOR - timedelta(minutes=1)
        session.execute(update(ProcessedEvent).values(received_at=stale))
    assert _count(database) == 2
    assert ledger.claim("Ev3")  # the third claim prunes Ev1 and Ev2, keeps Ev3
    assert _count(database) == 1
    assert not ledger.claim("Ev3")
    database.dispose()
