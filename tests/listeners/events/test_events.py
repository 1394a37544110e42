"""Events API deliveries: App Home, DMs, mentions, uninstall, and Slack's retries."""

from __future__ import annotations

from bot.identity import Person
from tests.support import payloads
from tests.support.blocks import all_text
from tests.support.running_app import RunningApp

ALICE = Person(enterprise_id="", team_id="T0001", user_id="U0ALICE")


def test_home_opened_publishes_the_checklist(app: RunningApp) -> None:
    app.services.progress.mark_done(ALICE, 1)
    response = app.event(payloads.app_home_opened("U0ALICE"))
    assert response.status == 200
    (call,) = app.slack.wait_for("views.publish")
    assert call.params["user_id"] == "U0ALICE"
    view = call.view()
    assert view["type"] == "home"
    text = all_text(view["blocks"])
    assert "1 of 7" in text
    for step in app.services.steps:
        assert step.title in text


def test_messages_tab_opening_publishes_nothing(app: RunningApp) -> None:
    app.event(payloads.app_home_opened("U0ALICE", tab="messages"))
    app.event(payloads.message_im("help", user_id="U0ALICE"))
    app.slack.wait_for("chat.postMessage")
    assert not app.slack.calls_to("views.publish")


def test_direct_message_gets_a_troubleshooting_answer(app: RunningApp) -> None:
    app.event(payloads.message_im("429 You exceeded your current quota", user_id="U0ALICE"))
    (call,) = app.slack.wait_for("chat.postMessage")
    assert call.params["channel"] == "D0DIRECT1"
    answer = app.services.troubleshooting.search("429 You exceeded your current quota")
    assert answer.matches[0].entry.title in all_text(call.blocks())
    assert call.params.get("text")


def test_bot_messages_and_edits_are_ignored(app: RunningApp) -> None:
    app.event(payloads.message_im("hello", user_id="U0ALICE", bot_id="B999"))
    app.event(payloads.message_im("edited", user_id="U0ALICE", subtype="message_changed"))
    app.event(payloads.message_im("phone code never arrives", user_id="U0ALICE"))
    calls = app.slack.wait_for("chat.postMessage")
    assert len(calls) == 1


def test_mention_is_answered_in_thread(app: RunningApp) -> None:
    event = payloads.app_mention(
        "<@UBOT0001> billing hard limit reached", user_id="U0ALICE", ts="1700000001.000200"
    )
    app.event(event)
    (call,) = app.slack.wait_for("chat.postMessage")
    assert call.params["thread_ts"] == "1700000001.000200"
    assert call.params["channel"] == "C0GENERAL"
    assert "UBOT0001" not in all_text(call.blocks())


def test_key_in_a_dm_is_not_echoed(app: RunningApp) -> None:
    key = "sk-svcacct-" + "Zz9_" * 12
    app.event(payloads.message_im(f"is this ok? {key}", user_id="U0ALICE"))
    (call,) = app.slack.wait_for("chat.postMessage")
    assert key not in app.slack.all_text()
    assert "revoke" in all_text(call.blocks()).lower()


def test_retried_event_is_processed_once(app: RunningApp) -> None:
    event = payloads.message_im("rate limit", user_id="U0ALICE")
    first = app.event(event, event_id="Ev0RETRY001")
    second = app.event(event, event_id="Ev0RETRY001", retry_num=1)
    third = app.event(event, event_id="Ev0RETRY001", retry_num=2)
    assert first.status == second.status == third.status == 200
    app.event(payloads.message_im("another question: phone", user_id="U0ALICE"))
    calls = app.slack.wait_for("chat.postMessage", 2)
    assert len(calls) == 2


def test_uninstall_forgets_the_workspace(app: RunningApp) -> None:
    app.services.progress.mark_done(ALICE, 3)
    other_team = Person(enterprise_id="", team_id="T0OTHER", user_id="U0ALICE")
    app.services.progress.mark_done(other_team, 3)
    app.event({"type": "app_uninstalled", "event_ts": "1700000000.1"})
    deadline_calls = 0
    import time

    while app.services.progress.completed_steps(ALICE) and deadline_calls < 100:
        time.sleep(0.05)
        deadline_calls += 1
    assert app.services.progress.completed_steps(ALICE) == frozenset()
    assert app.services.progress.completed_steps(other_team) == {3}
