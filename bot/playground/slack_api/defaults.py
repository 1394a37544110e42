"""What the fake Slack says about the app unless a test says otherwise."""

from __future__ import annotations

from bot.oauth.scopes import BOT_SCOPES as APP_BOT_SCOPES

BOT_USER_ID = "UBOT0001"
BOT_ID = "B0001"
APP_ID = "A0OPENAI01"
CLIENT_ID = "1111111111.2222222222"
CLIENT_SECRET = "fake-client-secret-0123456789abcdef"
# What an installer grants unless a test says otherwise: the app's own list.
BOT_SCOPES = APP_BOT_SCOPES
ROTATING_TOKEN_SECONDS = 43200  # Slack's rotating tokens live 12 hours
