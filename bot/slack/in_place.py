"""Showing a button's result where the button was: its message, or the App Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.guide.model import Step
from bot.identity import Person
from bot.services import Services
from bot.slack.home import publish_home
from bot.ui.actions import number_in_value
from bot.ui.answers import fallback_text
from bot.ui.messages import text


def clicked_on_home(body: dict[str, Any]) -> bool:
    view = body.get("view") or {}
    return bool(view.get("type") == "home")


def show_in_place(
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    services: Services,
    person: Person,
    blocks: list[dict[str, Any]],
    open_step: Step | None = None,
) -> None:
    """Replace the message the button was on, or re-publish Home with ``open_step`` open."""
    if clicked_on_home(body):
        publish_home(client, services, person, open_step)
        return
    respond(
        replace_original=True, response_type="ephemeral", text=fallback_text(blocks), blocks=blocks
    )


def tell_out_of_date(
    body: dict[str, Any], respond: Respond, client: WebClient, person: Person
) -> None:
    """A button whose value means nothing (old, or forged): say so privately, change nothing."""
    message = text("errors.expired")
    if clicked_on_home(body):
        client.chat_postMessage(channel=person.user_id, text=message)
        return
    respond(replace_original=False, response_type="ephemeral", text=message)


def step_from_value(services: Services, value: str | None) -> Step | None:
    """The step a button names, or None for a value that is not a known step number."""
    number = number_in_value(value, max_digits=3)
    return next((step for step in services.steps if step.number == number), None)
