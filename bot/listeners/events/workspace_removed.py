"""``app_uninstalled`` / ``tokens_revoked``: the workspace removed the app (or some tokens)."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.identity import Workspace
from bot.oauth.context import installation_store_of
from bot.slack.context import services_of
from bot.workspace_removal import Removal, WorkspaceRemoval


def handle_workspace_removed(event: dict[str, Any], context: BoltContext) -> None:
    services = services_of(context)
    removal = Removal(
        Workspace(context.enterprise_id or "", context.team_id or ""),
        org_wide=bool(context.is_enterprise_install),
        reason=str(event.get("type")),
    )
    forgetting = WorkspaceRemoval(
        services.database, services.progress, installation_store_of(context)
    )
    tokens = event.get("tokens") or {}
    if event.get("type") == "tokens_revoked" and not tokens.get("bot"):
        forgetting.forget_user_tokens(removal, [str(user) for user in tokens.get("oauth") or []])
        return
    forgetting.forget(removal)
