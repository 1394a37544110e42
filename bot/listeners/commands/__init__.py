from __future__ import annotations

from slack_bolt import App

from bot.listeners.commands.openai_setup import handle_openai_setup


def register(app: App) -> None:
    app.command("/openai-setup")(handle_openai_setup)
