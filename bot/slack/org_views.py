"""The connected organization's parts of the key list and App Home, for one person.

Everyone sees the inventory of linked projects; only admins get "Rotate now", the rotation
period and the hint to connect (the listeners ask Slack again on every click).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from bot.identity import Actor
from bot.keys.access import is_admin
from bot.org.costs import chart_file
from bot.org.inventory import Overview
from bot.services import Services
from bot.ui.blocks import context, header
from bot.ui.costs import render_usage
from bot.ui.inventory import inventory_blocks
from bot.ui.messages import text
from bot.ui.organization import project_link_blocks
from bot.ui.rotate import rotate_blocks, rotation_period_block

log = logging.getLogger(__name__)


def rotatable(services: Services, actor: Actor) -> list[tuple[int, str, str]]:
    """(project id, name, OpenAI project id) of linked projects that have a stored key."""
    stored = {p.id for p in services.keys.list_projects(actor.workspace) if p.key is not None}
    return [
        (p.project_id, p.project_name, p.openai_project_id)
        for p in services.organization.projects(actor.workspace)
        if p.openai_project_id is not None and p.project_id in stored
    ]


def keys_list_extra(services: Services, actor: Actor) -> list[dict[str, Any]]:
    """Under ``/openai-setup keys``: "Rotate now" for admins, when connected."""
    if not is_admin(actor, services.settings.key_admin_ids):
        return []
    if not services.organization.is_connected(actor.workspace):
        return []
    return rotate_blocks(rotatable(services, actor))


def home_extra(services: Services, actor: Actor) -> list[dict[str, Any]]:
    admin = is_admin(actor, services.settings.key_admin_ids)
    days = services.rotation_policy.rotation_days(actor.workspace)
    masked = services.organization.masked_admin_key(actor.workspace)
    blocks: list[dict[str, Any]] = []
    if masked is None:
        if admin:
            blocks = [
                header(text("inventory.header")),
                context(text("inventory.not_connected_admin")),
                rotation_period_block(days),
            ]
        return blocks
    now = datetime.now(UTC)
    overview = Overview(True, ())
    try:
        overview = services.overviews.get(actor.workspace, now)
        blocks = inventory_blocks(overview, masked=masked, rotation_days=days, now=now)
    except Exception as error:  # Home must still publish when OpenAI misbehaves
        log.warning("inventory unavailable: %s", type(error).__name__)
        blocks = [header(text("inventory.header")), context(text("inventory.unavailable"))]
    if admin:
        blocks += [rotation_period_block(days), *rotate_blocks(rotatable(services, actor))]
        unlinked = [
            p for p in services.organization.projects(actor.workspace) if not p.openai_project_id
        ]
        if unlinked and overview.organization_projects:
            blocks += project_link_blocks(unlinked, overview.organization_projects)
    costs = services.costs.costs(actor.workspace, now)
    if costs:
        charts = {c.project_id: chart_file(services.database, c.project_id) for c in costs}
        blocks += render_usage(costs, charts)
    return blocks
