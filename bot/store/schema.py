"""Schema versions: upgrade with Alembic, and refuse to run on a schema the code does not know."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.store.database import Database

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaError(RuntimeError):
    """The database schema is not the one this code expects."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(database: Database, revision: str = "head") -> None:
    _run(database, command.upgrade, revision)


def downgrade(database: Database, revision: str) -> None:
    _run(database, command.downgrade, revision)


def _run(database: Database, action: object, revision: str) -> None:
    config = alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        action(config, revision)  # type: ignore[operator]


def ensure_schema(database: Database) -> None:
    """Create a new database's tables; refuse one that is behind or ahead of this code.

    A brand-new database (no tables at all) is created at once, so the default SQLite file
    needs no set-up step. An existing one is only ever changed by ``python -m bot db upgrade``.
    """
    current = current_revision(database)
    head = head_revision()
    if current == head:
        return
    if current is None and _is_empty(database):
        upgrade(database)
        return
    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise SchemaError(
            f"The database schema is at revision {current}, which this version of openai-setup "
            "does not know (was it migrated by a newer version?). Run a matching version."
        )
    raise SchemaError(
        f"The database schema is at revision {current or 'none'} but this version needs {head}. "
        "Run `python -m bot db upgrade` first (back up the database before)."
    )


def _is_empty(database: Database) -> bool:
    from sqlalchemy import inspect

    return not inspect(database.engine).get_table_names()
