"""Rendering the team's keys for a person: the list message and the App Home section."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.identity import Actor
from bot.services import Services
from bot.store.key_records import ProjectRow
from bot.ui.key_holds import render_creation_setting
from bot.ui.keys import home_keys_blocks, render_keys_list
from bot.ui.leak_watch import compromised_line, render_watch_setting
from bot.ui.mrkdwn import MAX_BLOCKS_MESSAGE


def keys_list_blocks(services: Services, actor: Actor) -> list[dict[str, Any]]:
    from bot.slack.org_views import keys_list_extra

    projects, manageable = _visible_projects(services, actor)
    notes = _compromised(services, actor)
    blocks = render_keys_list(projects, manageable=manageable, now=datetime.now(UTC), notes=notes)
    extra = keys_list_extra(services, actor)
    return blocks + extra if len(blocks) + len(extra) <= MAX_BLOCKS_MESSAGE else blocks


def home_keys(services: Services, actor: Actor) -> list[dict[str, Any]]:
    """The team's keys, then (for admins only) who may add projects and the leak watch."""
    projects, manageable = _visible_projects(services, actor)
    notes = _compromised(services, actor)
    blocks = home_keys_blocks(projects, manageable=manageable, now=datetime.now(UTC), notes=notes)
    if services.creation.may_change(actor):
        members = services.creation.members_may_create(actor.workspace)
        blocks += render_creation_setting(members)
    if services.leaks.may_change(actor):
        blocks += render_watch_setting(services.leaks.setting(actor.workspace))
    from bot.slack.org_views import home_extra

    return blocks + home_extra(services, actor)


def _compromised(services: Services, actor: Actor) -> dict[int, str]:
    """A "compromised" line for each project whose key was posted in a channel."""
    found = services.leaks.compromised(actor.workspace)
    return {project_id: compromised_line(sighting) for project_id, sighting in found.items()}


def _visible_projects(services: Services, actor: Actor) -> tuple[list[ProjectRow], set[int]]:
    """The workspace's projects, and the ids of those ``actor`` may change."""
    projects = services.keys.list_projects(actor.workspace)
    return projects, {p.id for p in projects if services.keys.may_manage(actor, p)}
