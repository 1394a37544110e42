"""``/openai-setup connect`` (the admin key dialog) and ``disconnect``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.listeners.commands.costs import COST_COMMANDS
from bot.org.connection import Outcome
from bot.slack.actors import actor_of
from bot.slack.context import person_of, services_of
from bot.ui.blocks import section
from bot.ui.messages import text
from bot.ui.organization import render_connect_modal


def open_connect_dialog(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient, _rest: str
) -> None:
    # trigger_id lives 3 s: open first; who may connect is decided when the key comes back.
    ack()
    client.views_open(trigger_id=command["trigger_id"], view=render_connect_modal())


def disconnect(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient, _rest: str
) -> None:
    actor = actor_of(person_of(context), client)
    outcome = services_of(context).organization.disconnect(actor)
    message = {
        Outcome.DONE: "organization.disconnected",
        Outcome.REFUSED: "organization.refused",
    }.get(outcome, "organization.not_connected")
    sentence = text(message)
    ack(response_type="ephemeral", text=sentence, blocks=[section(sentence)])


ORGANIZATION_COMMANDS: dict[
    str, Callable[[Ack, dict[str, Any], BoltContext, WebClient, str], None]
] = {"connect": open_connect_dialog, "disconnect": disconnect, **COST_COMMANDS}
