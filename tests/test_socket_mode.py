"""Socket Mode end to end: the real app on the fake Socket Mode server, as ``python -m bot``
runs it with ``SLACK_APP_TOKEN`` set (in process, and as a process for the signal test).

The scenarios are the HTTP ones (command, button, key dialog, events), delivered as envelopes
and answered by acknowledgements; then what only Socket Mode has: reconnecting when Slack asks,
health that follows the socket, and a SIGTERM that closes the socket before draining.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from bot.guide.steps import default_steps
from bot.store.database import Database
from bot.store.models import StoredKey
from bot.ui import actions
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack import FakeSlack
from tests.fakes.socket_mode_server import FakeSocketMode
from tests.support import payloads
from tests.support.app_process import SocketModeAppProcess
from tests.support.blocks import all_text, find_button
from tests.support.oauth_app import STATE_COOKIE, get
from tests.support.running_app import SIGNING_SECRET, HttpResponse, http
from tests.support.socket_mode_app import APP_TOKEN, RunningSocketModeApp

STEPS = default_steps()
VALID_KEY = FakeOpenAI.key_for("valid", "socket")


@pytest.fixture
def socket_mode(slack: FakeSlack) -> Iterator[FakeSocketMode]:
    fake = FakeSocketMode(slack)
    yield fake
    fake.close()


@pytest.fixture
def socket_app(
    slack: FakeSlack,
    socket_mode: FakeSocketMode,
    fake_openai: FakeOpenAI,
    sqlite_url: str,
    tmp_path: Path,
) -> Iterator[RunningSocketModeApp]:
    from tests.support.running_app import default_app_settings

    running = RunningSocketModeApp(
        slack,
        socket_mode,
        sqlite_url,
        **default_app_settings(fake_openai.base_url, tmp_path / "data"),
    )
    yield running
    running.close()


def _wait_until(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.1)


# --- the HTTP scenarios, over the socket ------------------------------------------------------
def test_slash_command_answer_is_the_acknowledgement(socket_app: RunningSocketModeApp) -> None:
    ack = socket_app.command("")
    assert ack.payload is not None and ack.payload["response_type"] == "ephemeral"
    text = all_text(ack.payload["blocks"])
    assert "0 of 7" in text
    for step in STEPS:
        assert step.title in text
        find_button(ack.payload["blocks"], actions.OPEN_STEP, str(step.number))


def test_key_command_opens_the_dialog_through_the_web_api(
    socket_app: RunningSocketModeApp,
) -> None:
    ack = socket_app.command("key Prod backend")
    assert not (ack.payload or {}).get("blocks")
    (call,) = socket_app.slack.wait_for("views.open")
    assert call.view()["callback_id"] == "api_key_modal"
    assert call.token != APP_TOKEN  # the app-level token only opens sockets


def test_button_replaces_the_message_through_response_url(
    socket_app: RunningSocketModeApp,
) -> None:
    ack = socket_app.action(actions.OPEN_STEP, "3")
    assert ack.payload is None
    (call,) = socket_app.slack.wait_for("response_url")
    assert call.params["replace_original"] is True
    assert STEPS[2].title in all_text(call.blocks())


def test_key_dialog_errors_in_the_ack_then_a_live_check(
    socket_app: RunningSocketModeApp, fake_openai: FakeOpenAI
) -> None:
    refused = socket_app.submit_key("prod", "hello world")
    assert refused.payload is not None and refused.payload["response_action"] == "errors"
    assert "api_key" in refused.payload["errors"]

    ack = socket_app.submit_key("prod", VALID_KEY, view_id="V0SOCKETKEY")
    assert ack.payload is not None and ack.payload["response_action"] == "update"
    assert VALID_KEY not in json.dumps(ack.payload)
    assert VALID_KEY[-4:] in all_text(ack.payload["view"]["blocks"])
    (update,) = socket_app.slack.wait_for("views.update", timeout=15)
    assert update.params["view_id"] == "V0SOCKETKEY"
    assert "prod" in all_text(update.view()["blocks"])
    assert fake_openai.requests_to("/v1/models")
    with socket_app.database.session() as session:
        assert [row.status for row in session.scalars(select(StoredKey))] == ["valid"]
    assert VALID_KEY not in socket_app.slack.all_text()


def test_direct_message_and_mention_are_answered(socket_app: RunningSocketModeApp) -> None:
    ack = socket_app.event(payloads.message_im("billing hard limit reached", user_id="U0ALICE"))
    assert ack.payload is None
    (answer,) = socket_app.slack.wait_for("chat.postMessage")
    assert answer.params["channel"] == "D0DIRECT1"

    mention = payloads.app_mention(
        "<@UBOT0001> phone code never arrives", user_id="U0ALICE", ts="1700000001.000300"
    )
    socket_app.event(mention)
    reply = socket_app.slack.wait_for("chat.postMessage", 2)[1]
    assert reply.params["thread_ts"] == "1700000001.000300"


def test_a_retried_event_is_processed_once(socket_app: RunningSocketModeApp) -> None:
    event = payloads.message_im("billing hard limit reached", user_id="U0ALICE")
    socket_app.event(event, event_id="Ev0SOCKET01")
    socket_app.event(event, event_id="Ev0SOCKET01", retry_attempt=1)
    socket_app.event(payloads.message_im("phone", user_id="U0ALICE"), event_id="Ev0SOCKET02")
    assert len(socket_app.slack.wait_for("chat.postMessage", 2)) == 2


# --- what only Socket Mode has ------------------------------------------------------------------
@pytest.mark.parametrize("reason", ["refresh_requested", "warning"])
def test_disconnect_message_makes_the_app_reconnect(
    socket_app: RunningSocketModeApp, socket_mode: FakeSocketMode, slack: FakeSlack, reason: str
) -> None:
    (first,) = socket_mode.wait_for_links(1)
    socket_mode.disconnect(reason)
    second = socket_mode.wait_for_links(2)[1]
    assert first.closed.wait(10), "the app kept the old socket open"
    opens = slack.calls_to("apps.connections.open")
    assert len(opens) == 2 and {call.token for call in opens} == {APP_TOKEN}
    assert first.ticket != second.ticket
    ack = socket_app.command("")
    assert ack.link == second.number and ack.payload is not None
    assert "0 of 7" in all_text(ack.payload["blocks"])


def test_health_follows_the_socket(
    socket_app: RunningSocketModeApp, socket_mode: FakeSocketMode
) -> None:
    def health() -> HttpResponse:
        return http("GET", f"{socket_app.url}/healthz")

    socket_mode.wait_for_links(1)
    up = health()
    assert up.status == 200
    assert up.json() == {"ok": True, "database": "up", "socket": "connected"}
    with socket_mode.outage():
        _wait_until(lambda: health().status == 503, "health to report the lost socket")
        assert health().json() == {"ok": False, "database": "up", "socket": "disconnected"}
    # The client retries on its own (every ping interval) once the link is back.
    _wait_until(lambda: health().status == 200, "the app to reconnect")
    assert socket_app.command("").link == socket_mode.current_link().number


def test_container_healthcheck_follows_the_socket(
    socket_app: RunningSocketModeApp, socket_mode: FakeSocketMode
) -> None:
    def healthcheck() -> int:
        environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
            "SLACK_APP_TOKEN": APP_TOKEN,
            "PORT": str(urlsplit(socket_app.url).port),
        }
        command = [sys.executable, "-m", "bot.healthcheck"]
        return subprocess.run(command, env=environment, check=False, timeout=30).returncode

    socket_mode.wait_for_links(1)
    assert healthcheck() == 0
    with socket_mode.outage():
        _wait_until(lambda: not socket_app.handler.client.is_connected(), "the socket to drop")
        assert healthcheck() == 1


def test_only_health_is_served_over_http(socket_app: RunningSocketModeApp) -> None:
    body = payloads.slash_command("", user_id="U0ALICE", response_url="http://127.0.0.1:9/r")
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    assert http("POST", f"{socket_app.url}/slack/events", body, headers).status == 404
    assert http("GET", f"{socket_app.url}/slack/install").status == 404


# --- python -m bot: SIGTERM closes the socket, then drains --------------------------------------
def _install(app: SocketModeAppProcess, slack: FakeSlack) -> None:
    """The installer's browser: /slack/install, Slack's consent, /slack/oauth_redirect."""
    start = get(f"{app.url}/slack/install")
    state = start.headers["Location"].split("state=")[1].split("&")[0]
    code = slack.oauth_code("T0001")
    done = get(
        f"{app.url}/slack/oauth_redirect?code={code}&state={state}",
        headers={"Cookie": f"{STATE_COOKIE}={state}"},
    )
    assert done.status == 200, done.text


@pytest.mark.parametrize("oauth", [False, True], ids=["one workspace", "oauth"])
def test_sigterm_closes_the_socket_then_finishes_a_running_key_check(
    slack: FakeSlack, socket_mode: FakeSocketMode, sqlite_url: str, tmp_path: Path, oauth: bool
) -> None:
    environment = {"OPENAI_TIMEOUT_SECONDS": "20"}
    if oauth:  # OAuth needs the signing secret too (the install pages), not a bot token
        environment |= {
            "SLACK_CLIENT_ID": slack.client_id,
            "SLACK_CLIENT_SECRET": slack.client_secret,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        }
    # Each of the check's two requests is held 4 s: the check is still running when the
    # socket closes.
    with FakeOpenAI(slow_seconds=4) as openai:
        app = SocketModeAppProcess(
            slack,
            socket_mode,
            database_url=sqlite_url,
            data_dir=tmp_path / "data",
            log_file=tmp_path / "app.log",
            OPENAI_BASE_URL=openai.base_url,
            **environment,
        )
        try:
            if oauth:
                _install(app, slack)
            link = socket_mode.current_link()
            ack = app.submit_key("prod", FakeOpenAI.key_for("slow"))
            assert ack.payload is not None and ack.payload["response_action"] == "update"
            _wait_until(lambda: bool(openai.requests_to("/v1/models")), "the key check to start")

            app.process.send_signal(signal.SIGTERM)
            assert link.closed.wait(4), f"the socket stayed open after SIGTERM: {app.log()}"
            assert app.process.poll() is None, "the process did not wait for the key check"
            assert app.process.wait(timeout=30) == 0, app.log()
        finally:
            app.kill()
    (update,) = slack.calls_to("views.update")
    assert "prod" in update.text_content()
    database = Database(sqlite_url)
    with database.session() as session:
        assert [row.status for row in session.scalars(select(StoredKey))] == ["valid"]
    database.dispose()
