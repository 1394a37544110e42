"""A loopback fake of the Slack Web API and of response_url, recording every call.

Answers like Slack does (``{"ok": true, ...}`` shapes, ``ok: false`` errors with HTTP 200,
``Retry-After`` on 429) so that slack-sdk's real client and Bolt's ``respond()`` talk to it
unchanged. Tests read ``calls`` to see exactly what the app sent to Slack.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER_ID = "UBOT0001"
BOT_ID = "B0001"


@dataclass
class SlackCall:
    method: str  # "chat.postMessage", ... or "response_url" for posts to a response_url
    params: dict[str, Any]
    token: str | None
    path: str
    raw_body: bytes = b""

    def blocks(self) -> list[dict[str, Any]]:
        blocks = self.params.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if blocks is None and isinstance(self.params.get("view"), dict | str):
            view = self.params["view"]
            blocks = (json.loads(view) if isinstance(view, str) else view).get("blocks")
        return list(blocks or [])

    def view(self) -> dict[str, Any]:
        view = self.params.get("view")
        return json.loads(view) if isinstance(view, str) else dict(view or {})

    def text_content(self) -> str:
        """Every string the call carries, for "does X appear anywhere" assertions."""
        return json.dumps(self.params, ensure_ascii=False)


@dataclass
class Fault:
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)
    remaining: int = 1


@dataclass
class FakeUser:
    id: str
    team_id: str = "T0001"
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False


class FakeSlack:
    """Start with ``FakeSlack()`` (it listens at once), stop with ``close()``."""

    def __init__(self, team_id: str = "T0001", enterprise_id: str | None = None) -> None:
        self.team_id = team_id
        self.enterprise_id = enterprise_id
        self.calls: list[SlackCall] = []
        self.users: dict[str, FakeUser] = {}
        self.faults: dict[str, list[Fault]] = {}
        self._lock = threading.Condition()
        self._ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    # --- addresses -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.url}/response/{name}"

    # --- set-up ----------------------------------------------------------------------------
    def add_user(self, user_id: str, **attributes: Any) -> FakeUser:
        user = FakeUser(id=user_id, team_id=attributes.pop("team_id", self.team_id), **attributes)
        self.users[user_id] = user
        return user

    def fail(
        self,
        method: str,
        status: int,
        body: dict[str, Any] | str,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` answer with this status and body."""
        with self._lock:
            self.faults.setdefault(method, []).append(
                Fault(status=status, body=body, headers=headers or {}, remaining=times)
            )

    # --- reading what happened -------------------------------------------------------------
    def calls_to(self, method: str) -> list[SlackCall]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[SlackCall]:
        """Wait until ``count`` calls of ``method`` arrived (listeners finish after the ack)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [call for call in self.calls if call.method == method]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = sorted({call.method for call in self.calls})
                    raise AssertionError(
                        f"expected {count} call(s) to {method}, got {len(found)}; saw {seen}"
                    )
                self._lock.wait(remaining)

    def all_text(self) -> str:
        with self._lock:
            return "\n".join(call.raw_body.decode("utf-8", "replace") for call in self.calls)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- the server ------------------------------------------------------------------------
    def _record(self, call: SlackCall) -> None:
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()

    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            queue = self.faults.get(method) or []
            if not queue:
                return None
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.pop(0)
            return fault

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):06d}"

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """The body Slack would send back for a successful call of ``method``."""
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://example.slack.com/",
                "team": "Example",
                "user": "openai-setup",
                "team_id": self.team_id,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "enterprise_id": self.enterprise_id,
                "is_enterprise_install": False,
            }
        if method == "chat.postMessage":
            ts = f"{time.time():.6f}"
            return {
                "ok": True,
                "channel": params.get("channel"),
                "ts": ts,
                "message": {
                    "type": "message",
                    "text": params.get("text", ""),
                    "ts": ts,
                    "bot_id": BOT_ID,
                    "user": BOT_USER_ID,
                },
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{time.time():.6f}"}
        if method in {"views.publish", "views.open", "views.update", "views.push"}:
            view = params.get("view")
            view = json.loads(view) if isinstance(view, str) else dict(view or {})
            view_id = params.get("view_id") or self._next_id("V")
            return {
                "ok": True,
                "view": {
                    **view,
                    "id": view_id,
                    "team_id": self.team_id,
                    "hash": f"{int(time.time())}.{self._next_id('h')}",
                },
            }
        if method == "users.info":
            user = self.users.get(str(params.get("user")))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return {
                "ok": True,
                "user": {
                    "id": user.id,
                    "team_id": user.team_id,
                    "name": user.id.lower(),
                    "deleted": user.deleted,
                    "is_admin": user.is_admin,
                    "is_owner": user.is_owner,
                    "is_bot": user.is_bot,
                    "is_restricted": False,
                },
            }
        return {"ok": False, "error": "unknown_method"}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                params = _parse_body(raw, self.headers.get("Content-Type") or "")
                auth = self.headers.get("Authorization") or ""
                token = auth.removeprefix("Bearer ") or params.get("token")
                if self.path.startswith("/response/"):
                    fake._record(SlackCall("response_url", params, None, self.path, raw))
                    self._send(200, {"ok": True})
                    return
                method = self.path.removeprefix("/api/").split("?")[0]
                fake._record(SlackCall(method, params, token, self.path, raw))
                fault = fake._take_fault(method)
                if fault is not None:
                    self._send(fault.status, fault.body, fault.headers)
                    return
                if method != "auth.test" and not token:
                    self._send(200, {"ok": False, "error": "not_authed"})
                    return
                self._send(200, fake.answer(method, params))

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
