"""``@openai-setup <question>`` in a channel: answered in a thread under the mention."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import BoltContext, Say
from slack_sdk import WebClient

from bot.slack.context import locale_of, person_of, services_of
from bot.slack.replies import reply_to_text
from bot.ui.answers import fallback_text

# Slack writes a mention as <@U123> or <@U123|name>. The label may not run past a "<": with
# "[^>]*" a message of repeated "<@A|" made each try scan to the end (quadratic time).
MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^<>]*)?>")


def handle_app_mention(
    event: dict[str, Any], context: BoltContext, say: Say, client: WebClient
) -> None:
    question = MENTION.sub(" ", event.get("text") or "").strip()
    person = person_of(context, event.get("user"))
    locale = locale_of(context, client, person)
    blocks = reply_to_text(services_of(context), question, person, locale)
    say(
        blocks=blocks,
        text=fallback_text(blocks),
        thread_ts=event.get("thread_ts") or event.get("ts"),
    )
