"""slack-sdk's SQLAlchemy OAuth state store on the app's database, consumed exactly once.

The ``state`` parameter ties the browser that started ``/slack/install`` to the one coming
back to ``/slack/oauth_redirect`` (CSRF protection). slack-sdk's store expires states; its
``consume`` selects, then deletes, so two concurrent callbacks on two replicas could both see
the same state. Here ``consume`` is one ``DELETE … WHERE state = ? AND expire_at > now`` and
succeeds only for the request whose delete removed the row. Expired states are swept when new
ones are issued, so the table does not grow with abandoned installs.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, and_
from sqlalchemy.exc import SQLAlchemyError

from bot.store.models import Base
from bot.store.slack_installations import slack_oauth_states

log = logging.getLogger(__name__)


def _now() -> datetime:
    # slack-sdk stores naive UTC datetimes (slack_sdk.oauth.sqlalchemy_utils).
    return datetime.now(tz=UTC).replace(tzinfo=None)


class DatabaseOAuthStateStore(SQLAlchemyOAuthStateStore):
    """OAuth states in ``slack_oauth_states`` (created by Alembic), valid once, for a while."""

    def __init__(self, expiration_seconds: int, engine: Engine) -> None:
        super().__init__(expiration_seconds=expiration_seconds, engine=engine, logger=log)
        self.metadata = Base.metadata
        self.oauth_states = slack_oauth_states

    def create_tables(self) -> None:
        raise RuntimeError(
            "the OAuth state table is created by the Alembic migrations: "
            "run `python -m bot db upgrade`"
        )

    def issue(self, *args: object, **kwargs: object) -> str:
        """A new random state (slack-sdk's), after sweeping the expired ones."""
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    self.oauth_states.delete().where(self.oauth_states.c.expire_at <= _now())
                )
        except SQLAlchemyError as error:  # housekeeping only: never blocks an install
            log.warning("could not sweep expired OAuth states: %s", type(error).__name__)
        return super().issue(*args, **kwargs)

    def consume(self, state: str) -> bool:
        """True once for a state that was issued here and has not expired; False otherwise."""
        if not state:
            return False
        columns = self.oauth_states.c
        try:
            with self.engine.begin() as connection:
                result = connection.execute(
                    self.oauth_states.delete().where(
                        and_(columns.state == state, columns.expire_at > _now())
                    )
                )
                return bool(result.rowcount)
        except SQLAlchemyError as error:
            log.warning("could not check an OAuth state: %s", type(error).__name__)
            return False
