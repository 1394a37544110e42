"""A loopback fake of the Slack Web API and of response_url, recording every call.

Answers like Slack does (``{"ok": true, ...}`` shapes, ``ok: false`` errors with HTTP 200,
``Retry-After`` on 429) so that slack-sdk's real client and Bolt's ``respond()`` talk to it
unchanged. Tests read ``calls`` to see exactly what the app sent to Slack.

OAuth (multi-workspace): ``oauth_code()`` stands for an installer approving the app on
Slack's consent page; ``oauth.v2.access`` exchanges that code once (checking the client
credentials) and refreshes rotating tokens (``grant_type=refresh_token``), and
``oauth.v2.exchange`` turns a long-lived token into a rotating one. Tokens issued that way are
remembered: ``auth.test`` answers with the workspace a token belongs to, and expired or revoked
ones get ``token_expired`` / ``token_revoked``. Any other token works for the default team.

Socket Mode: ``apps.connections.open`` (app-level ``xapp-`` token only) answers with a fresh
WebSocket URL from ``socket_mode_url`` (set by ``fakes.socket_mode_server.FakeSocketMode``).
"""

from __future__ import annotations

import base64
import itertools
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_USER_ID = "UBOT0001"
BOT_ID = "B0001"
APP_ID = "A0OPENAI01"
CLIENT_ID = "1111111111.2222222222"
CLIENT_SECRET = "fake-client-secret-0123456789abcdef"
# manifest.yml's bot scopes: what an installer grants unless a test says otherwise.
BOT_SCOPES = ("commands", "chat:write", "im:history", "app_mentions:read", "users:read")
ROTATING_TOKEN_SECONDS = 43200  # Slack's rotating tokens live 12 hours
OAUTH_METHODS = frozenset({"oauth.v2.access", "oauth.v2.exchange"})


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
    """A person as ``users.info`` describes them.

    ``is_admin``/``is_owner``/``is_primary_owner`` are workspace roles (of ``team_id``). An
    Enterprise Grid member has ``enterprise_id`` set: the answer then carries Slack's
    ``enterprise_user`` object, whose ``is_admin``/``is_owner`` are org-level roles
    (``is_org_admin``/``is_org_owner`` here) and ``teams`` the workspaces they belong to.
    """

    id: str
    team_id: str = "T0001"
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    is_primary_owner: bool = False
    enterprise_id: str | None = None
    is_org_admin: bool = False
    is_org_owner: bool = False
    teams: tuple[str, ...] = ()

    def info(self) -> dict[str, Any]:
        """The ``user`` object of a ``users.info`` answer."""
        user: dict[str, Any] = {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.id.lower(),
            "deleted": self.deleted,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": self.is_primary_owner,
            "is_bot": self.is_bot,
            "is_restricted": False,
        }
        if self.enterprise_id is not None:
            user["enterprise_user"] = {
                "id": self.id,
                "enterprise_id": self.enterprise_id,
                "enterprise_name": "Example Grid",
                "is_admin": self.is_org_admin,
                "is_owner": self.is_org_owner,
                "teams": list(self.teams or (self.team_id,)),
            }
        return user


@dataclass
class TokenGrant:
    """A token Slack issued: whose it is, and until when it works."""

    token: str
    team_id: str | None
    enterprise_id: str | None = None
    is_enterprise_install: bool = False
    kind: str = "bot"  # "bot" or "user"
    user_id: str = BOT_USER_ID
    team_name: str = "Example"
    enterprise_name: str | None = None
    scopes: tuple[str, ...] = BOT_SCOPES
    expires_at: float | None = None  # None: a long-lived (non-rotating) token
    refresh_token: str | None = None
    revoked: bool = False

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= time.time()


@dataclass
class OAuthConsent:
    """What an installer approved on Slack's consent page; a code stands for it, once."""

    team_id: str | None
    team_name: str
    enterprise_id: str | None
    enterprise_name: str | None
    is_enterprise_install: bool
    installer_id: str
    rotation: bool
    scopes: tuple[str, ...]
    user_scopes: tuple[str, ...]


