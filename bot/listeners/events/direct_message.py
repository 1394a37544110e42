"""A direct message to the app: answered like ``/openai-setup <text>``."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext, Say
from slack_sdk import WebClient

from bot.slack.context import locale_of, person_of, services_of
from bot.slack.replies import reply_to_text
from bot.ui.answers import fallback_text


def is_direct_message(event: dict[str, Any]) -> bool:
    """The router's test (Bolt's event constraints ignore ``channel_type``)."""
    return event.get("channel_type") == "im"


def handle_direct_message(
    event: dict[str, Any], context: BoltContext, say: Say, client: WebClient
) -> None:
    # Only plain messages typed by a person have no subtype (edits, joins, bots do).
    if event.get("subtype") or event.get("bot_id"):
        return
    person = person_of(context, event.get("user"))
    locale = locale_of(context, client, person)
    blocks = reply_to_text(services_of(context), event.get("text") or "", person, locale)
    thread_ts = event.get("thread_ts")
    say(blocks=blocks, text=fallback_text(blocks), thread_ts=thread_ts)
