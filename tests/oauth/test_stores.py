"""The stores on the app's database: slack-sdk's table shapes, Alembic-made, states used once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, String, func, select, update

from bot.keys.keyring import Keyring
from bot.oauth.installation_store import EncryptedInstallationStore
from bot.oauth.state_store import DatabaseOAuthStateStore
from bot.store.database import Database
from bot.store.schema import ensure_schema
from bot.store.slack_installations import (
    SECRET_COLUMNS,
    slack_bots,
    slack_installations,
    slack_oauth_states,
)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    ensure_schema(db)
    yield db
    db.dispose()


@pytest.mark.parametrize(
    ("ours", "build"),
    [
        (slack_installations, SQLAlchemyInstallationStore.build_installations_table),
        (slack_bots, SQLAlchemyInstallationStore.build_bots_table),
        (slack_oauth_states, SQLAlchemyOAuthStateStore.build_oauth_states_table),
    ],
)
def test_tables_have_slack_sdks_columns(ours: object, build: object) -> None:
    """A slack-sdk upgrade that adds a column shows up here (then: a new migration)."""
    theirs = build(MetaData(), ours.name)  # type: ignore[attr-defined, operator]
    assert [c.name for c in ours.c] == [c.name for c in theirs.c]  # type: ignore[attr-defined]
    for column in theirs.c:
        mine = ours.c[column.name]  # type: ignore[attr-defined]
        assert mine.nullable == column.nullable, column.name
        if column.name in SECRET_COLUMNS:
            assert not isinstance(mine.type, String) or mine.type.length is None
        else:
            assert repr(mine.type) == repr(column.type), column.name


def test_the_stores_never_create_tables(database: Database) -> None:
    store = EncryptedInstallationStore("1.2", database.engine, Keyring.generate())
    with pytest.raises(RuntimeError, match="db upgrade"):
        store.create_tables()
    with pytest.raises(RuntimeError, match="db upgrade"):
        DatabaseOAuthStateStore(600, database.engine).create_tables()


def test_a_state_is_consumed_once(database: Database) -> None:
    store = DatabaseOAuthStateStore(600, database.engine)
    state = store.issue()
    assert store.consume(state) is True
    assert store.consume(state) is False
    assert store.consume("") is False
    assert store.consume("never-issued") is False


def test_concurrent_callbacks_consume_a_state_once(database: Database) -> None:
    store = DatabaseOAuthStateStore(600, database.engine)
    state = store.issue()
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def consume() -> None:
        barrier.wait()
        results.append(store.consume(state))

    threads = [threading.Thread(target=consume) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]


def test_expired_states_are_refused_and_swept(database: Database) -> None:
    store = DatabaseOAuthStateStore(600, database.engine)
    old = store.issue()
    past = datetime.now(tz=UTC).replace(tzinfo=None) - timedelta(seconds=1)
    with database.engine.begin() as connection:
        connection.execute(update(slack_oauth_states).values(expire_at=past))
    assert store.consume(old) is False
    store.issue()
    with database.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(slack_oauth_states)) == 1
