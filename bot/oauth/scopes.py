"""The bot scopes of manifest.yml / manifest.http.yml (a test keeps the three in step).

Kept apart from ``bot.oauth.settings`` so the Slack stand-in (``bot.playground.slack_api``)
grants the same list without importing the OAuth stores.
"""

from __future__ import annotations

BOT_SCOPES = (
    "commands",
    "chat:write",
    "im:history",
    "app_mentions:read",
    "users:read",
    # The leak watch (README: "Leak watch"); the app copes when they are left out.
    "channels:history",
    "groups:history",
    "mpim:history",
    "files:write",  # cost charts (files_upload_v2) shown in image blocks
)
