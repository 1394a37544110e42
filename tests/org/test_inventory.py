"""What the connected organization says about linked projects: ``org show --json``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.fakes.openai_admin import DAY
from tests.fakes.openai_server import FakeOpenAI
from tests.support.organization import ADMIN, submit_admin_key
from tests.support.running_app import RunningApp

ROOT = Path(__file__).resolve().parents[2]


def _org_show(app: RunningApp, fake_openai: FakeOpenAI, database_url: str, data: Path) -> dict:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))},
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data),
        "SLACK_BOT_TOKEN": "xoxb-1111-2222-testbottoken",
        "SLACK_API_URL": app.slack.api_url,
        "OPENAI_BASE_URL": fake_openai.base_url,
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "org", "show", "--team", "T0001", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def test_org_show_lists_linked_keys_beside_the_stored_one_and_the_month_cost(
    app: RunningApp, fake_openai: FakeOpenAI, database_url: str, tmp_path: Path
) -> None:
    app.slack.add_user(ADMIN, is_admin=True)
    stored = FakeOpenAI.key_for("valid")
    organization = fake_openai.admin
    organization.add_project(FakeOpenAI.PROJECT, "Backend")
    now = int(time.time())
    organization.add_key(
        FakeOpenAI.PROJECT,
        name="prod",
        value=stored,
        created_at=now - 10 * DAY,
        last_used_at=now - 60,
    )
    organization.add_key(
        FakeOpenAI.PROJECT,
        name="old laptop",
        value="sk-proj-" + "Q1w" * 15,
        created_at=1_700_000_000,
        last_used_at=None,
    )
    organization.add_cost(FakeOpenAI.PROJECT, now, 2.5)
    organization.add_cost("proj_someoneelse", now, 9.0)
    app.submit_key("Backend", stored, user_id=ADMIN)
    app.slack.wait_for("views.update")
    submit_admin_key(app, organization.admin_key())
    app.slack.wait_for("views.update", 2)

    shown = _org_show(app, fake_openai, database_url, tmp_path / "data")

    assert shown["connected"] is True
    (project,) = shown["projects"]
    assert project["project"] == "Backend"
    assert project["openai_project_id"] == FakeOpenAI.PROJECT
    keys = {key["name"]: key for key in project["keys"]}
    assert keys["prod"]["stored_here"] is True
    assert keys["old laptop"] == {
        "name": "old laptop",
        "created_at": "2023-11-14T22:13:20Z",
        "last_used_at": None,
        "stored_here": False,
    }
    assert project["cost_month_usd"] == 2.5


def test_org_show_without_a_connection(
    app: RunningApp, fake_openai: FakeOpenAI, database_url: str, tmp_path: Path
) -> None:
    app.submit_key("Backend", FakeOpenAI.key_for("valid"))
    app.slack.wait_for("views.update")
    shown = _org_show(app, fake_openai, database_url, tmp_path / "data")
    assert shown == {
        "connected": False,
        "projects": [
            {"project": "Backend", "openai_project_id": None, "keys": [], "cost_month_usd": None}
        ],
    }
