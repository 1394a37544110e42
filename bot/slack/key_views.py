"""Rendering the team's keys for a person: the list message and the App Home section."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.identity import Actor
from bot.services import Services
from bot.store.key_records import ProjectRow
from bot.ui.key_holds import render_creation_setting
from bot.ui.keys import home_keys_blocks, render_keys_list
from bot.ui.mrkdwn import MAX_BLOCKS_MESSAGE


def keys_list_blocks(services: Services, actor: Actor) -> list[dict[str, Any]]:
    from bot.slack.org_views import keys_list_extra

    projects, manageable = _visible_projects(services, actor)
    blocks = render_keys_list(projects, manageable=manageable, now=datetime.now(UTC))
    extra = keys_list_extra(services, actor)
    return blocks + extra if len(blocks) + len(extra) <= MAX_BLOCKS_MESSAGE else blocks


def home_keys(services: Services, actor: Actor) -> list[dict[str, Any]]:
    """The team's keys, then (for admins only) who may add projects."""
    projects, manageable = _visible_projects(services, actor)
    blocks = home_keys_blocks(projects, manageable=manageable, now=datetime.now(UTC))
    if services.creation.may_change(actor):
        members = services.creation.members_may_create(actor.workspace)
        blocks += render_creation_setting(members)
    from bot.slack.org_views import home_extra

    return blocks + home_extra(services, actor)


def _visible_projects(services: Services, actor: Actor) -> tuple[list[ProjectRow], set[int]]:
    """The workspace's projects, and the ids of those ``actor`` may change."""
    projects = services.keys.list_projects(actor.workspace)
    return projects, {p.id for p in projects if services.keys.may_manage(actor, p)}
