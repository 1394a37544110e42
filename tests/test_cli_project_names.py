"""The operator's command line reads project names with the same rules as the dialog, and
never sends a stored name's control characters to the terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

from sqlalchemy import select, text

from bot.store.models import AuditEvent
from tests.fakes.openai_server import FakeOpenAI
from tests.support.running_app import RunningApp

# A row stored before the name rules, as an attacker would have named it.
HOSTILE = "billing\x1b[2J\x1b]0;pwned\x07\u202eorp\x9b31m"


def _run(app: RunningApp, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "keys", *args, "--team", "T0001"],
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


def _plant_legacy_row(app: RunningApp) -> None:
    with app.database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO key_projects (enterprise_id, team_id, name, name_key, created_by, "
                "created_at) VALUES ('', 'T0001', :name, :key, 'U0MALLORY', :now)"
            ),
            {"name": HOSTILE, "key": HOSTILE.casefold(), "now": datetime.now(UTC)},
        )


def test_keys_list_shows_control_characters_as_escapes(app: RunningApp) -> None:
    _plant_legacy_row(app)
    listed = _run(app, "list")
    assert listed.returncode == 0, listed.stderr
    assert "\x1b" not in listed.stdout and "\u202e" not in listed.stdout
    assert "\x9b" not in listed.stdout and "\x07" not in listed.stdout
    assert "billing\\x1b[2J\\x1b]0;pwned\\x07\\u202eorp\\x9b31m" in listed.stdout
    as_json = _run(app, "list", "--json")
    assert "\x1b" not in as_json.stdout and "\u202e" not in as_json.stdout
    assert json.loads(as_json.stdout)[0]["project"] == HOSTILE


def test_keys_export_reads_names_like_the_dialog(app: RunningApp) -> None:
    key = FakeOpenAI.key_for("valid", "cli")
    app.submit_key("Prod API", key)
    app.slack.wait_for("views.update")
    exported = _run(app, "export", "--project", "ＰＲＯＤ   api")  # full width, spaces
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.strip() == key

    refused = _run(app, "export", "--project", "prod\u200b api")
    assert refused.returncode == 2
    assert "not a valid project name" in refused.stderr and "\u200b" not in refused.stderr
    assert key not in refused.stdout + refused.stderr
    with app.database.session() as session:
        rows = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "export")))
    assert [(row.outcome, row.project_name, row.detail) for row in rows] == [
        ("exported", "Prod API", None),
        ("refused:input", None, "project: name_characters"),
    ]
