"""The real app in HTTP mode on a loopback port, and a client that signs like Slack."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slack_bolt import App
from slack_sdk.signature import SignatureVerifier

from bot.app import background_executors, build_bolt_app, build_wsgi_app
from bot.config import Settings
from bot.http_server import DrainingServer
from bot.services import Services
from bot.store.database import Database
from bot.store.schema import ensure_schema
from tests.fakes.slack import FakeSlack
from tests.support import payloads

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-1111-2222-testbottoken"


@dataclass
class HttpResponse:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def http(
    method: str,
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> HttpResponse:
    request = urllib.request.Request(  # noqa: S310 - tests only talk to loopback
        url, data=body, method=method, headers=headers or {}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return HttpResponse(response.status, response.read(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return HttpResponse(error.code, error.read(), dict(error.headers))


class SignedRequests:
    """Sends requests to ``self.url`` signed like Slack signs them; needs ``url`` and ``slack``."""

    slack: FakeSlack
    _responses = 0

    @property
    def url(self) -> str:
        raise NotImplementedError

    # --- signed requests -------------------------------------------------------------------
    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str = SIGNING_SECRET,
        extra_headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature or "",
            **(extra_headers or {}),
        }
        return http("POST", f"{self.url}/slack/events", body, headers)

    def next_response_url(self) -> str:
        self._responses += 1
        return self.slack.response_url(f"r{self._responses}")

    def command(self, text: str, *, user_id: str = "U0ALICE", **kwargs: Any) -> HttpResponse:
        body = payloads.slash_command(
            text, user_id=user_id, response_url=self.next_response_url(), **kwargs
        )
        return self.post(body, "application/x-www-form-urlencoded")

    def action(
        self, action_id: str, value: str, *, user_id: str = "U0ALICE", **kwargs: Any
    ) -> HttpResponse:
        body = payloads.block_actions(
            action_id, value, user_id=user_id, response_url=self.next_response_url(), **kwargs
        )
        return self.post(body, "application/x-www-form-urlencoded")

    def submit_key(
        self,
        project: str,
        api_key: str,
        *,
        user_id: str = "U0ALICE",
        view_id: str | None = None,
        enterprise_id: str | None = None,
        **kwargs: Any,
    ) -> HttpResponse:
        values = payloads.key_modal_values(project, api_key, **kwargs)
        body = payloads.view_submission(
            values, user_id=user_id, view_id=view_id, enterprise_id=enterprise_id
        )
        return self.post(body, "application/x-www-form-urlencoded")

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        **kwargs: Any,
    ) -> HttpResponse:
        body = payloads.event_callback(event, event_id=event_id, **kwargs)
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(body, "application/json", extra_headers=headers)


class RunningApp(SignedRequests):
    """Builds the app the way ``python -m bot`` does (HTTP mode) and serves it on a thread
    with the production server class (``DrainingServer``)."""

    def __init__(self, slack: FakeSlack, database_url: str, **settings: Any) -> None:
        self.slack = slack
        self.settings = Settings(
            **self.credentials(slack),
            slack_api_url=slack.api_url,
            database_url=database_url,
            **settings,
        )
        self.database = Database(self.settings.resolved_database_url)
        ensure_schema(self.database)
        self.services = Services.build(self.settings, self.database)
        self.bolt = self.build_bolt(self.settings, self.services)
        self._server = DrainingServer(
            build_wsgi_app(self.bolt, self.services),
            host="127.0.0.1",
            port=0,
            executors=background_executors(self.bolt),
            grace_seconds=5,
            max_body_bytes=self.settings.max_request_bytes,
        )
        self._thread = threading.Thread(target=self._server.serve, daemon=True)
        self._thread.start()

    def credentials(self, slack: FakeSlack) -> dict[str, Any]:
        """The Slack settings of a single-workspace install (subclasses: OAuth)."""
        return {"slack_bot_token": BOT_TOKEN, "slack_signing_secret": SIGNING_SECRET}

    def build_bolt(self, settings: Settings, services: Services) -> App:
        return build_bolt_app(settings, services)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}"

    def close(self) -> None:
        self._server.stop()
        self._thread.join(timeout=30)
        self.database.dispose()


def default_app_settings(openai_base_url: str, data_dir: Path) -> dict[str, Any]:
    """The settings every app fixture starts with (besides Slack credentials and database)."""
    return {
        "data_dir": data_dir,
        "openai_base_url": openai_base_url,
        "openai_timeout_seconds": 1.0,
        "key_admins": "U0KEYADMIN",
    }