class FakeSlack:
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
        self.client_id = client_id
        self.client_secret = client_secret
        self.calls: list[SlackCall] = []
        self.users: dict[str, FakeUser] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.tokens: dict[str, TokenGrant] = {}
        self._codes: dict[str, OAuthConsent] = {}
        self._refresh_tokens: dict[str, TokenGrant] = {}
        # Socket Mode: where apps.connections.open sends the app (a new URL each call).
        self.socket_mode_url: Callable[[], str] | None = None
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

    def oauth_code(
        self,
        team_id: str | None = "T0001",
        *,
        team_name: str | None = None,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        is_enterprise_install: bool = False,
        installer_id: str = "U0INSTALLER",
        rotation: bool = False,
        scopes: tuple[str, ...] = BOT_SCOPES,
        user_scopes: tuple[str, ...] = (),
    ) -> str:
        """A code as Slack appends to the redirect URL after the installer approves the app.

        An org-wide install (``is_enterprise_install``) has no team: pass ``team_id=None``.
        With ``rotation`` the tokens expire after 12 hours and come with refresh tokens.
        """
        code = f"{int(time.time())}.{secrets.token_hex(16)}"
        with self._lock:
            self._codes[code] = OAuthConsent(
                team_id=team_id,
                team_name=team_name or f"Team {team_id or enterprise_id}",
                enterprise_id=enterprise_id,
                enterprise_name=enterprise_name
                or (f"Org {enterprise_id}" if enterprise_id else None),
                is_enterprise_install=is_enterprise_install,
                installer_id=installer_id,
                rotation=rotation,
                scopes=tuple(scopes),
                user_scopes=tuple(user_scopes),
            )
        return code

    def issue_token(
        self,
        team_id: str | None,
        *,
        kind: str = "bot",
        expires_in: float | None = None,
        refreshable: bool = False,
        **attributes: Any,
    ) -> TokenGrant:
        """Register a token as if Slack had issued it (``expires_in`` may be negative)."""
        rotating = refreshable or expires_in is not None
        grant = TokenGrant(
            token=_new_token(kind, rotating=rotating),
            team_id=team_id,
            kind=kind,
            expires_at=None if expires_in is None else time.time() + expires_in,
            **attributes,
        )
        if rotating:
            grant.refresh_token = f"xoxe-1-{secrets.token_hex(24)}"
        with self._lock:
            self.tokens[grant.token] = grant
            if grant.refresh_token:
                self._refresh_tokens[grant.refresh_token] = grant
        return grant

    def revoke(self, token: str) -> None:
        with self._lock:
            self.tokens[token].revoked = True

    def grant_for(self, token: str | None) -> TokenGrant | None:
        with self._lock:
            return self.tokens.get(token or "")

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

    def answer(
        self, method: str, params: dict[str, Any], token: str | None = None
    ) -> dict[str, Any]:
        """The body Slack would send back for a successful call of ``method``."""
        grant = self.grant_for(token)
        if method == "apps.connections.open":
            return self._open_socket_connection(token)
        if method == "auth.test" and grant is not None:
            return _auth_test(grant)
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
            return {"ok": True, "user": user.info()}
        return {"ok": False, "error": "unknown_method"}

    def _open_socket_connection(self, token: str | None) -> dict[str, Any]:
        """``apps.connections.open``: only an app-level token may open a socket."""
        if not (token or "").startswith("xapp-"):
            return {"ok": False, "error": "not_allowed_token_type"}
        if self.socket_mode_url is None:
            return {"ok": False, "error": "socket_mode_not_enabled"}
        return {"ok": True, "url": self.socket_mode_url()}

    def answer_oauth(
        self, method: str, params: dict[str, Any], credentials: tuple[str, str] | None
    ) -> dict[str, Any]:
        """``oauth.v2.access`` (code or refresh token) and ``oauth.v2.exchange``.

        The client authenticates with HTTP Basic (slack-sdk) or ``client_id`` and
        ``client_secret`` parameters, as Slack accepts both.
        """
        client_id, client_secret = credentials or (
            str(params.get("client_id") or ""),
            str(params.get("client_secret") or ""),
        )
        if client_id != self.client_id:
            return {"ok": False, "error": "invalid_client_id"}
        if client_secret != self.client_secret:
            return {"ok": False, "error": "bad_client_secret"}
        if method == "oauth.v2.exchange":
            return self._exchange(str(params.get("token") or ""))
        if params.get("grant_type") == "refresh_token":
            return self._refresh(str(params.get("refresh_token") or ""))
        with self._lock:
            consent = self._codes.pop(str(params.get("code") or ""), None)
        if consent is None:
            return {"ok": False, "error": "invalid_code"}
        return self._install(consent)

    def _install(self, consent: OAuthConsent) -> dict[str, Any]:
        common = {
            "enterprise_id": consent.enterprise_id,
            "enterprise_name": consent.enterprise_name,
            "is_enterprise_install": consent.is_enterprise_install,
            "team_name": consent.team_name,
        }
        expires = ROTATING_TOKEN_SECONDS if consent.rotation else None
        bot = self.issue_token(consent.team_id, expires_in=expires, scopes=consent.scopes, **common)
        authed_user: dict[str, Any] = {"id": consent.installer_id}
        if consent.user_scopes:
            user = self.issue_token(
                consent.team_id,
                kind="user",
                expires_in=expires,
                user_id=consent.installer_id,
                scopes=consent.user_scopes,
                **common,
            )
            authed_user.update(
                scope=",".join(consent.user_scopes),
                access_token=user.token,
                token_type="user",
                **_rotation_fields(user),
            )
        return {**_token_response(bot), "authed_user": authed_user}

    def _refresh(self, refresh_token: str) -> dict[str, Any]:
        with self._lock:
            old = self._refresh_tokens.pop(refresh_token, None)
        if old is None or old.revoked:
            return {"ok": False, "error": "invalid_refresh_token"}
        new = self._reissue(old)
        return _token_response(new)

    def _exchange(self, token: str) -> dict[str, Any]:
        old = self.grant_for(token)
        if old is None or old.revoked:
            return {"ok": False, "error": "invalid_auth"}
        if old.refresh_token is not None:
            return {"ok": False, "error": "token_rotation_already_enabled"}
        return _token_response(self._reissue(old))

    def _reissue(self, old: TokenGrant) -> TokenGrant:
        return self.issue_token(
            old.team_id,
            kind=old.kind,
            expires_in=ROTATING_TOKEN_SECONDS,
            user_id=old.user_id,
            enterprise_id=old.enterprise_id,
            enterprise_name=old.enterprise_name,
            is_enterprise_install=old.is_enterprise_install,
            team_name=old.team_name,
            scopes=old.scopes,
        )

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
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
                    fake._record(SlackCall("response_url", params, None, self.path, raw))
                    self._send(200, {"ok": True})
                    return
                method = self.path.removeprefix("/api/").split("?")[0]
                fake._record(SlackCall(method, params, token, self.path, raw))
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
                self._send(200, fake.answer(method, params, token))

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


