from __future__ import annotations

from slack_bolt import App

from bot.listeners.events.app_home_opened import handle_app_home_opened
from bot.listeners.events.app_mention import handle_app_mention
from bot.listeners.events.direct_message import handle_direct_message
from bot.listeners.events.workspace_removed import handle_workspace_removed


def register(app: App) -> None:
    app.event("app_home_opened")(handle_app_home_opened)
    app.event({"type": "message", "channel_type": "im"})(handle_direct_message)
    # Other message events (channels the bot is in, edits, deletions) are not for us.
    app.event("message")(lambda: None)
    app.event("app_mention")(handle_app_mention)
    app.event("app_uninstalled")(handle_workspace_removed)
    app.event("tokens_revoked")(handle_workspace_removed)
