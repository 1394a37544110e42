"""App Home's leak watch settings: on/off, live check on/off, the alert channel. Admins only,
re-checked with Slack on every write."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.identity import Actor
from bot.slack.actors import actor_of
from bot.slack.context import person_of, services_of
from bot.slack.home import publish_home
from bot.ui import actions as ids
from bot.ui.blocks import section
from bot.ui.messages import text

CHOICES = {ids.SETTING_ON: True, ids.SETTING_OFF: False}
# Public and private channel ids; anything else (a DM, a forged value) is refused.
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,20}\Z")


def change_leak_watch(action: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    wanted = CHOICES.get(str(action.get("value") or ""))
    _change(context, client, None if wanted is None else {"enabled": wanted})


def change_live_check(action: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    wanted = CHOICES.get(str(action.get("value") or ""))
    _change(context, client, None if wanted is None else {"live_check": wanted})


def pick_alert_channel(action: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    channel = action.get("selected_conversation")
    valid = isinstance(channel, str) and _CHANNEL_ID.match(channel)
    _change(context, client, {"alert_channel": channel} if valid else None)


def alerts_by_dm(context: BoltContext, client: WebClient) -> None:
    _change(context, client, {"clear_alert_channel": True})


def _change(context: BoltContext, client: WebClient, changes: dict[str, Any] | None) -> None:
    services = services_of(context)
    person = person_of(context)
    # The controls were only drawn for admins, but anyone can send these actions.
    actor: Actor = actor_of(person, client)
    if changes is None:
        _tell(client, person.user_id, text("workspace_setting.out_of_date"))
    elif not services.leaks.change(actor, **changes):
        _tell(client, person.user_id, text("leak_watch.refused"))
    publish_home(client, services, person, actor=actor)


def _tell(client: WebClient, user_id: str, sentence: str) -> None:
    client.chat_postMessage(channel=user_id, text=sentence, blocks=[section(sentence)])
