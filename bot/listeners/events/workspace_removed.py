"""``app_uninstalled`` / ``tokens_revoked``: forget the workspace's data, keys crypto-shredded.

In OAuth (multi-workspace) mode the workspace's installations and bots are deleted from the
installation store too, so no token of a workspace that removed the app stays stored. When
``tokens_revoked`` names only user tokens, only those people's installation rows go: the bot
still works for the workspace. An org-wide (Enterprise Grid) uninstall forgets every team of
the org that has data here.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext

from bot.listeners.context import services_of
from bot.oauth.context import installation_store_of, teams_with_data
from bot.store.key_records import Workspace

log = logging.getLogger(__name__)


def handle_workspace_removed(event: dict[str, Any], context: BoltContext) -> None:
    services = services_of(context)
    store = installation_store_of(context)
    enterprise_id, team_id = context.enterprise_id or "", context.team_id or ""
    org_wide = bool(context.is_enterprise_install)
    # Org-wide installations are stored under the enterprise with no team (slack-sdk's keys).
    store_team = None if org_wide else context.team_id
    tokens = event.get("tokens") or {}
    if event.get("type") == "tokens_revoked" and not tokens.get("bot"):
        # Only user tokens were revoked: the bot still works for this workspace.
        if store is not None:
            for user_id in tokens.get("oauth") or []:
                store.delete_installation(
                    enterprise_id=context.enterprise_id, team_id=store_team, user_id=str(user_id)
                )
        return
    if store is not None:
        store.delete_all(enterprise_id=context.enterprise_id, team_id=store_team)
    teams = [team_id]
    if org_wide and enterprise_id:
        teams = teams_with_data(services.database, enterprise_id) or [team_id]
    for team in teams:
        removed = services.progress.forget_team(enterprise_id, team)
        shredded = services.keys.forget_workspace(
            Workspace(enterprise_id, team), reason=str(event.get("type"))
        )
        log.info(
            "workspace %s removed the app: %d progress rows and %d projects' keys deleted",
            team,
            removed,
            shredded,
        )
