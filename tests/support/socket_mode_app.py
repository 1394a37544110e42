"""The real app in Socket Mode, served through the fake Socket Mode server.

``SocketModeRequests`` sends the same Slack payloads as the signed HTTP helpers
(``support.payloads``), as Socket Mode envelopes: the envelope's ``payload`` is the body Slack
would POST (a slash command's form fields as a dict, an interaction's ``payload`` JSON, an
Events API ``event_callback``). Each helper returns the app's acknowledgement.

``RunningSocketModeApp`` builds the app the way ``python -m bot`` does with
``SLACK_APP_TOKEN`` set: ``build_bolt_app`` + slack_bolt's ``SocketModeHandler``, and the HTTP
server that answers ``/healthz`` with the socket's state.
"""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import background_executors, build_bolt_app, build_wsgi_app
from bot.config import Settings
from bot.http_server import DrainingServer
from bot.services import Services
from bot.store.database import Database
from bot.store.schema import ensure_schema
from tests.fakes.slack import FakeSlack
from tests.fakes.socket_mode_server import Ack, FakeSocketMode
from tests.support import payloads
from tests.support.running_app import BOT_TOKEN

APP_TOKEN = "xapp-1-A0OPENAI01-1111-testapptokenabcdef"


def form_fields(body: bytes) -> dict[str, str]:
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


def interaction(body: bytes) -> dict[str, Any]:
    """The JSON of an interaction, from the form body Slack would POST over HTTP."""
    payload: dict[str, Any] = json.loads(form_fields(body)["payload"])
    return payload


class SocketModeRequests:
    """Slack's deliveries over ``self.socket``; needs ``socket`` and ``slack``."""

    socket: FakeSocketMode
    slack: FakeSlack
    _responses = 0

    def next_response_url(self) -> str:
        self._responses += 1
        return self.slack.response_url(f"r{self._responses}")

    def command(self, text: str, *, user_id: str = "U0ALICE", **kwargs: Any) -> Ack:
        body = payloads.slash_command(
            text, user_id=user_id, response_url=self.next_response_url(), **kwargs
        )
        return self._exchange("slash_commands", form_fields(body))

    def action(self, action_id: str, value: str, *, user_id: str = "U0ALICE", **kwargs: Any) -> Ack:
        body = payloads.block_actions(
            action_id, value, user_id=user_id, response_url=self.next_response_url(), **kwargs
        )
        return self._exchange("interactive", interaction(body))

    def submit_key(
        self,
        project: str,
        api_key: str,
        *,
        user_id: str = "U0ALICE",
        view_id: str | None = None,
        **kwargs: Any,
    ) -> Ack:
        values = payloads.key_modal_values(project, api_key, **kwargs)
        body = payloads.view_submission(values, user_id=user_id, view_id=view_id)
        return self._exchange("interactive", interaction(body))

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_attempt: int = 0
    ) -> Ack:
        callback = json.loads(payloads.event_callback(event, event_id=event_id))
        reason = "timeout" if retry_attempt else ""
        envelope_id = self.socket.deliver(
            "events_api", callback, retry_attempt=retry_attempt, retry_reason=reason
        )
        return self.socket.wait_for_ack(envelope_id)

    def _exchange(self, envelope_type: str, payload: dict[str, Any]) -> Ack:
        return self.socket.wait_for_ack(self.socket.deliver(envelope_type, payload))


class RunningSocketModeApp(SocketModeRequests):
    """The app connected to ``socket`` over Socket Mode, its health server on a loopback port."""

    def __init__(
        self, slack: FakeSlack, socket: FakeSocketMode, database_url: str, **settings: Any
    ) -> None:
        self.slack = slack
        self.socket = socket
        self.settings = Settings(
            slack_bot_token=BOT_TOKEN,
            slack_app_token=APP_TOKEN,
            slack_api_url=slack.api_url,
            database_url=database_url,
            **settings,
        )
        self.database = Database(self.settings.resolved_database_url)
        ensure_schema(self.database)
        self.services = Services.build(self.settings, self.database)
        self.bolt = build_bolt_app(self.settings, self.services)
        self.handler = SocketModeHandler(self.bolt, APP_TOKEN)
        self.handler.connect()
        self._server = DrainingServer(
            build_wsgi_app(
                self.bolt,
                self.services,
                events=False,
                socket_connected=self.handler.client.is_connected,
            ),
            host="127.0.0.1",
            port=0,
            executors=background_executors(self.bolt),
            grace_seconds=5,
        )
        self._thread = threading.Thread(target=self._server.serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}"

    def close(self) -> None:
        self.handler.close()
        self._server.stop()
        self._thread.join(timeout=30)
        self.database.dispose()