def _new_token(kind: str, *, rotating: bool) -> str:
    prefix = "xoxb" if kind == "bot" else "xoxp"
    token = f"{prefix}-{secrets.randbelow(10**12)}-{secrets.token_hex(12)}"
    return f"xoxe.{token}" if rotating else token


def _rotation_fields(grant: TokenGrant) -> dict[str, Any]:
    if grant.refresh_token is None or grant.expires_at is None:
        return {}
    return {"refresh_token": grant.refresh_token, "expires_in": ROTATING_TOKEN_SECONDS}


def _token_response(grant: TokenGrant) -> dict[str, Any]:
    """The ``oauth.v2.access`` body for a bot token (install, refresh and exchange alike)."""
    return {
        "ok": True,
        "app_id": APP_ID,
        "access_token": grant.token,
        "token_type": grant.kind,
        "scope": ",".join(grant.scopes),
        "bot_user_id": BOT_USER_ID if grant.kind == "bot" else None,
        "team": None if grant.team_id is None else {"id": grant.team_id, "name": grant.team_name},
        "enterprise": (
            None
            if grant.enterprise_id is None
            else {"id": grant.enterprise_id, "name": grant.enterprise_name}
        ),
        "is_enterprise_install": grant.is_enterprise_install,
        **_rotation_fields(grant),
    }


def _auth_test(grant: TokenGrant) -> dict[str, Any]:
    """``auth.test`` for a token Slack issued: the workspace (or org) it belongs to."""
    is_bot = grant.kind == "bot"
    return {
        "ok": True,
        "url": f"https://{(grant.team_id or grant.enterprise_id or 'example').lower()}.slack.com/",
        "team": grant.team_name,
        "user": "openai-setup" if is_bot else grant.user_id.lower(),
        # An org-level token answers for the org.
        "team_id": grant.team_id or grant.enterprise_id,
        "user_id": grant.user_id,
        "bot_id": BOT_ID if is_bot else None,
        "enterprise_id": grant.enterprise_id,
        "is_enterprise_install": grant.is_enterprise_install,
    }
