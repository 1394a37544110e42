"""Faults: the database going away, Slack rate-limiting or failing. The app keeps serving,
people get a clear message, and nothing is half-written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.identity import Person
from bot.ui import actions
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack import FakeSlack
from tests.fakes.tcp_proxy import FaultyProxy
from tests.support import payloads
from tests.support.running_app import RunningApp, http

ALICE = Person("", "T0001", "U0ALICE")


@pytest.fixture
def proxy() -> Iterator[FaultyProxy]:
    faulty = FaultyProxy(("127.0.0.1", 5432))
    yield faulty
    faulty.close()


@pytest.fixture
def app_behind_proxy(
    slack: FakeSlack, fake_openai: FakeOpenAI, postgres_url: str, proxy: FaultyProxy, tmp_path: Path
) -> Iterator[RunningApp]:
    url = postgres_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    running = RunningApp(
        slack,
        url,
        data_dir=tmp_path / "data",
        openai_base_url=fake_openai.base_url,
        openai_timeout_seconds=1.0,
    )
    yield running
    running.close()


def test_database_down_gives_a_clear_message_and_health_says_so(
    app_behind_proxy: RunningApp, proxy: FaultyProxy
) -> None:
    app = app_behind_proxy
    assert app.command("").status == 200
    proxy.cut()
    response = app.command("")
    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert "database" in body["text"]
    health = http("GET", f"{app.url}/healthz")
    assert health.status == 503 and health.json()["database"] == "down"

    proxy.restore()
    assert "blocks" in app.command("").json()
    assert http("GET", f"{app.url}/healthz").status == 200


def test_database_down_on_a_button_tells_the_person(
    app_behind_proxy: RunningApp, proxy: FaultyProxy
) -> None:
    app = app_behind_proxy
    proxy.cut()
    assert app.action(actions.MARK_DONE, "2").status == 200
    (call,) = app.slack.wait_for("response_url")
    assert "database" in call.params["text"]
    proxy.restore()
    assert app.services.progress.completed_steps(ALICE) == frozenset()


def test_database_down_on_a_key_submission_saves_nothing(
    app_behind_proxy: RunningApp, proxy: FaultyProxy
) -> None:
    app = app_behind_proxy
    proxy.cut()
    response = app.submit_key("prod", FakeOpenAI.key_for("valid"))
    assert response.status == 200
    (update,) = app.slack.wait_for("views.update")
    assert "nothing was saved" in update.text_content()
    proxy.restore()
    assert app.services.keys.list_projects(ALICE.workspace) == []


def test_slack_rate_limit_is_retried_after_retry_after(app: RunningApp) -> None:
    app.slack.fail(
        "views.publish", 429, {"ok": False, "error": "ratelimited"}, headers={"Retry-After": "1"}
    )
    app.event(payloads.app_home_opened("U0ALICE"))
    calls = app.slack.wait_for("views.publish", 2)
    assert len(calls) == 2


def test_slack_server_error_is_retried(app: RunningApp) -> None:
    app.slack.fail("chat.postMessage", 503, "<html>Service Unavailable</html>")
    app.event(payloads.message_im("billing hard limit", user_id="U0ALICE"))
    calls = app.slack.wait_for("chat.postMessage", 2)
    assert len(calls) == 2


def test_openai_hanging_does_not_hold_the_ack(app: RunningApp) -> None:
    response = app.submit_key("prod", FakeOpenAI.key_for("slow"))
    assert response.json()["response_action"] == "update"
    # The ack came back before OpenAI answered: the result arrives afterwards.
    assert not app.slack.calls_to("views.update")
    (update,) = app.slack.wait_for("views.update", timeout=15)
    assert "try again" in update.text_content().lower()


def _stored_project_id(app: RunningApp) -> int:
    app.submit_key("prod", FakeOpenAI.key_for("valid"))
    app.slack.wait_for("views.update")
    (project,) = app.services.keys.list_projects(ALICE.workspace)
    return project.id


@pytest.mark.parametrize("action_id", [actions.KEYS_TEST, actions.KEYS_REVOKE])
def test_database_down_on_test_or_revoke_tells_the_person(
    app_behind_proxy: RunningApp, proxy: FaultyProxy, action_id: str
) -> None:
    """Test runs after the ack in a lazy listener, whose failures Bolt only logs."""
    app = app_behind_proxy
    project_id = _stored_project_id(app)
    proxy.cut()
    assert app.action(action_id, str(project_id)).status == 200
    (call,) = app.slack.wait_for("response_url")
    assert "database" in call.params["text"]
    proxy.restore()
    (project,) = app.services.keys.list_projects(ALICE.workspace)
    assert project.key is not None  # not revoked, nothing half-written


def test_database_down_on_a_home_tab_button_tells_the_person_by_dm(
    app_behind_proxy: RunningApp, proxy: FaultyProxy
) -> None:
    app = app_behind_proxy
    project_id = _stored_project_id(app)
    proxy.cut()
    body = payloads.block_actions(
        actions.KEYS_TEST,
        str(project_id),
        user_id="U0ALICE",
        response_url="",
        container="view",
        view={"id": "VHOME1", "type": "home"},
    )
    assert app.post(body, "application/x-www-form-urlencoded").status == 200
    (dm,) = app.slack.wait_for("chat.postMessage")
    assert dm.params["channel"] == "U0ALICE"
    assert "database" in dm.params["text"]
