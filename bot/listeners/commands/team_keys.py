"""``/openai-setup key [project]`` (the private dialog), ``keys`` (the list), ``audit``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.keys.results import Verdict
from bot.slack.actors import actor_of
from bot.slack.context import person_of, services_of
from bot.slack.key_views import keys_list_blocks
from bot.ui.answers import fallback_text
from bot.ui.keys import render_audit, render_audit_refused, render_key_modal


def open_key_dialog(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient, project: str
) -> None:
    # trigger_id lives 3 s: ack first, then open the modal straight away.
    ack()
    client.views_open(trigger_id=command["trigger_id"], view=render_key_modal(project or None))


def list_keys(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient, _rest: str
) -> None:
    blocks = keys_list_blocks(services_of(context), actor_of(person_of(context), client))
    ack(response_type="ephemeral", text=fallback_text(blocks), blocks=blocks)


def show_audit(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient, project: str
) -> None:
    actor = actor_of(person_of(context), client)
    trail = services_of(context).keys.audit.trail(actor, project or None)
    if trail.verdict is Verdict.REFUSED:
        blocks = render_audit_refused()
    else:
        blocks = render_audit(list(trail.rows), project or None, now=datetime.now(UTC))
    ack(response_type="ephemeral", text=fallback_text(blocks), blocks=blocks)


KEY_COMMANDS: dict[str, Callable[[Ack, dict[str, Any], BoltContext, WebClient, str], None]] = {
    "key": open_key_dialog,
    "keys": list_keys,
    "audit": show_audit,
}
