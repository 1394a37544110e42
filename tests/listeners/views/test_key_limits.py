"""Hourly limits on live key checks and new projects, through signed requests.

A check is held back before any request reaches OpenAI (the fake counts what it received),
with a friendly message where the answer would have been and an audit row; the counts live in
the database, so a second app on the same database sees them.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.identity import Workspace
from bot.keys.keyring import Keyring
from bot.store.models import AuditEvent
from bot.ui import actions
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack import FakeSlack
from tests.support.blocks import all_text
from tests.support.running_app import RunningApp, default_app_settings

WORKSPACE = Workspace("", "T0001")
LIMITS = {
    "projects_per_person_per_hour": 2,
    "projects_per_workspace_per_hour": 3,
    "key_checks_per_person_per_hour": 3,
    "key_checks_per_workspace_per_hour": 5,
}


def _start(slack: FakeSlack, fake_openai: FakeOpenAI, database_url: str, data: Path) -> RunningApp:
    keyring = data.parent / "keyring.json"  # replicas share one keyring
    if not keyring.exists():
        Keyring.generate().save(keyring)
    settings = {**default_app_settings(fake_openai.base_url, data), **LIMITS}
    return RunningApp(slack, database_url, keyring_file=keyring, **settings)


@pytest.fixture
def app(
    slack: FakeSlack, fake_openai: FakeOpenAI, database_url: str, tmp_path: Path
) -> Iterator[RunningApp]:
    running = _start(slack, fake_openai, database_url, tmp_path / "a")
    yield running
    running.close()


def _submit(app: RunningApp, project: str, user_id: str = "U0ALICE", variant: str = "") -> str:
    """Submit a working key and return the text of the dialog's final view."""
    done = len(app.slack.calls_to("views.update")) + 1
    key = FakeOpenAI.key_for("valid", variant or f"{user_id}{done}")
    assert app.submit_key(project, key, user_id=user_id).json()["response_action"] == "update"
    return all_text(app.slack.wait_for("views.update", done)[-1].view()["blocks"])


def _to_openai(fake_openai: FakeOpenAI) -> int:
    return len(fake_openai.requests)


def _audit(app: RunningApp, outcome: str) -> list[AuditEvent]:
    with app.database.session() as session:
        query = select(AuditEvent).where(AuditEvent.outcome == outcome).order_by(AuditEvent.id)
        return list(session.scalars(query))


def _project_id(app: RunningApp, name: str) -> int:
    (row,) = [p for p in app.services.keys.list_projects(WORKSPACE) if p.name == name]
    return row.id


def test_a_check_past_the_personal_limit_never_reaches_openai(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    for _ in range(3):
        assert "Saved" in _submit(app, "prod")
    sent = _to_openai(fake_openai)

    text = _submit(app, "prod")
    assert "3 keys checked in the last hour" in text and "Nothing was sent to OpenAI" in text
    assert _to_openai(fake_openai) == sent
    (held,) = _audit(app, "limited")
    assert (held.actor, held.action, held.project_name) == ("U0ALICE", "set", "prod")
    assert held.detail == "checks_per_person 3/hour"

    # The Test button is a live check too: held the same way, answered in place.
    app.action(actions.KEYS_TEST, str(_project_id(app, "prod")))
    (reply,) = app.slack.wait_for("response_url")
    assert "3 keys checked in the last hour" in all_text(reply.blocks())
    assert _to_openai(fake_openai) == sent
    assert [row.action for row in _audit(app, "limited")] == ["set", "test"]


def test_the_workspace_limit_holds_members_but_not_admins(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    for user_id, project in [("U0ALICE", "a"), ("U0ALICE", "a"), ("U0BOB", "b"), ("U0BOB", "b")]:
        assert "Saved" in _submit(app, project, user_id)
    assert "Saved" in _submit(app, "a", "U0ALICE")  # the workspace's fifth check of the hour
    sent = _to_openai(fake_openai)

    text = _submit(app, "c", "U0CAROL")
    assert "This workspace has had 5 keys checked in the last hour" in text
    assert _to_openai(fake_openai) == sent
    (held,) = _audit(app, "limited")
    assert (held.actor, held.detail) == ("U0CAROL", "checks_per_workspace 5/hour")

    # A flood by members does not lock admins out (KEY_ADMINS here).
    assert "Saved" in _submit(app, "a", "U0KEYADMIN")
    assert _to_openai(fake_openai) > sent


def test_new_projects_per_person_and_per_workspace(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    assert "Saved" in _submit(app, "one")
    assert "Saved" in _submit(app, "two")
    sent = _to_openai(fake_openai)
    text = _submit(app, "three")
    assert "You have added 2 new projects in the last hour" in text
    assert _to_openai(fake_openai) == sent
    assert "Saved" in _submit(app, "two")  # an existing project is not a new one

    assert "Saved" in _submit(app, "bob", "U0BOB")  # the workspace's third new project
    text = _submit(app, "bob2", "U0BOB")
    assert "This workspace has added 3 new projects in the last hour" in text
    assert [row.detail for row in _audit(app, "limited")] == [
        "projects_per_person 2/hour",
        "projects_per_workspace 3/hour",
    ]
    names = {row.name for row in app.services.keys.list_projects(WORKSPACE)}
    assert names == {"one", "two", "bob"}


def test_replicas_share_one_budget(
    app: RunningApp,
    slack: FakeSlack,
    fake_openai: FakeOpenAI,
    database_url: str,
    tmp_path: Path,
) -> None:
    for _ in range(3):
        assert "Saved" in _submit(app, "prod")
    sent = _to_openai(fake_openai)
    other = _start(slack, fake_openai, database_url, tmp_path / "b")
    try:
        assert "3 keys checked in the last hour" in _submit(other, "prod")
    finally:
        other.close()
    assert _to_openai(fake_openai) == sent


def test_a_burst_of_simultaneous_submissions_gets_exactly_the_budget(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    burst = 8
    keys = [FakeOpenAI.key_for("valid", f"burst{n}") for n in range(burst)]
    with ThreadPoolExecutor(max_workers=burst) as pool:
        acks = list(pool.map(lambda key: app.submit_key("prod", key, check_billing=False), keys))
    assert all(ack.status == 200 for ack in acks)
    app.slack.wait_for("views.update", burst, timeout=30)
    assert len(fake_openai.requests_to("/v1/models")) == 3
    assert len(_audit(app, "limited")) == burst - 3
