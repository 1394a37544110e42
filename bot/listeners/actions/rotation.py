""" "Rotate now" (opens the rotation dialog) and the rotation period select on App Home."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.slack.actors import actor_of
from bot.slack.context import person_of, services_of
from bot.slack.home import publish_home
from bot.slack.org_views import rotatable
from bot.ui.actions import number_in_value
from bot.ui.blocks import section
from bot.ui.messages import text
from bot.ui.rotate import render_rotate_message, render_rotate_modal

PROJECT_ID_DIGITS = 11


def open_rotate_dialog(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    services = services_of(context)
    project_id = number_in_value(action.get("value"), max_digits=PROJECT_ID_DIGITS)
    person = person_of(context)
    found = [row for row in rotatable(services, actor_of(person, client)) if row[0] == project_id]
    if not found:
        view = render_rotate_message("rotate.not_linked")
    else:
        view = render_rotate_modal(*found[0])
    client.views_open(trigger_id=body["trigger_id"], view=view)


def change_rotation_period(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    services = services_of(context)
    selected = action.get("selected_option")
    value = selected.get("value") if isinstance(selected, dict) else None
    days = number_in_value(value, max_digits=3)
    actor = actor_of(person_of(context), client)
    changed = days is not None and services.rotation_policy.set_rotation_days(actor, days)
    sentence = text("rotate.period_changed", days=days) if changed else text("organization.refused")
    client.chat_postMessage(channel=actor.user_id, text=sentence, blocks=[section(sentence)])
    publish_home(client, services, actor.person, actor=actor)
