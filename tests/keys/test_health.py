"""Scheduled re-checks of stored keys: a key that stops working, and works again."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.identity import Workspace
from bot.jobs.runner import JobRunner
from bot.jobs.schedule import build_runner
from bot.slack.notify import Notifier, clients_from_settings
from bot.store.models import AuditEvent
from tests.fakes.openai_server import FakeOpenAI
from tests.support.leaks import assert_nowhere, debug_logs
from tests.support.running_app import RunningApp

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
WORKSPACE = Workspace("", "T0001")


def _runner(app: RunningApp) -> JobRunner:
    settings = app.settings.model_copy(update={"openai_requests_interval_seconds": 0.0})
    app.services.settings = settings
    clients = clients_from_settings(settings, app.database, app.services.keyring)
    runner = build_runner(app.services, Notifier(clients))
    runner.run_due(START)  # first seen: the first re-check is due a day later
    return runner


def _store(app: RunningApp, project: str, key: str) -> None:
    before = len(app.slack.calls_to("views.update"))
    app.submit_key(project, key)
    app.slack.wait_for("views.update", before + 1)


def _status(app: RunningApp, project: str) -> str | None:
    (row,) = [p for p in app.services.keys.list_projects(WORKSPACE) if p.name == project]
    return row.key.status if row.key else None


def test_a_revoked_key_is_reported_to_its_maintainers_and_its_recovery_too(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    key = FakeOpenAI.key_for("valid")
    _store(app, "Backend", key)
    runner = _runner(app)
    fake_openai.revoked.add(key)
    models_before = len(fake_openai.requests_to("/v1/models"))

    with debug_logs() as logs:
        assert "key_health" not in runner.run_due(START + timedelta(hours=23))
        assert "key_health" in runner.run_due(START + timedelta(days=1, minutes=6))

    assert len(fake_openai.requests_to("/v1/models")) == models_before + 1
    assert not fake_openai.requests_to("/v1/chat/completions")[1:]  # billing not probed
    (dm,) = app.slack.calls_to("chat.postMessage")
    assert dm.params["channel"] == "U0ALICE"
    said = dm.text_content()
    assert "stopped working" in said and "Key not accepted" in said and "/openai-setup 4" in said
    assert _status(app, "Backend") == "rejected"
    with app.database.session() as session:
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "health")).all()
    assert [(row.actor, row.outcome) for row in audit] == [("scheduler", "valid->rejected")]
    assert_nowhere(app, logs, key)

    runner.run_due(START + timedelta(days=2, minutes=12))  # still revoked: nothing new
    assert len(app.slack.calls_to("chat.postMessage")) == 1

    fake_openai.revoked.discard(key)
    runner.run_due(START + timedelta(days=3, minutes=18))
    recovered = app.slack.calls_to("chat.postMessage")[-1]
    assert "works again" in recovered.text_content()
    assert _status(app, "Backend") == "valid"


def test_a_key_that_needs_credit_keeps_that_status_when_the_free_check_passes(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    _store(app, "Backend", FakeOpenAI.key_for("no_quota"))
    runner = _runner(app)
    runner.run_due(START + timedelta(days=1, minutes=6))
    assert _status(app, "Backend") == "needs_credit"
    assert not app.slack.calls_to("chat.postMessage")


def test_jobs_run_due_from_the_command_line(
    app: RunningApp, fake_openai: FakeOpenAI, database_url: str, tmp_path: Path
) -> None:
    key = FakeOpenAI.key_for("valid")
    _store(app, "Backend", key)
    fake_openai.revoked.add(key)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))},
        "DATABASE_URL": database_url,
        "DATA_DIR": str(tmp_path / "data"),
        "SLACK_BOT_TOKEN": "xoxb-1111-2222-testbottoken",
        "SLACK_API_URL": app.slack.api_url,
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_REQUESTS_INTERVAL_SECONDS": "0",
    }

    def run(at: datetime) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "jobs", "run-due", "--at", at.isoformat()],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=60,
            check=True,
        )
        return done.stdout

    assert "key_health" not in run(START)
    assert "key_health" in run(START + timedelta(days=1, minutes=10))
    assert "key_health" not in run(START + timedelta(days=1, minutes=11))
    assert _status(app, "Backend") == "rejected"
    assert len(app.slack.calls_to("chat.postMessage")) == 1
