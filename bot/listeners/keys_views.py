"""Rendering the team's keys for a person: the list message and the App Home section."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.keys.access import Actor
from bot.services import Services
from bot.ui.keys import home_keys_blocks, render_keys_list


def keys_list_blocks(services: Services, actor: Actor) -> list[dict[str, Any]]:
    projects = services.keys.list_projects(actor.workspace)
    manageable = {p.id for p in projects if services.keys.may_manage(actor, p)}
    return render_keys_list(projects, manageable=manageable, now=datetime.now(UTC))


def home_keys(services: Services, actor: Actor) -> list[dict[str, Any]]:
    projects = services.keys.list_projects(actor.workspace)
    manageable = {p.id for p in projects if services.keys.may_manage(actor, p)}
    return home_keys_blocks(projects, manageable=manageable, now=datetime.now(UTC))
