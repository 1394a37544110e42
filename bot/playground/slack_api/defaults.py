"""What the fake Slack says about the app unless a test says otherwise."""

from __future__ import annotations

BOT_USER_ID = "UBOT0001"
BOT_ID = "B0001"
APP_ID = "A0OPENAI01"
CLIENT_ID = "1111111111.2222222222"
CLIENT_SECRET = "fake-client-secret-0123456789abcdef"
# manifest.yml's bot scopes: what an installer grants unless a test says otherwise.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "im:history",
    "app_mentions:read",
    "users:read",
    "channels:history",
    "groups:history",
    "mpim:history",
    "files:write",
)
ROTATING_TOKEN_SECONDS = 43200  # Slack's rotating tokens live 12 hours
