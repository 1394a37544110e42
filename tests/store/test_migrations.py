"""Alembic migrations on SQLite and PostgreSQL, and the start-up schema check."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from bot.store import schema
from bot.store.database import Database
from bot.store.models import Base


def test_upgrade_creates_exactly_the_models_tables(database_url: str) -> None:
    database = Database(database_url)
    schema.upgrade(database)
    assert schema.current_revision(database) == schema.head_revision()
    tables = set(inspect(database.engine).get_table_names()) - {"alembic_version"}
    assert tables == set(Base.metadata.tables)
    database.dispose()


def test_downgrade_to_base_and_up_again(database_url: str) -> None:
    database = Database(database_url)
    schema.upgrade(database)
    schema.downgrade(database, "base")
    assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
    schema.upgrade(database)
    assert schema.current_revision(database) == schema.head_revision()
    database.dispose()


def test_migrations_match_the_models(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    database = Database(database_url)
    schema.upgrade(database)
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    database.dispose()


def test_empty_database_is_created_at_start(database_url: str) -> None:
    database = Database(database_url)
    schema.ensure_schema(database)
    assert schema.current_revision(database) == schema.head_revision()
    database.dispose()


def test_database_behind_is_refused(database_url: str) -> None:
    database = Database(database_url)
    schema.upgrade(database)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'base0'"))
    with pytest.raises(schema.SchemaError, match="does not know"):
        schema.ensure_schema(database)
    database.dispose()


def test_sqlite_uses_wal(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    database.dispose()
