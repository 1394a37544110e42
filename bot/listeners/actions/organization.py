"""Choosing the OpenAI project of a stored project (a static select after connecting)."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.org.connection import Outcome
from bot.slack.actors import actor_of
from bot.slack.context import person_of, services_of
from bot.slack.home import publish_home
from bot.ui.actions import number_in_value
from bot.ui.blocks import section
from bot.ui.messages import text
from bot.ui.organization import render_message_view

PROJECT_ID_DIGITS = 11


def link_project(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    services = services_of(context)
    project_id = number_in_value(
        str(action.get("action_id", "")).rpartition(":")[2], max_digits=PROJECT_ID_DIGITS
    )
    selected = action.get("selected_option")
    openai_project = selected.get("value") if isinstance(selected, dict) else None
    actor = actor_of(person_of(context), client)
    outcome = Outcome.UNKNOWN_PROJECT
    if project_id is not None and isinstance(openai_project, str):
        outcome = services.organization.link(actor, project_id, openai_project)
    if outcome is Outcome.DONE:
        linked = services.keys.project(actor.workspace, project_id or 0)
        message, values = (
            "organization.linked_done",
            {
                "project": linked.name if linked else "",
                "openai_id": openai_project,
            },
        )
    elif outcome is Outcome.REFUSED:
        message, values = "organization.refused", {}
    elif outcome is Outcome.NOT_CONNECTED:
        message, values = "organization.not_connected", {}
    else:
        message, values = "organization.link_failed", {}
    view = body.get("view")
    if isinstance(view, dict) and view.get("type") == "modal" and view.get("id"):
        client.views_update(view_id=view["id"], view=render_message_view(message, **values))
        return
    # From App Home (or a message): tell the person, and draw Home again with the link.
    sentence = text(message, **values)
    client.chat_postMessage(channel=actor.user_id, text=sentence, blocks=[section(sentence)])
    services.overviews.forget(actor.workspace)
    publish_home(client, services, actor.person, actor=actor)
