"""The playground's page and its small JSON API (a WSGI app, served by waitress).

Only this machine may use it: every request must name a loopback host (or the one given with
``--host``) in ``Host``, so a web page elsewhere cannot reach it through DNS rebinding, and a
``POST`` must come from the page itself: JSON, with an ``Origin`` of this server, never a
cross-site fetch. The page updates by short polling ``/api/state`` (see ``playground.js``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any
from urllib.parse import parse_qs

from bot.playground.workspace import MAX_TEXT, Workspace

MAX_BODY = 64 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/playground.js": ("playground.js", "text/javascript; charset=utf-8"),
    "/static/playground.css": ("playground.css", "text/css; charset=utf-8"),
}
SECURITY_HEADERS = [
    (
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
]
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")

StartResponse = Callable[..., Any]


class PlaygroundPage:
    def __init__(
        self, workspace: Workspace, *, test_keys: list[dict[str, str]], extra_host: str = ""
    ) -> None:
        self.workspace = workspace
        self.test_keys = test_keys
        self.extra_host = extra_host
        self.port = 0  # set once the server listens

    def allowed_hosts(self) -> set[str]:
        names = list(LOOPBACK_NAMES)
        if self.extra_host and self.extra_host not in ("0.0.0.0", "::"):  # noqa: S104
            names.append(self.extra_host)
        return {f"{name}:{self.port}" for name in names}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/")
        host = environ.get("HTTP_HOST", "")
        if host not in self.allowed_hosts():
            return _text(start_response, "403 Forbidden", "This page answers on loopback only.")
        if method == "GET" and path in STATIC:
            name, content_type = STATIC[path]
            body = resources.files("bot.playground").joinpath("static", name).read_bytes()
            return _send(start_response, "200 OK", body, content_type)
        if method == "GET" and path == "/api/state":
            return self._state(environ, start_response)
        if method == "GET" and path.startswith("/files/"):
            return self._file(path.removeprefix("/files/"), start_response)
        if method == "POST" and path.startswith("/api/"):
            problem = self._refuse_post(environ, host)
            if problem:
                return _text(start_response, "403 Forbidden", problem)
            try:
                data = _read_json(environ)
            except ValueError as error:
                return _text(start_response, "400 Bad Request", str(error))
            return self._act(path.removeprefix("/api/"), data, start_response)
        return _text(start_response, "404 Not Found", "Not Found")

    def _refuse_post(self, environ: dict[str, Any], host: str) -> str | None:
        if environ.get("HTTP_ORIGIN") != f"http://{host}":
            return "Requests come from the playground page only."
        if environ.get("HTTP_SEC_FETCH_SITE", "same-origin") not in ("same-origin", "none"):
            return "Requests come from the playground page only."
        if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
            return "Send JSON."
        return None

    def _state(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        user_id = (query.get("as") or [""])[0]
        if user_id not in self.workspace.people:
            return _text(start_response, "400 Bad Request", "unknown person")
        since = (query.get("since") or [""])[0]
        if since == str(self.workspace.version):
            return _json(start_response, {"version": self.workspace.version, "unchanged": True})
        snapshot = self.workspace.snapshot(user_id)
        snapshot["test_keys"] = self.test_keys
        return _json(start_response, snapshot)

    def _file(self, file_id: str, start_response: StartResponse) -> Iterable[bytes]:
        """A file the app uploaded (a cost chart), for image blocks with ``slack_file``."""
        slack = self.workspace.slack
        with slack._files_lock:
            done = file_id in slack.completed
            body = slack.uploads.get(file_id, b"")
        if not done or not body.startswith(PNG_SIGNATURE):
            return _text(start_response, "404 Not Found", "Not Found")
        return _send(start_response, "200 OK", body, "image/png")

    def _act(self, action: str, data: dict[str, Any], start_response: StartResponse) -> Any:
        user_id = str(data.get("as") or "")
        if user_id not in self.workspace.people:
            return _text(start_response, "400 Bad Request", "unknown person")
        workspace = self.workspace
        problem: str | None = None
        if action == "message":
            text = str(data.get("text") or "")
            if len(text) > MAX_TEXT:
                problem = f"A message holds at most {MAX_TEXT} characters."
            else:
                problem = workspace.type_message(user_id, str(data.get("channel") or ""), text)
        elif action == "click":
            given = data.get("action")
            problem = workspace.click(
                user_id,
                str(data.get("where") or ""),
                str(data.get("target") or ""),
                given if isinstance(given, dict) else {},
            )
        elif action == "submit":
            workspace.submit(user_id, json.dumps(data.get("values") or {}))
        elif action == "close":
            workspace.close_modal(user_id)
        elif action == "home":
            workspace.open_home(user_id)
        elif action == "jobs":
            return _json(start_response, {"ok": True, "problem": None, "ran": self._run_jobs()})
        else:
            return _text(start_response, "404 Not Found", "Not Found")
        return _json(start_response, {"ok": problem is None, "problem": problem})

    def _run_jobs(self) -> list[str]:
        run = self.workspace.run_jobs
        return run() if run is not None else []


def _read_json(environ: dict[str, Any]) -> dict[str, Any]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError as error:
        raise ValueError("bad Content-Length") from error
    if length > MAX_BODY:
        raise ValueError("too large")
    raw = environ["wsgi.input"].read(length) if length else b""
    data = json.loads(raw or b"{}")
    if not isinstance(data, dict):
        raise ValueError("send a JSON object")
    return data


def _send(
    start_response: StartResponse, status: str, body: bytes, content_type: str
) -> list[bytes]:
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    start_response(status, headers + SECURITY_HEADERS)
    return [body]


def _json(start_response: StartResponse, value: Any) -> list[bytes]:
    body = json.dumps(value, ensure_ascii=False).encode("utf-8")
    return _send(start_response, "200 OK", body, "application/json; charset=utf-8")


def _text(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    return _send(start_response, status, text.encode(), "text/plain; charset=utf-8")
