"""``FakeSlack``: one loopback server that answers every Slack API family the app uses.

Each family lives in its own module (users, chat and views, tokens and OAuth, Socket Mode)
as a mixin with its state and its answers; this class starts the server and routes a method
to its family.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from typing import Any

from bot.playground.slack_api import chat_and_views, files, socket_mode, tokens, users
from bot.playground.slack_api.chat_and_views import ChatAndViewsAPI
from bot.playground.slack_api.defaults import CLIENT_ID, CLIENT_SECRET
from bot.playground.slack_api.files import FilesAPI
from bot.playground.slack_api.handler import handler_for
from bot.playground.slack_api.oauth import OAuthAPI
from bot.playground.slack_api.recording import CallRecording
from bot.playground.slack_api.socket_mode import SocketModeAPI
from bot.playground.slack_api.users import UsersAPI

# Web API methods by name; the OAuth methods are answered apart, before any token check.
Answer = Callable[[Any, dict[str, Any], str | None], dict[str, Any]]
ROUTES: dict[str, Answer] = {
    **users.ROUTES,
    **chat_and_views.ROUTES,
    **tokens.ROUTES,
    **socket_mode.ROUTES,
    **files.ROUTES,
}


class FakeSlack(CallRecording, UsersAPI, ChatAndViewsAPI, OAuthAPI, SocketModeAPI, FilesAPI):
    """Start with ``FakeSlack()`` (it listens at once), stop with ``close()``."""

    def __init__(
        self,
        team_id: str = "T0001",
        enterprise_id: str | None = None,
        *,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
    ) -> None:
        self.team_id = team_id
        self.enterprise_id = enterprise_id
        self._init_recording()
        self._init_users()
        self._init_chat_and_views()
        self._init_tokens()
        self._init_oauth(client_id, client_secret)
        self._init_socket_mode()
        self._init_files()
        # Every family is ready before the first request can arrive.
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.url}/response/{name}"

    def answer(
        self, method: str, params: dict[str, Any], token: str | None = None
    ) -> dict[str, Any]:
        """The body Slack would send back for a successful call of ``method``."""
        route = ROUTES.get(method)
        if route is None:
            return {"ok": False, "error": "unknown_method"}
        return route(self, params, token)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
