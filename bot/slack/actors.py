"""Who is acting: a person with their admin status, asked from Slack at every call."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.identity import Actor, Person
from bot.keys.access import SlackRoles, admin_here

log = logging.getLogger(__name__)


def actor_of(person: Person, client: WebClient) -> Actor:
    """``person`` acting now; ``users.info`` decides admin/owner at every call (fails closed)."""
    roles = SlackRoles()
    try:
        user = client.users_info(user=person.user_id).get("user")
        if isinstance(user, Mapping) and user.get("id") == person.user_id:
            roles = roles_of(user)
    except SlackApiError as error:
        log.warning(
            "users.info failed for %s: %s; treating as not an admin",
            person.user_id,
            error.response.get("error"),
        )
    is_admin = admin_here(roles, person.enterprise_id, person.team_id)
    return Actor(person.enterprise_id, person.team_id, person.user_id, is_admin)


def roles_of(user: Mapping[str, Any]) -> SlackRoles:
    """The facts :func:`admin_here` needs from a ``users.info`` user object.

    Only JSON ``true`` counts as a role: a malformed answer must not make anyone an admin.
    """
    grid = user.get("enterprise_user")
    grid = grid if isinstance(grid, Mapping) else {}
    team_id = user.get("team_id")
    org_id = grid.get("enterprise_id")
    return SlackRoles(
        team_id=team_id if isinstance(team_id, str) else None,
        workspace_admin=any(
            user.get(flag) is True for flag in ("is_admin", "is_owner", "is_primary_owner")
        ),
        org_id=org_id if isinstance(org_id, str) else None,
        org_admin=grid.get("is_admin") is True or grid.get("is_owner") is True,
        deleted=user.get("deleted") is True,
    )
