"""A hostile @mention costs linear time: it cannot hold up other people's acks."""

from __future__ import annotations

import threading
import time

from tests.support import payloads
from tests.support.blocks import all_text
from tests.support.running_app import RunningApp

ACK_DEADLINE_SECONDS = 3.0  # Slack's: a slower ack is a failed command for the person
SLACK_MESSAGE_LIMIT = 40_000


def test_pathological_mentions_do_not_delay_another_ack(app: RunningApp) -> None:
    hostile = ("<@A|" * SLACK_MESSAGE_LIMIT)[:SLACK_MESSAGE_LIMIT]
    senders = [
        threading.Thread(
            target=app.event,
            args=(payloads.app_mention(hostile, user_id="U0MALLORY", ts=f"1700000001.00{n}"),),
        )
        for n in range(3)
    ]
    for sender in senders:
        sender.start()
    time.sleep(0.3)  # the mentions are being handled now
    started = time.monotonic()
    response = app.command("help")
    elapsed = time.monotonic() - started
    for sender in senders:
        sender.join(timeout=30)
    assert response.status == 200
    assert elapsed < ACK_DEADLINE_SECONDS
    # The mentions were answered too (in their threads), and nothing of them was echoed.
    replies = app.slack.wait_for("chat.postMessage", 3, timeout=30)
    assert all("<@A|" not in all_text(reply.blocks()) for reply in replies)


def test_a_mention_is_stripped_and_the_question_answered(app: RunningApp) -> None:
    event = payloads.app_mention("<@UBOT0001|openai-setup> insufficient_quota", user_id="U0ALICE")
    assert app.event(event).status == 200
    (reply,) = app.slack.wait_for("chat.postMessage")
    assert "quota" in all_text(reply.blocks()).lower()
    assert reply.params["thread_ts"] == event["ts"]
