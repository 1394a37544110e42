"""The rotation dialog's submission: start the rotation, take it as far as it goes, report."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.org.admin_api import AdminApiError
from bot.org.key_rotation import Announcement, Start
from bot.slack.actors import actor_of
from bot.slack.context import person_of, services_of
from bot.slack.home import publish_home
from bot.slack.notify import Notifier
from bot.ui.actions import number_in_value
from bot.ui.answers import fallback_text
from bot.ui.messages import text
from bot.ui.rotate import (
    BLOCK_GRACE,
    START_MESSAGES,
    chosen_expiry,
    chosen_grace,
    render_announcement,
    render_rotate_message,
)

log = logging.getLogger(__name__)


def acknowledge_rotate(ack: Ack, view: dict[str, Any]) -> None:
    if chosen_grace(view["state"]["values"]) is None:
        ack(response_action="errors", errors={BLOCK_GRACE: text("rotate.choose_grace")})
        return
    ack(response_action="update", view=render_rotate_message("rotate.working"))


def rotate_key(view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    services = services_of(context)
    grace = chosen_grace(view["state"]["values"])
    project_id = number_in_value(view.get("private_metadata"), max_digits=11)
    actor = actor_of(person_of(context), client)
    if grace is None or project_id is None:
        return
    notifier = Notifier(lambda _workspace: client)

    def announce(announcement: Announcement) -> None:
        blocks = render_announcement(announcement)
        notifier.tell(
            announcement.workspace, announcement.maintainers, blocks, fallback_text(blocks)
        )

    expiry = chosen_expiry(view["state"]["values"])
    outcome, rotation_id = services.rotator.start(actor, project_id, grace, expiry)
    project = services.keys.project(actor.workspace, project_id)
    name = project.name if project else ""
    if outcome is not Start.STARTED or rotation_id is None:
        result = render_rotate_message(START_MESSAGES[outcome])
    else:
        try:
            state = services.rotator.advance(rotation_id, announce)
        except AdminApiError as error:
            log.warning("rotation %d waits: %s", rotation_id, error.problem)
            state = "waiting"
        services.overviews.forget(actor.workspace)
        if state == "failed":
            result = render_rotate_message("rotate.failed")
        elif state in ("announced", "done"):
            stored = services.keys.project(actor.workspace, project_id)
            masked = stored.key.masked if stored and stored.key else ""
            result = render_rotate_message("rotate.started_done", project=name, masked=masked)
        else:
            result = render_rotate_message("rotate.waiting")
    client.views_update(view_id=view["id"], view=result)
    publish_home(client, services, actor.person, actor=actor)
