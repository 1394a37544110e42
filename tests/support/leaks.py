"""Looking for a secret everywhere the app could have put it: logs, database, Slack calls."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import inspect, text

from bot.log_redaction import install_redaction
from tests.support.running_app import RunningApp

T = TypeVar("T")


@contextmanager
def debug_logs() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG while inside, through the app's redacting filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    install_redaction(root)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def database_text(app: RunningApp) -> str:
    """Every value of every row of every table, as text."""
    parts = []
    with app.database.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608
                parts.append(repr(tuple(row)))
    return "\n".join(parts)


def eventually(read: Callable[[], T], done: Callable[[T], bool], timeout: float = 10.0) -> T:
    """Read again until ``done`` (work after an ack runs on another thread); the last read."""
    deadline = time.monotonic() + timeout
    value = read()
    while not done(value) and time.monotonic() < deadline:
        time.sleep(0.05)
        value = read()
    return value


def assert_nowhere(app: RunningApp, logs: io.StringIO, *secrets: str) -> None:
    """None of ``secrets`` in any Slack call, any database row, or the DEBUG logs."""
    slack = app.slack.all_text() + "\n".join(call.text_content() for call in app.slack.calls)
    stored = database_text(app)
    logged = logs.getvalue()
    for secret in secrets:
        assert secret not in slack, "in a Slack call"
        assert secret not in stored, "in the database"
        assert secret not in logged, "in the logs"
