"""App Home's "who may add projects" button: admins only, re-checked with Slack on the write."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.slack.actors import actor_of
from bot.slack.context import person_of, services_of
from bot.slack.home import publish_home
from bot.ui import actions as ids
from bot.ui.blocks import section
from bot.ui.messages import text

CHOICES = {ids.CREATION_MEMBERS: True, ids.CREATION_ADMINS: False}


def change_project_creation(
    action: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    services = services_of(context)
    person = person_of(context)
    # The button was only drawn for admins, but anyone can send this action: ask Slack again.
    actor = actor_of(person_of(context), client)
    wanted = CHOICES.get(str(action.get("value") or ""))
    if wanted is None:
        _tell(client, person.user_id, text("workspace_setting.out_of_date"))
    elif not services.creation.change(actor, wanted):
        _tell(client, person.user_id, text("workspace_setting.refused"))
    publish_home(client, services, person, actor=actor)


def _tell(client: WebClient, user_id: str, sentence: str) -> None:
    """A click on Home has no message to answer in place: say it in the app's DM."""
    client.chat_postMessage(channel=user_id, text=sentence, blocks=[section(sentence)])
