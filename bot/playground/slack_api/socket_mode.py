"""``apps.connections.open``: the WebSocket URL a Socket Mode app connects to.

``socket_mode_url`` is set by ``tests.fakes.socket_mode_server.FakeSocketMode`` and hands out
a fresh URL each call, as Slack does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class SocketModeAPI:
    socket_mode_url: Callable[[], str] | None

    def _init_socket_mode(self) -> None:
        self.socket_mode_url = None

    def open_socket_connection(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """Only an app-level token may open a socket."""
        if not (token or "").startswith("xapp-"):
            return {"ok": False, "error": "not_allowed_token_type"}
        if self.socket_mode_url is None:
            return {"ok": False, "error": "socket_mode_not_enabled"}
        return {"ok": True, "url": self.socket_mode_url()}


ROUTES = {"apps.connections.open": SocketModeAPI.open_socket_connection}
