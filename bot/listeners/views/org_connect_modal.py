"""The organization dialog's submission: shape errors inline, then the live check, then save.

The admin key lives only in this request's memory; views show ``sk-admin-…abcd`` only.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.keys.crypto import mask
from bot.org.admin_api import ADMIN_KEY_PREFIX
from bot.org.connection import Outcome
from bot.rules.secrets import is_key_shaped
from bot.slack.actors import actor_of
from bot.slack.context import person_of, services_of
from bot.ui.messages import text
from bot.ui.organization import (
    BLOCK_ADMIN_KEY,
    render_checking_view,
    render_connect_result,
    render_message_view,
    typed_admin_key,
)

log = logging.getLogger(__name__)


def acknowledge_connect(ack: Ack, view: dict[str, Any]) -> None:
    admin_key = typed_admin_key(view["state"]["values"])
    if not admin_key.startswith(ADMIN_KEY_PREFIX) or not is_key_shaped(admin_key):
        message = (
            "organization.project_key" if is_key_shaped(admin_key) else "organization.not_a_key"
        )
        ack(response_action="errors", errors={BLOCK_ADMIN_KEY: text(message)})
        return
    ack(response_action="update", view=render_checking_view(mask(admin_key)))


def connect_organization(view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    admin_key = typed_admin_key(view["state"]["values"])
    services = services_of(context)
    try:
        actor = actor_of(person_of(context), client)
        result = services.organization.connect(actor, admin_key)
    except Exception as error:
        log.error("connecting the organization failed: %s", type(error).__name__)
        client.views_update(view_id=view["id"], view=render_message_view("organization.error"))
        return
    if result.outcome is Outcome.NOT_ADMIN_KEY:
        return  # the ack showed the inline error; the refusal is audited
    client.views_update(view_id=view["id"], view=render_connect_result(result))
