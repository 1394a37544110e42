"""``app_uninstalled`` / ``tokens_revoked``: forget the workspace's data, keys crypto-shredded."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext

from bot.listeners.context import services_of
from bot.store.key_records import Workspace

log = logging.getLogger(__name__)


def handle_workspace_removed(event: dict[str, Any], context: BoltContext) -> None:
    services = services_of(context)
    enterprise_id, team_id = context.enterprise_id or "", context.team_id or ""
    if event.get("type") == "tokens_revoked" and not (event.get("tokens") or {}).get("bot"):
        return  # only user tokens were revoked: the bot still works for this workspace
    removed = services.progress.forget_team(enterprise_id, team_id)
    shredded = services.keys.forget_workspace(
        Workspace(enterprise_id, team_id), reason=str(event.get("type"))
    )
    log.info(
        "workspace %s removed the app: %d progress rows and %d projects' keys deleted",
        team_id,
        removed,
        shredded,
    )
