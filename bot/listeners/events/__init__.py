from __future__ import annotations

from slack_bolt import App

from bot.listeners.events.app_home_opened import handle_app_home_opened
from bot.listeners.events.app_mention import handle_app_mention
from bot.listeners.events.direct_message import handle_direct_message, is_direct_message
from bot.listeners.events.leak_watch import acknowledge_message, holds_key, watch_for_leaks
from bot.listeners.events.workspace_removed import handle_workspace_removed


def register(app: App) -> None:
    app.event("app_home_opened")(handle_app_home_opened)
    # Bolt's event constraints read "type" and "subtype" only: a {"channel_type": "im"} in
    # the constraint would be ignored and answer channel messages too. Message events are
    # routed by channel_type with matchers: DMs are answered, channel messages that hold a key
    # go to the leak watch (after the ack), and everything else is acknowledged only.
    app.event("message", matchers=[is_direct_message])(handle_direct_message)
    app.event("message", matchers=[holds_key])(ack=acknowledge_message, lazy=[watch_for_leaks])
    app.event("message")(acknowledge_message)
    app.event("app_mention")(handle_app_mention)
    app.event("app_uninstalled")(handle_workspace_removed)
    app.event("tokens_revoked")(handle_workspace_removed)
