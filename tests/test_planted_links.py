"""A member plants a link and a channel ping in a project name or a question: every view and
message that shows it keeps it inert (verbatim, escaped), through the real signed paths."""

from __future__ import annotations

from bot.identity import Workspace
from bot.ui import actions
from tests.fakes.openai_server import FakeOpenAI
from tests.support import payloads
from tests.support.planted import PLANTED, assert_planted_text_is_inert, payload_of
from tests.support.running_app import RunningApp

ALICE = "U0ALICE"
KEY_ADMIN = "U0KEYADMIN"


def _plant_project(app: RunningApp) -> int:
    """Alice names a project with the planted text; returns the ack's count of carriers."""
    response = app.submit_key(PLANTED, FakeOpenAI.key_for("valid"), user_id=ALICE)
    ack = response.json()
    assert ack["response_action"] == "update", ack
    return assert_planted_text_is_inert(ack["view"])


def test_key_dialog_checking_result_and_home(app: RunningApp) -> None:
    assert _plant_project(app) >= 1  # the "Checking…" view
    (update,) = app.slack.wait_for("views.update")
    assert assert_planted_text_is_inert(payload_of(update)) >= 1  # the result view
    home = app.slack.wait_for("views.publish")[-1]
    assert assert_planted_text_is_inert(payload_of(home)) >= 1


def test_key_list_and_its_fallback_text(app: RunningApp) -> None:
    _plant_project(app)
    app.slack.wait_for("views.update")
    for user in (ALICE, "U0BOB"):
        listing = app.command("keys", user_id=user).json()
        assert assert_planted_text_is_inert(listing) >= 1


def test_home_tab_of_another_member(app: RunningApp) -> None:
    _plant_project(app)
    app.slack.wait_for("views.update")
    app.event(payloads.app_home_opened("U0BOB"))
    published = [payload_of(call) for call in app.slack.wait_for("views.publish", 2)]
    bobs = [call for call in published if call.get("user_id") == "U0BOB"]
    assert bobs and assert_planted_text_is_inert(bobs[-1]) >= 1


def test_audit_listing(app: RunningApp) -> None:
    _plant_project(app)
    app.slack.wait_for("views.update")
    for text in ("audit", f"audit {PLANTED}"):
        trail = app.command(text, user_id=KEY_ADMIN).json()
        assert assert_planted_text_is_inert(trail) >= 1, text


def test_test_button_reply(app: RunningApp) -> None:
    _plant_project(app)
    app.slack.wait_for("views.update")
    (project,) = app.services.keys.list_projects(Workspace("", "T0001"))
    app.action(actions.KEYS_TEST, str(project.id), user_id=ALICE)
    (reply,) = app.slack.wait_for("response_url")
    assert assert_planted_text_is_inert(payload_of(reply)) >= 1


def test_question_echo_in_a_command_and_a_direct_message(app: RunningApp) -> None:
    question = f"why does {PLANTED} not work"
    answer = app.command(question).json()
    assert assert_planted_text_is_inert(answer) >= 1
    app.event(payloads.message_im(question, user_id=ALICE))
    (message,) = app.slack.wait_for("chat.postMessage")
    assert assert_planted_text_is_inert(payload_of(message)) >= 1
