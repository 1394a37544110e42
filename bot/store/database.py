"""Engine and session set-up for SQLite (default, WAL) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)


class Database:
    """One engine and its session factory; passed to every service that stores something."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = normalise_url(url)
        self.engine = create_database_engine(self.url, echo=echo)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        read_options: dict[str, Any] = {"read_only": True}
        if self.engine.dialect.name == "postgresql":
            # Reads need no transaction: saves the BEGIN and ROLLBACK round trips.
            read_options["isolation_level"] = "AUTOCOMMIT"
        self.read_engine = self.engine.execution_options(**read_options)
        self.read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)

    def session(self) -> Session:
        """A session for writing (on SQLite its transactions take the write lock up front)."""
        return self.sessions()

    def read_session(self) -> Session:
        """A session that only reads: on SQLite it never waits for the write lock."""
        return self.read_sessions()

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.read_engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:
            log.warning("database ping failed: %s", type(error).__name__)
            return False
        return True

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()


class DatabaseUnavailable(Exception):
    """The database cannot be opened or does not answer. ``str()`` is one line naming
    ``DATABASE_URL`` (password hidden) or ``DATA_DIR``, the reason and the fix."""


def open_database(url: str) -> Database:
    """A ``Database`` that has answered one query, or ``DatabaseUnavailable``."""
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    try:
        database = Database(url)
    except ArgumentError:
        raise DatabaseUnavailable(
            "openai-setup cannot start: DATABASE_URL is not a database URL. Set it to "
            "postgresql://user:password@host:5432/dbname, or unset it to use the SQLite "
            "file under DATA_DIR."
        ) from None
    except OSError as error:
        path = sqlite_file(normalise_url(url))
        folder = path.parent if path is not None else url
        raise DatabaseUnavailable(
            f"openai-setup cannot start: cannot create the database folder {folder} "
            f"({error.strerror or type(error).__name__}). Set DATA_DIR (or DATABASE_URL) to "
            "a place this user may write."
        ) from None
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        database.dispose()
        raise DatabaseUnavailable(_unreachable(url, error)) from None
    return database


def _unreachable(url: str, error: Exception) -> str:
    parsed = make_url(url)
    cause = getattr(error, "orig", None) or error
    reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0][:200]
    if parsed.get_backend_name() == "sqlite":
        return (
            f"openai-setup cannot start: the SQLite database {parsed.database} cannot be "
            f"opened ({reason}). Set DATA_DIR (or DATABASE_URL) to a place this user may write."
        )
    shown = parsed.render_as_string(hide_password=True)
    return (
        f"openai-setup cannot start: the database at DATABASE_URL={shown} does not answer "
        f"({reason}). Start the database, or fix DATABASE_URL (host, port, user, database)."
    )


def normalise_url(url: str) -> str:
    """Accept the common ``postgres://`` and ``postgresql://`` forms and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def create_database_engine(url: str, *, echo: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # A server that drops packets (wrong host, firewall) fails the start in seconds
        # instead of hanging; a connect_timeout in the URL wins.
        connect_args = {} if "connect_timeout" in parsed.query else {"connect_timeout": 10}
        return create_engine(
            url,
            echo=echo,
            pool_pre_ping=True,
            pool_size=10,
            max_overflow=10,
            connect_args=connect_args,
        )
    path = sqlite_file(url)
    if path is not None:
        _create_private_file(path)
    engine = create_engine(url, echo=echo, connect_args={"timeout": 15})
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "begin", _begin_sqlite)
    return engine


def _create_private_file(path: Path) -> None:
    """Make the SQLite file (and its folder) readable by this user only, before SQLite does.

    SQLite gives its -wal and -shm files the database file's mode, so all three end up 0600
    whatever the process umask; the folder, new or ours, is 0700.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # The sqlite3 module's own transaction handling commits around SAVEPOINTs and DDL; turn
    # it off and let SQLAlchemy emit BEGIN, so a session's writes are one transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def _begin_sqlite(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: two writers queue (busy_timeout) instead of
    # failing when both try to upgrade a read lock. Readers (read_only) begin deferred and,
    # under WAL, are never blocked by a writer.
    if connection.get_execution_options().get("read_only"):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
