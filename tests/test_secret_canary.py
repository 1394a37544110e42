"""A canary key through the whole flow at DEBUG: it shows up nowhere but in `keys export`."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.identity import Workspace
from bot.ui import actions
from tests.fakes.openai_server import FakeOpenAI
from tests.support.leaks import database_text, debug_logs
from tests.support.running_app import RunningApp

CANARY = FakeOpenAI.key_for("valid", "CanaryZ9q")


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    with debug_logs() as stream:
        yield stream


def test_canary_key_leaks_nowhere(app: RunningApp, debug_log: io.StringIO, tmp_path: Path) -> None:
    app.command(f"key {CANARY}")  # typed in the open: refused, not echoed
    app.submit_key("prod", CANARY, view_id="V0CANARY")
    app.slack.wait_for("views.update")
    project_id = app.services.keys.list_projects(Workspace("", "T0001"))[0].id
    app.action(actions.KEYS_TEST, str(project_id))
    app.slack.wait_for("response_url")
    app.submit_key("prod", FakeOpenAI.key_for("html_502", "CanaryZ9q"))
    app.submit_key("prod", FakeOpenAI.key_for("slow", "CanaryZ9q"))
    app.slack.wait_for("views.update", 3, timeout=20)

    logs = debug_log.getvalue()
    assert "[REDACTED]" in logs, "the DEBUG logs should have carried the request bodies"
    for secret in (CANARY, CANARY[8:]):
        assert secret not in logs
        assert secret not in app.slack.all_text()
        assert secret not in database_text(app)
    if app.database.dialect == "sqlite":
        data = b"".join(p.read_bytes() for p in tmp_path.rglob("*.sqlite3*") if p.is_file())
        assert data and CANARY.encode() not in data and CANARY[8:].encode() not in data
    with app.database.session() as session:
        from bot.store.models import StoredKey

        (row,) = session.scalars(select(StoredKey))
        assert CANARY not in row.ciphertext

    exported = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "keys",
            "export",
            "--team",
            "T0001",
            "--project",
            "prod",
            "--format",
            "env",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={
            **os.environ,
            "DATABASE_URL": app.settings.resolved_database_url,
            "DATA_DIR": str(app.settings.data_dir),
        },
    )
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.strip() == f"OPENAI_API_KEY={CANARY}"
    assert CANARY not in exported.stderr
