"""The fake's HTTP front: reads a Web API or ``response_url`` request as Slack would, records
it, and answers with a queued fault, an OAuth answer, an auth error or the method's answer."""

from __future__ import annotations

import base64
import json
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from bot.playground.slack_api.oauth import OAUTH_METHODS
from bot.playground.slack_api.recording import SlackCall

if TYPE_CHECKING:
    from bot.playground.slack_api.fake import FakeSlack


def handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path.startswith("/upload/"):  # files_upload_v2's second step: raw bytes
                fake.receive_upload(self.path.removeprefix("/upload/"), raw)
                fake._record(SlackCall("upload", {}, None, self.path, b""))
                self._send(200, "OK - " + str(len(raw)))
                return
            params = _parse_body(raw, self.headers.get("Content-Type") or "")
            query = urlsplit(self.path).query
            if query:  # e.g. oauth.v2.exchange sends its parameters in the URL
                params = {**dict(parse_qsl(query, keep_blank_values=True)), **params}
            auth = self.headers.get("Authorization") or ""
            credentials = _basic_credentials(auth)
            if credentials is not None:
                auth = ""
            token = auth.removeprefix("Bearer ") or params.get("token")
            if self.path.startswith("/response/"):
                call = SlackCall("response_url", params, None, self.path, raw)
                fake._record(call)
                fake._notify(call, {"ok": True})
                self._send(200, {"ok": True})
                return
            method = self.path.removeprefix("/api/").split("?")[0]
            call = SlackCall(method, params, token, self.path, raw)
            fake._record(call)
            fault = fake._take_fault(method)
            if fault is not None:
                self._send(fault.status, fault.body, fault.headers)
                return
            if method in OAUTH_METHODS:
                self._send(200, fake.answer_oauth(method, params, credentials))
                return
            if method != "auth.test" and not token:
                self._send(200, {"ok": False, "error": "not_authed"})
                return
            grant = fake.grant_for(token)
            if grant is not None and (grant.revoked or grant.expired):
                error = "token_revoked" if grant.revoked else "token_expired"
                self._send(200, {"ok": False, "error": error})
                return
            answer = fake.answer(method, params, token)
            if answer.get("ok"):
                fake._notify(call, answer)
            self._send(200, answer)

        def _send(
            self, status: int, body: dict[str, Any] | str, headers: dict[str, str] | None = None
        ) -> None:
            is_json = isinstance(body, dict)
            data = json.dumps(body).encode() if is_json else str(body).encode()
            self.send_response(status)
            content_type = "application/json; charset=utf-8" if is_json else "text/html"
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        parsed = json.loads(raw)
        return parsed if isinstance(parsed, dict) else {"_": parsed}
    return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))


def _basic_credentials(authorization: str) -> tuple[str, str] | None:
    """``(client_id, client_secret)`` from an HTTP Basic ``Authorization`` header."""
    if not authorization.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(authorization.removeprefix("Basic ")).decode("utf-8")
    except ValueError:
        return ("", "")
    client_id, _, client_secret = decoded.partition(":")
    return client_id, client_secret
