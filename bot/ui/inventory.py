"""The App Home part for a connected organization: each linked project's keys, flagged."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.org.admin_api import InventoryKey
from bot.org.inventory import Overview
from bot.ui.blocks import Block, context, header, section
from bot.ui.key_list import slack_date
from bot.ui.messages import text

UNUSED_AFTER_DAYS = 30
MAX_KEYS_SHOWN = 20


def inventory_blocks(
    overview: Overview, *, masked: str, rotation_days: int, now: datetime
) -> list[Block]:
    blocks: list[Block] = [
        header(text("inventory.header")),
        context(text("inventory.connected", masked=masked, days=rotation_days)),
    ]
    for project in overview.projects:
        if project.openai_project_id is None:
            continue
        lines = [
            _key_line(key, stored_here, rotation_days, now)
            for key, stored_here in project.keys[:MAX_KEYS_SHOWN]
        ] or [text("inventory.no_keys")]
        title = text(
            "inventory.project", project=project.project, openai_id=project.openai_project_id
        )
        blocks.append(section("\n".join([title, *lines])))
    return blocks


def _key_line(key: InventoryKey, stored_here: bool, rotation_days: int, now: datetime) -> str:
    flags = ""
    if key.last_used_at is None or now - key.last_used_at > timedelta(days=UNUSED_AFTER_DAYS):
        flags += text("inventory.flag_unused", days=UNUSED_AFTER_DAYS)
    if now - key.created_at > timedelta(days=rotation_days):
        flags += text("inventory.flag_old", days=rotation_days)
    flags += text("inventory.flag_here") if stored_here else text("inventory.flag_not_here")
    return (
        text(
            "inventory.key_line",
            name=key.name,
            owner=key.owner or key.owner_type,
            created=slack_date(key.created_at),
            last_used=slack_date(key.last_used_at) if key.last_used_at else text("inventory.never"),
            flags="",
        )
        + flags
    )
