"""Messages in channels the app is a member of: keys posted there, and what to do now.

The ack path routes and runs the detector (``holds_key``, microseconds); the database,
OpenAI and every Slack call run after the ack, as a lazy listener, for messages with a
key. Nothing here logs, stores or sends the key: only its fingerprint (stored) and mask
(shown).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.identity import Workspace
from bot.keys.leak_watch import Post
from bot.rules.secrets import contains_key, find_keys
from bot.slack.context import services_of
from bot.slack.leak_alerts import count_in_alerts, send_alert
from bot.ui.answers import fallback_text
from bot.ui.leak_watch import render_live_note, render_nudge

log = logging.getLogger(__name__)

# Slack refuses messages over 40,000 characters; anything longer is not Slack's own event.
MAX_MESSAGE_CHARS = 40_000
WATCHED_CHANNEL_TYPES = frozenset({"channel", "group", "mpim"})
# Subtypes with no text of a person's own worth scanning.
_SKIPPED_SUBTYPES = frozenset({"bot_message", "message_deleted", "message_replied"})


def holds_key(event: dict[str, Any], context: BoltContext) -> bool:
    """The ack path's test: a watched channel, and a key in the text (or the edit's text).

    The detector runs here, before the ack, so that only messages with a key start work
    after it: a scan costs microseconds (benchmarks/leak_watch_bench.py), a lazy listener's
    thread and request copy cost more, and "sk-" alone is common ("sk-learn", masks).
    """
    if event.get("channel_type") not in WATCHED_CHANNEL_TYPES:
        return False
    if not services_of(context).settings.leak_watch:
        return False
    message = _posted(event)
    if message is None:
        return False
    return contains_key(str(message.get("text") or "")[:MAX_MESSAGE_CHARS])


def acknowledge_message(ack: Ack) -> None:
    ack()


def watch_for_leaks(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    services = services_of(context)
    message = _posted(event)
    if message is None or _from_a_bot(message, context):
        return
    user_id = message.get("user")
    channel = event.get("channel")
    ts = message.get("ts")
    if not (isinstance(user_id, str) and isinstance(channel, str) and isinstance(ts, str)):
        return
    # The detector first: most messages with "sk-" hold no key and need no database.
    found = find_keys(str(message.get("text") or "")[:MAX_MESSAGE_CHARS])
    if found and event.get("subtype") == "message_changed":
        # An edit: only keys the edit added (the earlier text was handled when posted).
        before = (event.get("previous_message") or {}).get("text") or ""
        already = {key.value for key in find_keys(str(before)[:MAX_MESSAGE_CHARS])}
        found = [key for key in found if key.value not in already]
    if not found:
        return
    workspace = Workspace(context.enterprise_id or "", context.team_id or "")
    setting = services.leaks.setting(workspace)
    if not setting.enabled:
        return
    post = Post(workspace, user_id, channel, ts)
    thread = message.get("thread_ts")
    thread_ts = thread if isinstance(thread, str) else None
    for key in found:
        sighting = services.leaks.see(post, key.value)
        # The nudge first: what to do now never waits for OpenAI. Ephemeral messages cannot
        # be edited (chat.update refuses them), so the live check follows as a second one.
        blocks = render_nudge(sighting.masked, sighting.project_name, sighting.live_status)
        _tell_author(client, channel, user_id, thread_ts, blocks)
        if not sighting.first:
            count_in_alerts(client, sighting)
            continue
        permalink = _permalink(client, channel, ts)
        live = services.leaks.live_status(key.value) if setting.live_check else None
        services.leaks.note(sighting.id, permalink=permalink, live_status=live)
        sighting = replace(sighting, permalink=permalink, live_status=live)
        if live is not None:
            _tell_author(
                client, channel, user_id, thread_ts, render_live_note(sighting.masked, live)
            )
        if sighting.project_id is None and not setting.alert_channel:
            continue
        alerts = send_alert(
            client,
            sighting,
            setting.alert_channel,
            lambda: services.workspace_admins.of(client, workspace),
            services.leaks.key_admins,
        )
        services.leaks.note(sighting.id, alerts=alerts)
        # The same key posted again while this alert was on its way was counted, but found
        # no alert to update yet: bring the count in now.
        latest = services.leaks.current(sighting.id)
        if alerts and latest is not None and latest.seen_count != sighting.seen_count:
            count_in_alerts(client, latest)


def _tell_author(
    client: WebClient,
    channel: str,
    user_id: str,
    thread_ts: str | None,
    blocks: list[dict[str, Any]],
) -> None:
    try:
        client.chat_postEphemeral(
            channel=channel,
            user=user_id,
            blocks=blocks,
            text=fallback_text(blocks),
            thread_ts=thread_ts,
        )
    except SlackApiError as error:
        # The author may have left the channel meanwhile: the alert still goes out.
        log.warning("could not nudge the author: %s", error.response.get("error"))


def _permalink(client: WebClient, channel: str, ts: str) -> str | None:
    try:
        link = client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink")
    except SlackApiError as error:
        log.warning("chat.getPermalink failed: %s", error.response.get("error"))
        return None
    return link if isinstance(link, str) else None


def _posted(event: dict[str, Any]) -> dict[str, Any] | None:
    """The message as it reads now: the event itself, or an edit's new ``message``."""
    subtype = event.get("subtype")
    if subtype in _SKIPPED_SUBTYPES:
        return None
    if subtype == "message_changed":
        message = event.get("message")
        return message if isinstance(message, dict) else None
    return event


def _from_a_bot(message: dict[str, Any], context: BoltContext) -> bool:
    """Bots' messages (integrations, this app's own) are not a person leaking a key."""
    if message.get("bot_id") or message.get("subtype") == "bot_message":
        return True
    return bool(context.bot_user_id) and message.get("user") == context.bot_user_id
