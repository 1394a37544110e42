"""Direct messages from scheduled work, with the right workspace's bot token.

Single workspace: the configured bot token. OAuth: the workspace's bot from the encrypted
installation store (a rotating token is refreshed by Bolt on requests; a scheduled message
uses the stored one, which is fresh when the app had traffic in the last twelve hours).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.identity import Workspace
from bot.keys.keyring import Keyring
from bot.slack_client import build_web_client
from bot.store.database import Database

log = logging.getLogger(__name__)

ClientFor = Callable[[Workspace], WebClient | None]


class Notifier:
    def __init__(self, client_for: ClientFor) -> None:
        self.client_for = client_for

    def tell(
        self, workspace: Workspace, users: Iterable[str], blocks: list[dict[str, Any]], text: str
    ) -> int:
        """DM each person; a failure is logged and the others still hear. How many were told."""
        client = self.client_for(workspace)
        if client is None:
            log.warning("no bot token for team %s: nobody told", workspace.team_id)
            return 0
        told = 0
        for user_id in sorted(set(users)):
            try:
                client.chat_postMessage(channel=user_id, text=text, blocks=blocks)
                told += 1
            except SlackApiError as error:
                log.warning("DM to %s failed: %s", user_id, error.response.get("error"))
        return told

    def upload_image(
        self, workspace: Workspace, content: bytes, filename: str, title: str
    ) -> str | None:
        """Upload a PNG (shared nowhere) for image blocks; its Slack file id, or None."""
        client = self.client_for(workspace)
        if client is None:
            return None
        try:
            response = client.files_upload_v2(content=content, filename=filename, title=title)
        except SlackApiError as error:
            log.warning("chart upload failed: %s", error.response.get("error"))
            return None
        file = response.get("file")
        file_id = file.get("id") if isinstance(file, dict) else None
        return file_id if isinstance(file_id, str) else None


def clients_from_settings(settings: Settings, database: Database, keyring: Keyring) -> ClientFor:
    if settings.oauth_enabled:
        from bot.oauth.installation_store import EncryptedInstallationStore

        assert settings.slack_client_id is not None
        store = EncryptedInstallationStore(settings.slack_client_id, database.engine, keyring)

        def from_store(workspace: Workspace) -> WebClient | None:
            bot = store.find_bot(
                enterprise_id=workspace.enterprise_id or None, team_id=workspace.team_id
            )
            if bot is None or not bot.bot_token:
                return None
            return build_web_client(settings.slack_api_url, bot.bot_token)

        return from_store
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = build_web_client(settings.slack_api_url, token) if token else None
    return lambda _workspace: client
