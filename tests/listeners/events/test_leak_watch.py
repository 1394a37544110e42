"""The leak watch through signed Events API deliveries into the real app, the fake Slack and
the fake OpenAI, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.store.leak_models import LeakSighting
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack import FakeSlack
from tests.support import payloads
from tests.support.blocks import all_text
from tests.support.leaks import eventually
from tests.support.running_app import RunningApp, default_app_settings

LEAKED = FakeOpenAI.key_for("valid", "leak")
REVOKED = FakeOpenAI.key_for("revoked", "leak")


def sightings(app: RunningApp) -> list[LeakSighting]:
    with app.database.read_session() as session:
        return list(session.scalars(select(LeakSighting).order_by(LeakSighting.id)))


def settle(app: RunningApp, seconds: float = 0.4) -> None:
    """Give work after the ack time to run when a test checks that nothing happens."""
    time.sleep(seconds)


def store_key(app: RunningApp, project: str, key: str, user_id: str = "U0ALICE") -> None:
    before = len(app.slack.calls_to("views.update"))
    app.submit_key(project, key, user_id=user_id, check_billing=False)
    app.slack.wait_for("views.update", before + 1)


@pytest.fixture(autouse=True)
def people(slack: FakeSlack) -> None:
    slack.add_user("U0ALICE")
    slack.add_user("U0BOB")
    slack.add_user("U0KEYADMIN")


def test_an_ordinary_channel_message_gets_no_reply(app: RunningApp) -> None:
    response = app.event(payloads.message_channel("shipping the release today", user_id="U0BOB"))
    assert response.status == 200
    app.event(payloads.message_channel("task-1234 and risk-assessment", user_id="U0BOB"))
    # A DM afterwards is still answered: one reply, to the DM only.
    app.event(payloads.message_im("phone code never arrives", user_id="U0ALICE"))
    (reply,) = app.slack.wait_for("chat.postMessage")
    assert reply.params["channel"] == "D0DIRECT1"
    settle(app)
    methods = {call.method for call in app.slack.calls} - {"auth.test"}
    assert methods == {"chat.postMessage"}
    assert len(app.slack.calls_to("chat.postMessage")) == 1
    assert sightings(app) == []


def test_a_key_in_a_channel_message_nudges_its_author_privately(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    app.event(
        payloads.message_channel(
            f"here is the key for staging: {LEAKED} thanks", user_id="U0BOB", ts="1700000005.000100"
        )
    )
    (nudge,) = app.slack.wait_for("chat.postEphemeral")
    assert nudge.params["channel"] == "C0GENERAL"
    assert nudge.params["user"] == "U0BOB"
    assert "thread_ts" not in nudge.params
    text = all_text(nudge.blocks())
    assert f"sk-proj-…{LEAKED[-4:]}" in text
    assert "api-keys" in text and "Delete message" in text
    assert "still accepts" in text  # the live check: GET /v1/models once
    assert len(fake_openai.requests_to("/v1/models")) == 1
    assert not fake_openai.requests_to("/v1/chat/completions")
    (row,) = sightings(app)
    assert (row.posted_by, row.channel_id) == ("U0BOB", "C0GENERAL")
    assert row.message_ts == "1700000005.000100"
    assert row.permalink == "https://example.slack.com/archives/C0GENERAL/p1700000005000100"
    assert row.project_id is None and row.live_status == "active"
    # Not a stored key and no alert channel: nobody else is told.
    settle(app)
    assert not app.slack.calls_to("chat.postMessage")


def test_a_thread_reply_is_nudged_in_its_thread(app: RunningApp) -> None:
    event = payloads.message_channel(
        f"try {REVOKED}",
        user_id="U0BOB",
        channel_type="group",
        channel="G0PRIVATE",
        thread_ts="1700000001.000001",
    )
    app.event(event)
    (nudge,) = app.slack.wait_for("chat.postEphemeral")
    assert nudge.params["thread_ts"] == "1700000001.000001"
    assert nudge.params["channel"] == "G0PRIVATE"
    assert "already rejects" in all_text(nudge.blocks())


def test_an_edit_that_adds_a_key_is_caught_once(app: RunningApp) -> None:
    app.event(payloads.message_edited(f"oops {LEAKED}", "oops", user_id="U0BOB"))
    (nudge,) = app.slack.wait_for("chat.postEphemeral")
    assert nudge.params["user"] == "U0BOB"
    # Editing the same message again (the key still there) is not a new leak.
    app.event(payloads.message_edited(f"oops {LEAKED} sorry", f"oops {LEAKED}", user_id="U0BOB"))
    settle(app)
    assert len(app.slack.calls_to("chat.postEphemeral")) == 1
    (row,) = sightings(app)
    assert row.seen_count == 1


@pytest.mark.parametrize(
    "text",
    [
        "use sk-…abcd from the vault",
        "OPENAI_API_KEY=sk-*** in .env",
        "set it to sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "keys look like sk-... (guide step 4)",
        "the error said sk-proj-****************************GDYA",
    ],
)
def test_masked_and_example_keys_raise_nothing(app: RunningApp, text: str) -> None:
    app.event(payloads.message_channel(text, user_id="U0BOB"))
    settle(app)
    assert not app.slack.calls_to("chat.postEphemeral")
    assert sightings(app) == []


def test_bot_messages_and_the_apps_own_raise_nothing(app: RunningApp) -> None:
    app.event(payloads.message_channel(f"ci: {LEAKED}", user_id="U0BOB", bot_id="B0CI"))
    app.event(
        payloads.message_channel(
            f"deploy {LEAKED}", user_id="U0BOB", subtype="bot_message", bot_id="B0CI"
        )
    )
    app.event(payloads.message_channel(f"mine {LEAKED}", user_id="UBOT0001"))
    settle(app)
    assert not app.slack.calls_to("chat.postEphemeral")
    assert sightings(app) == []


def test_the_same_key_twice_alerts_once_and_counts(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    store_key(app, "prod", LEAKED)
    app.event(payloads.message_channel(f"key: {LEAKED}", user_id="U0BOB"))
    app.slack.wait_for("chat.postEphemeral")
    app.event(payloads.message_channel(f"again {LEAKED}", user_id="U0ALICE", channel="C0OTHER"))
    app.slack.wait_for("chat.postEphemeral", 2)
    row = eventually(lambda: sightings(app)[0], lambda r: r.seen_count == 2)
    assert row.seen_count == 2
    assert len(sightings(app)) == 1
    settle(app)
    # One alert to each of the maintainer and the key admin, not two.
    alerts = [
        c
        for c in app.slack.calls_to("chat.postMessage")
        if "posted in a channel" in c.text_content()
    ]
    assert sorted(c.params["channel"] for c in alerts) == ["U0ALICE", "U0KEYADMIN"]
    # One live check for the sighting (the submission made its own before).
    assert len(fake_openai.requests_to("/v1/models")) == 2


def test_two_replicas_receiving_the_same_event_alert_once(
    slack: FakeSlack, fake_openai: FakeOpenAI, database_url: str, tmp_path: Path
) -> None:
    settings = default_app_settings(fake_openai.base_url, tmp_path / "data")
    first = RunningApp(slack, database_url, **settings)
    # Same database and same keyring (data_dir), as replicas behind one load balancer.
    second = RunningApp(slack, database_url, **settings)
    try:
        event = payloads.message_channel(f"key {LEAKED}", user_id="U0BOB")
        assert first.event(event, event_id="Ev0SAMEEVENT").status == 200
        assert second.event(event, event_id="Ev0SAMEEVENT").status == 200
        # Another delivery of the same key (a different event) on the other replica: counted.
        second.event(payloads.message_channel(f"key {LEAKED}", user_id="U0BOB"))
        slack.wait_for("chat.postEphemeral", 2)
        settle(first)
        assert len(slack.calls_to("chat.postEphemeral")) == 2
        (row,) = eventually(lambda: sightings(first), lambda rows: rows and rows[0].seen_count == 2)
        assert row.seen_count == 2
        assert len(fake_openai.requests_to("/v1/models")) == 1
    finally:
        first.close()
        second.close()
