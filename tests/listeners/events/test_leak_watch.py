"""The leak watch through signed Events API deliveries into the real app, the fake Slack and
the fake OpenAI, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.identity import Workspace
from bot.store.leak_models import LeakSighting
from bot.ui import actions
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack import FakeSlack
from tests.support import payloads
from tests.support.blocks import all_text, find_button
from tests.support.leaks import assert_nowhere, debug_logs, eventually
from tests.support.running_app import RunningApp, default_app_settings

LEAKED = FakeOpenAI.key_for("valid", "leak")
REVOKED = FakeOpenAI.key_for("revoked", "leak")
ALL = Workspace("", "T0001")


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
    # Nothing for Bob's channel messages; the DM's answer looks up Alice's locale only.
    methods = {call.method for call in app.slack.calls} - {"auth.test", "users.info"}
    assert methods == {"chat.postMessage"}
    assert {call.params.get("user") for call in app.slack.calls_to("users.info")} <= {"U0ALICE"}
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
    nudge = app.slack.wait_for("chat.postEphemeral")[0]
    assert nudge.params["channel"] == "C0GENERAL"
    assert nudge.params["user"] == "U0BOB"
    assert "thread_ts" not in nudge.params
    text = all_text(nudge.blocks())
    assert f"sk-proj-…{LEAKED[-4:]}" in text
    assert "api-keys" in text and "Delete message" in text
    # The live check (GET /v1/models once) follows in a second private message.
    live = app.slack.wait_for("chat.postEphemeral", 2)[1]
    assert (live.params["channel"], live.params["user"]) == ("C0GENERAL", "U0BOB")
    assert "still accepts" in all_text(live.blocks())
    assert f"sk-proj-…{LEAKED[-4:]}" in all_text(live.blocks())
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
    nudge, live = app.slack.wait_for("chat.postEphemeral", 2)
    assert nudge.params["thread_ts"] == live.params["thread_ts"] == "1700000001.000001"
    assert nudge.params["channel"] == live.params["channel"] == "G0PRIVATE"
    assert "already rejects" in all_text(live.blocks())


def test_an_edit_that_adds_a_key_is_caught_once(app: RunningApp) -> None:
    app.event(payloads.message_edited(f"oops {LEAKED}", "oops", user_id="U0BOB"))
    nudge = app.slack.wait_for("chat.postEphemeral")[0]
    assert nudge.params["user"] == "U0BOB"
    app.slack.wait_for("chat.postEphemeral", 2)  # and the live check
    # Editing the same message again (the key still there) is not a new leak.
    app.event(payloads.message_edited(f"oops {LEAKED} sorry", f"oops {LEAKED}", user_id="U0BOB"))
    settle(app)
    assert len(app.slack.calls_to("chat.postEphemeral")) == 2
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
    app.slack.wait_for("chat.postEphemeral", 2)  # the nudge, then the live check
    eventually(lambda: sightings(app)[0].alerts or "", lambda alerts: alerts.count("\n") == 1)
    app.event(payloads.message_channel(f"again {LEAKED}", user_id="U0ALICE", channel="C0OTHER"))
    again = app.slack.wait_for("chat.postEphemeral", 3)[2]
    # The second author's nudge carries the live check known since the first.
    assert again.params["user"] == "U0ALICE" and "still accepts" in all_text(again.blocks())
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
    # The alerts show the count, updated in place (no second alert).
    updates = app.slack.wait_for("chat.update", 2)
    assert all("seen 2 times today" in all_text(update.blocks()) for update in updates)
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
        slack.wait_for("chat.postEphemeral", 3)
        settle(first)
        # One nudge and one live check for the first delivery, one nudge for the second.
        assert len(slack.calls_to("chat.postEphemeral")) == 3
        (row,) = eventually(lambda: sightings(first), lambda rows: rows and rows[0].seen_count == 2)
        assert row.seen_count == 2
        assert len(fake_openai.requests_to("/v1/models")) == 1
    finally:
        first.close()
        second.close()


def _alerts(app: RunningApp) -> list:
    return [
        call
        for call in app.slack.calls_to("chat.postMessage")
        if "posted in a channel" in call.text_content()
    ]


def _audit(app: RunningApp) -> list[tuple[str, str, str]]:
    from bot.store.models import AuditEvent

    with app.database.read_session() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "leak").order_by(AuditEvent.id)
        )
        return [(row.actor, row.outcome, row.project_name or "") for row in rows]


def test_a_stored_key_leaked_compromises_its_project_until_replaced(app: RunningApp) -> None:
    store_key(app, "prod", LEAKED)  # Alice maintains "prod"
    app.event(payloads.message_channel(f"use {LEAKED}", user_id="U0BOB", ts="1700000009.000200"))
    nudge = app.slack.wait_for("chat.postEphemeral")[0]
    # The author's button opens the key dialog for the matching project.
    button = find_button(nudge.blocks(), actions.OPEN_KEY_MODAL)
    assert button["value"] == "prod"
    assert "maintainers" in all_text(nudge.blocks())
    # The maintainer and the key admin are told by DM: who, where, when, a permalink.
    alerts = eventually(lambda: _alerts(app), lambda found: len(found) == 2)
    assert sorted(call.params["channel"] for call in alerts) == ["U0ALICE", "U0KEYADMIN"]
    alert_text = all_text(alerts[0].blocks())
    assert "<@U0BOB>" in alert_text and "<#C0GENERAL>" in alert_text
    assert "https://example.slack.com/archives/C0GENERAL/p1700000009000200" in alert_text
    assert "still accepts" in alert_text
    assert _audit(app) == [("U0BOB", "compromised", "prod")]
    # The key list shows the project compromised.
    listing = all_text(app.command("keys", user_id="U0BOB").json()["blocks"])
    assert "compromised" in listing and "<@U0BOB>" in listing
    # App Home too.
    home = _home_for(app, "U0ALICE")
    assert "compromised" in all_text(home)

    # A new key through the dialog clears it and updates both alerts in place.
    store_key(app, "prod", FakeOpenAI.key_for("valid", "new"))
    updates = app.slack.wait_for("chat.update", 2)
    assert {(u.params["channel"], u.params["ts"]) for u in updates} == {
        (a.params["channel"], _ts_of(app, a)) for a in alerts
    }
    assert "Replaced" in all_text(updates[0].blocks()) and "<@U0ALICE>" in all_text(
        updates[0].blocks()
    )
    listing = all_text(app.command("keys", user_id="U0BOB").json()["blocks"])
    assert "compromised" not in listing
    assert _audit(app) == [("U0BOB", "compromised", "prod"), ("U0ALICE", "replaced", "prod")]


def _ts_of(app: RunningApp, call: object) -> str:
    (row,) = sightings(app)
    refs = dict(line.split(" ") for line in (row.alerts or "").splitlines())
    return refs[call.params["channel"]]  # type: ignore[attr-defined]


def _home_for(app: RunningApp, user_id: str) -> list[dict]:
    before = len(app.slack.calls_to("views.publish"))
    app.event(payloads.app_home_opened(user_id))
    count = before + 1
    while True:
        calls = app.slack.wait_for("views.publish", count)
        for call in calls[before:]:
            if call.params.get("user_id") == user_id:
                return call.blocks()
        count += 1


def test_the_leaked_key_appears_nowhere(app: RunningApp) -> None:
    with debug_logs() as logs:
        store_key(app, "prod", LEAKED)
        app.event(payloads.message_channel(f"key {LEAKED} and {REVOKED}", user_id="U0BOB"))
        app.slack.wait_for("chat.postEphemeral", 2)
        eventually(lambda: _alerts(app), lambda found: len(found) == 2)
        app.event(payloads.message_edited(f"x {LEAKED}", "x", user_id="U0BOB"))
        eventually(lambda: sightings(app), lambda rows: rows[0].seen_count == 2)
        store_key(app, "prod", FakeOpenAI.key_for("valid", "new"))
        app.slack.wait_for("chat.update", 2)
    assert_nowhere(app, logs, LEAKED, REVOKED, LEAKED[len("sk-proj-") :])


def test_a_key_at_the_end_of_a_40000_character_paste_is_caught_and_never_repeated(
    app: RunningApp,
) -> None:
    # A pasted log at Slack's 40,000-character limit, `<!channel>` and a link in it, the key last.
    filler = "<!channel> see <https://evil.example|the docs> 2026-11-29 INFO worker ok sk-... "
    body = (filler * (40_000 // len(filler)))[: 40_000 - len(LEAKED) - 1] + " " + LEAKED
    assert len(body) == 40_000
    with debug_logs() as logs:
        app.event(payloads.message_channel(body, user_id="U0BOB"))
        nudge = app.slack.wait_for("chat.postEphemeral")[0]
        app.slack.wait_for("chat.postEphemeral", 2)
    text = all_text(nudge.blocks())
    assert f"sk-proj-…{LEAKED[-4:]}" in text
    # Nothing of the pasted text comes back: no ping, no link, no key.
    sent = nudge.text_content()
    assert "<!channel>" not in sent and "evil.example" not in sent
    assert len(sightings(app)) == 1
    assert_nowhere(app, logs, LEAKED, LEAKED[len("sk-proj-") :])


def test_admins_turn_the_watch_off_and_pick_an_alert_channel(app: RunningApp) -> None:
    app.slack.add_user("U0BOSS", is_admin=True)
    home = _home_for(app, "U0BOSS")
    assert "Leak watch:* on" in all_text(home)
    assert "Leak watch" not in all_text(_home_for(app, "U0BOB"))
    # A member's forged click changes nothing.
    app.action(actions.LEAK_WATCH, actions.SETTING_OFF, user_id="U0BOB", container="home")
    (refusal,) = app.slack.wait_for("chat.postMessage")
    assert "Only workspace admins" in refusal.params["text"]
    assert app.services.leaks.setting(ALL).enabled
    # The admin picks a channel: the next alert goes there, not by DM.
    app.action(
        actions.LEAK_ALERT_CHANNEL,
        "",
        user_id="U0BOSS",
        container="home",
        action_fields={"type": "conversations_select", "selected_conversation": "C0SECURITY"},
    )
    setting = eventually(lambda: app.services.leaks.setting(ALL), lambda s: s.alert_channel)
    assert setting.alert_channel == "C0SECURITY"
    app.event(payloads.message_channel(f"k {LEAKED}", user_id="U0BOB"))
    (alert,) = eventually(lambda: _alerts(app), lambda found: len(found) == 1)
    assert alert.params["channel"] == "C0SECURITY"
    # Off: keys go unnoticed.
    app.action(actions.LEAK_WATCH, actions.SETTING_OFF, user_id="U0BOSS", container="home")
    setting = eventually(lambda: app.services.leaks.setting(ALL), lambda s: not s.enabled)
    assert not setting.enabled
    told = len(app.slack.wait_for("chat.postEphemeral", 2))  # the nudge and the live check
    app.event(payloads.message_channel(f"k {REVOKED}", user_id="U0BOB"))
    settle(app)
    assert len(app.slack.calls_to("chat.postEphemeral")) == told
    assert len(sightings(app)) == 1


def test_live_check_off_sends_nothing_to_openai(app: RunningApp, fake_openai: FakeOpenAI) -> None:
    app.slack.add_user("U0BOSS", is_admin=True)
    app.action(actions.LEAK_LIVE_CHECK, actions.SETTING_OFF, user_id="U0BOSS", container="home")
    eventually(lambda: app.services.leaks.setting(ALL), lambda s: not s.live_check)
    app.event(payloads.message_channel(f"k {LEAKED}", user_id="U0BOB"))
    nudge = app.slack.wait_for("chat.postEphemeral")[0]
    assert "still accepts" not in all_text(nudge.blocks())
    eventually(lambda: sightings(app), lambda rows: rows and rows[0].permalink)
    settle(app)
    assert len(app.slack.calls_to("chat.postEphemeral")) == 1  # no live-check note either
    assert not fake_openai.requests_to("/v1/models")


def test_the_operator_can_leave_the_watch_out(
    slack: FakeSlack, fake_openai: FakeOpenAI, database_url: str, tmp_path: Path
) -> None:
    settings = default_app_settings(fake_openai.base_url, tmp_path / "data")
    app = RunningApp(slack, database_url, leak_watch=False, **settings)
    try:
        assert app.event(payloads.message_channel(f"k {LEAKED}", user_id="U0BOB")).status == 200
        app.event(payloads.message_im("phone code never arrives", user_id="U0ALICE"))
        slack.wait_for("chat.postMessage")
        settle(app)
        assert not slack.calls_to("chat.postEphemeral")
        assert sightings(app) == []
    finally:
        app.close()


def test_uninstalling_forgets_what_the_watch_saw(app: RunningApp) -> None:
    app.event(payloads.message_channel(f"k {LEAKED}", user_id="U0BOB"))
    app.slack.wait_for("chat.postEphemeral")
    assert len(sightings(app)) == 1
    app.event({"type": "app_uninstalled", "event_ts": "1700000000.1"})
    assert eventually(lambda: sightings(app), lambda rows: not rows) == []


def test_a_file_shared_with_a_key_in_its_message_text_is_caught(app: RunningApp) -> None:
    event = payloads.message_channel(
        f"config attached, key is {LEAKED}",
        user_id="U0BOB",
        subtype="file_share",
        files=[{"id": "F0CONFIG", "name": "config.env", "mode": "hosted"}],
    )
    app.event(event)
    nudge = app.slack.wait_for("chat.postEphemeral")[0]
    assert nudge.params["user"] == "U0BOB"


def test_maintainers_are_told_even_when_the_author_cannot_be(app: RunningApp) -> None:
    store_key(app, "prod", LEAKED)
    app.slack.fail("chat.postEphemeral", 200, {"ok": False, "error": "user_not_in_channel"})
    app.slack.fail("chat.getPermalink", 200, {"ok": False, "error": "message_not_found"})
    app.event(payloads.message_channel(f"k {LEAKED}", user_id="U0BOB"))
    alerts = eventually(lambda: _alerts(app), lambda found: len(found) == 2)
    assert len(alerts) == 2
    assert "compromised" in all_text(app.command("keys", user_id="U0BOB").json()["blocks"])


# --- the workspace's admins and owners (users.list) --------------------------------------


def _add_members(slack: FakeSlack, count: int) -> None:
    for number in range(count):
        slack.add_user(f"U0M{number:04d}")


def test_workspace_admins_and_owners_are_told_and_the_listing_is_cached(app: RunningApp) -> None:
    app.slack.add_user("U0WSADMIN", is_admin=True)
    app.slack.add_user("U0GONE", is_admin=True, deleted=True)
    app.slack.add_user("U0ADMINBOT", is_admin=True, is_bot=True)
    _add_members(app.slack, 420)  # three pages of 200
    app.slack.add_user("U0OWNER", is_owner=True)
    app.slack.add_user("U0PRIMARY", is_owner=True, is_primary_owner=True)
    store_key(app, "prod", LEAKED)
    app.event(payloads.message_channel(f"use {LEAKED}", user_id="U0BOB"))
    alerts = eventually(lambda: _alerts(app), lambda found: len(found) == 5)
    # Maintainer, KEY_ADMINS, and the workspace's admins and owners; not the deleted
    # admin, not the bot.
    assert sorted(call.params["channel"] for call in alerts) == [
        "U0ALICE",
        "U0KEYADMIN",
        "U0OWNER",
        "U0PRIMARY",
        "U0WSADMIN",
    ]
    pages = app.slack.calls_to("users.list")
    assert len(pages) == 3
    assert all(page.params["limit"] == "200" for page in pages)
    assert "cursor" not in pages[0].params
    assert pages[1].params["cursor"] and pages[2].params["cursor"] != pages[1].params["cursor"]
    # A second project's key leaked: the admins are told again, from the cache.
    second = FakeOpenAI.key_for("valid", "second")
    store_key(app, "dev", second)
    app.event(payloads.message_channel(f"and {second}", user_id="U0BOB"))
    eventually(lambda: _alerts(app), lambda found: len(found) == 10)
    assert len(_alerts(app)) == 10
    assert len(app.slack.calls_to("users.list")) == 3


def test_a_users_list_failure_still_alerts_maintainers(app: RunningApp) -> None:
    app.slack.add_user("U0WSADMIN", is_admin=True)
    app.slack.fail("users.list", 200, {"ok": False, "error": "internal_error"})
    store_key(app, "prod", LEAKED)
    app.event(payloads.message_channel(f"use {LEAKED}", user_id="U0BOB"))
    alerts = eventually(lambda: _alerts(app), lambda found: len(found) == 2)
    settle(app)
    assert sorted(call.params["channel"] for call in _alerts(app)) == ["U0ALICE", "U0KEYADMIN"]
    assert len(alerts) == 2
    # The failure was not kept: the next alert asks Slack again and reaches the admin.
    second = FakeOpenAI.key_for("valid", "second")
    store_key(app, "dev", second)
    app.event(payloads.message_channel(f"and {second}", user_id="U0BOB"))
    later = eventually(lambda: _alerts(app)[2:], lambda found: len(found) == 3)
    assert sorted(call.params["channel"] for call in later) == [
        "U0ALICE",
        "U0KEYADMIN",
        "U0WSADMIN",
    ]
    assert len(app.slack.calls_to("users.list")) == 2


def test_a_giant_workspace_is_listed_a_bounded_number_of_pages(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.slack.workspace_admins import WorkspaceAdmins

    app.services.workspace_admins = WorkspaceAdmins(max_pages=2)
    app.slack.add_user("U0WSADMIN", is_admin=True)
    _add_members(app.slack, 450)
    app.slack.add_user("U0LATEADMIN", is_admin=True)  # on page 3: not reached
    store_key(app, "prod", LEAKED)
    with caplog.at_level("WARNING", logger="bot.slack.workspace_admins"):
        app.event(payloads.message_channel(f"use {LEAKED}", user_id="U0BOB"))
        alerts = eventually(lambda: _alerts(app), lambda found: len(found) == 3)
        settle(app)
    assert sorted(call.params["channel"] for call in alerts) == [
        "U0ALICE",
        "U0KEYADMIN",
        "U0WSADMIN",
    ]
    assert len(app.slack.calls_to("users.list")) == 2
    assert "stopped after 2 pages" in caplog.text


# --- the live check never holds the nudge back ------------------------------------------

SLOW = FakeOpenAI.key_for("slow", "leak")


@pytest.fixture
def patient_app(
    slack: FakeSlack, fake_openai: FakeOpenAI, database_url: str, tmp_path: Path
) -> Iterator[RunningApp]:
    """The app with a 30 s OpenAI timeout: a slow key's live check hangs until the fake
    OpenAI is closed (its slow mode sleeps 10 s)."""
    settings = {
        **default_app_settings(fake_openai.base_url, tmp_path / "data"),
        "openai_timeout_seconds": 30.0,
    }
    running = RunningApp(slack, database_url, **settings)
    try:
        yield running
    finally:
        fake_openai.close()  # releases a hanging check
        running.close()


def test_the_nudge_is_posted_before_the_live_check_answers(
    patient_app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    app = patient_app
    app.event(payloads.message_channel(f"try {SLOW}", user_id="U0BOB"))
    nudge = app.slack.wait_for("chat.postEphemeral", timeout=5)[0]
    assert f"sk-proj-…{SLOW[-4:]}" in all_text(nudge.blocks())
    assert "Delete message" in all_text(nudge.blocks())
    # The check was sent and still hangs: no answer written, no second message yet.
    eventually(lambda: fake_openai.requests_to("/v1/models"), lambda found: len(found) == 1)
    assert len(fake_openai.requests_to("/v1/models")) == 1
    (row,) = sightings(app)
    assert row.live_status is None
    assert len(app.slack.calls_to("chat.postEphemeral")) == 1
    # OpenAI answers at last (closing the fake releases the check, which then succeeds):
    # the answer follows as a second private message.
    fake_openai.close()
    live = app.slack.wait_for("chat.postEphemeral", 2)[1]
    assert live.params["user"] == "U0BOB"
    assert "still accepts" in all_text(live.blocks())
    assert eventually(lambda: sightings(app)[0].live_status, bool) == "active"


def test_a_repost_while_the_alert_is_on_its_way_reaches_the_alert(
    patient_app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    app = patient_app
    app.slack.add_user("U0BOSS", is_admin=True)
    app.action(
        actions.LEAK_ALERT_CHANNEL,
        "",
        user_id="U0BOSS",
        container="home",
        action_fields={"type": "conversations_select", "selected_conversation": "C0SECURITY"},
    )
    eventually(lambda: app.services.leaks.setting(ALL), lambda s: s.alert_channel)
    app.event(payloads.message_channel(f"try {SLOW}", user_id="U0BOB"))
    app.slack.wait_for("chat.postEphemeral", timeout=5)
    eventually(lambda: fake_openai.requests_to("/v1/models"), lambda found: len(found) == 1)
    # The first alert waits for the live check; the same key is posted again meanwhile.
    app.event(payloads.message_channel(f"again {SLOW}", user_id="U0ALICE", channel="C0OTHER"))
    app.slack.wait_for("chat.postEphemeral", 2, timeout=5)
    eventually(lambda: sightings(app)[0].seen_count, lambda count: count == 2)
    assert not _alerts(app) and not app.slack.calls_to("chat.update")
    fake_openai.close()
    (alert,) = eventually(lambda: _alerts(app), lambda found: len(found) == 1)
    assert alert.params["channel"] == "C0SECURITY"
    (update,) = app.slack.wait_for("chat.update")
    assert update.params["channel"] == "C0SECURITY"
    assert update.params["ts"] == _ts_of(app, alert)
    assert "seen 2 times today" in all_text(update.blocks())
