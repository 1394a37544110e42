"""``app_home_opened``: publish the person's checklist (the Messages tab needs nothing)."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.slack.context import person_of, services_of
from bot.slack.home import publish_home


def handle_app_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    if event.get("tab", "home") != "home":
        return
    publish_home(client, services_of(context), person_of(context, event.get("user")))
