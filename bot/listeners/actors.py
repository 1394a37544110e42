"""Who is acting: the person from Bolt's context, with admin status asked from Slack now."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.keys.access import Actor
from bot.listeners.context import person_of
from bot.store.progress import Person

log = logging.getLogger(__name__)


def actor_of(context: Any, client: WebClient) -> Actor:
    """The acting person; ``users.info`` decides admin/owner at every call (fails closed)."""
    return actor_for(person_of(context), client)


def actor_for(person: Person, client: WebClient) -> Actor:
    is_admin = False
    try:
        user = client.users_info(user=person.user_id).get("user") or {}
        same_team = user.get("team_id") in (None, person.team_id) or bool(person.enterprise_id)
        is_admin = same_team and bool(
            user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")
        )
    except SlackApiError as error:
        log.warning(
            "users.info failed for %s: %s; treating as not an admin",
            person.user_id,
            error.response.get("error"),
        )
    return Actor(person.enterprise_id, person.team_id, person.user_id, is_admin)
