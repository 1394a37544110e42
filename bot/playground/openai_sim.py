"""The simulated OpenAI API (`python -m bot playground --offline`, and the tests' fake OpenAI):
real response shapes, chosen by documented test keys.

The openai SDK (3.x, over httpx2) cannot be intercepted with respx, so tests point it at this
server through ``base_url``. Each scenario key (``FakeOpenAI.key_for("no_quota")``) answers
``GET /v1/models`` and ``POST /v1/chat/completions`` as the real API does in that situation;
the answers are in ``openai_responses.json``. Only 127.0.0.1, never the network.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from bot.playground.openai_admin import FakeOrganization

RESPONSES_FILE = Path(__file__).with_name("openai_responses.json")
KEY_PREFIX = "sk-proj-test"
# Fixed, so masks are predictable; never contains "T3BlbkFJ", the marker of real keys.
KEY_FILLER = "_0123456789abcdefghijklmnopqrstABCDEFGHIJ"
ORGANIZATION = "org-FAKE0000000000000000test"
PROJECT = "proj_FAKE00000000000000000test"
ENDPOINTS = {("GET", "/v1/models"): "models", ("POST", "/v1/chat/completions"): "chat"}


# What each test key makes the simulated OpenAI answer (listed on the playground's page).
SCENARIO_NOTES = {
    "valid": "a working key",
    "restricted": "a restricted key that may not list models",
    "read_only": "a read-only key that may not make requests",
    "invalid": "a key OpenAI does not know (mistyped)",
    "revoked": "a key that was deleted",
    "deactivated": "a key of a deactivated account",
    "ip_not_authorized": "a key used from an IP address the project does not allow",
    "no_org": "an account that belongs to no organization",
    "mismatched_org": "a key of another organization than the one given",
    "mismatched_project": "a key of another project than the one given",
    "region": "a country or region OpenAI does not serve",
    "no_quota": "no credit (insufficient quota)",
    "credit_exhausted": "prepaid credit used up",
    "billing_hard_limit": "the billing hard limit reached",
    "spend_cap": "the project's spend limit reached",
    "rate_limited": "rate limited",
    "server_error": "an OpenAI server error",
    "overloaded": "OpenAI overloaded",
    "html_502": "a gateway error page instead of JSON",
    "slow": "no answer at all (the check times out)",
}


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake saw it. The Authorization value is never kept here."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


def _load_table() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    document = json.loads(RESPONSES_FILE.read_text(encoding="utf-8"))
    return document["responses"], document["scenarios"]


RESPONSES, SCENARIOS = _load_table()
_SCENARIO_BY_TAG = {name.replace("_", ""): name for name in SCENARIOS}


class FakeOpenAI:
    """The fake server, running on a thread; use as a context manager or call ``close()``."""

    ORGANIZATION = ORGANIZATION
    PROJECT = PROJECT

    def __init__(self, *, slow_seconds: float = 30.0) -> None:
        self.slow_seconds = slow_seconds
        self.requests: list[RecordedRequest] = []
        self.seen_keys: list[str] = []
        # The Admin API (``/v1/organization/…``): projects, their keys, costs.
        self.admin = FakeOrganization()
        # Keys that answer 401 invalid_api_key from now on, whatever their scenario (revoked).
        self.revoked: set[str] = set()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        host, port = self._server.server_address[:2]
        self.base_url = f"http://{host!s}:{port}/v1"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @staticmethod
    def key_for(scenario: str, variant: str = "") -> str:
        """The test key that triggers ``scenario``; ``variant`` makes a distinct key alike."""
        if scenario not in SCENARIOS:
            raise KeyError(f"no such fake OpenAI scenario: {scenario}")
        return f"{KEY_PREFIX}{scenario.replace('_', '')}{KEY_FILLER}{variant}"

    @staticmethod
    def scenarios() -> tuple[str, ...]:
        return tuple(SCENARIOS)

    @classmethod
    def test_keys(cls) -> list[dict[str, str]]:
        """Every scenario's key and what it does, for people (the playground lists them)."""
        return [
            {"scenario": name, "key": cls.key_for(name), "outcome": SCENARIO_NOTES.get(name, name)}
            for name in SCENARIOS
        ]

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def close(self) -> None:
        """Stop serving; requests still sleeping in the slow scenario are released at once."""
        if self._closing.is_set():
            return
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAI:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _record(self, request: RecordedRequest, key: str | None) -> None:
        with self._lock:
            self.requests.append(request)
            if key is not None:
                self.seen_keys.append(key)

    def _wait_slow(self) -> None:
        self._closing.wait(self.slow_seconds)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeOpenAI


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def version_string(self) -> str:
        return "cloudflare"

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test output is not the place for an access log."""

    def _handle(self) -> None:
        fake = self.server.fake
        body = self._read_json_body()
        path = self.path.split("?", 1)[0]
        key = _bearer_token(self.headers.get("Authorization"))
        headers = {name.lower(): value for name, value in self.headers.items()}
        if "authorization" in headers:
            headers["authorization"] = "present"
        fake._record(RecordedRequest(self.command, path, headers, body), key)
        if path.startswith("/v1/organization/"):
            query = self.path.split("?", 1)[1] if "?" in self.path else ""
            status, answer = fake.admin.handle(self.command, path, query, key, body)
            self._send({"status": status, "body": answer}, {}, key or "")
            return
        endpoint = ENDPOINTS.get((self.command, path))
        if endpoint is None:
            message = f"Invalid URL ({self.command} {path})"
            error = {
                "message": message,
                "type": "invalid_request_error",
                "param": None,
                "code": None,
            }
            self._send({"status": 404, "body": {"error": error}}, {}, key or "")
            return
        if key is None:
            self._send(RESPONSES["missing_api_key"], {}, "")
            return
        scenario = _scenario_for(key)
        if fake.admin.is_live_service_key(key):
            scenario = SCENARIOS["valid"]
        if scenario is None or key in fake.revoked:
            self._send(RESPONSES["invalid_api_key"], {}, key)
            return
        if scenario.get("delay"):
            fake._wait_slow()
        model = body.get("model", "") if isinstance(body, dict) else ""
        response = _answer_for(scenario, endpoint, headers, model)
        self._send(response, scenario, key, model)

    def _read_json_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None

    def _send(
        self, response: dict[str, Any], scenario: dict[str, Any], key: str, model: str = ""
    ) -> None:
        if "text" in response:
            payload = response["text"].encode("utf-8")
        else:
            filled = _fill(response["body"], masked_key=_mask_like_openai(key), model=model)
            payload = json.dumps(filled).encode("utf-8")
        try:
            self.send_response(response["status"])
            self.send_header("Content-Type", response.get("content_type", "application/json"))
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("x-request-id", f"req_{secrets.token_hex(16)}")
            self.send_header("openai-processing-ms", str(20 + secrets.randbelow(400)))
            self.send_header("openai-version", "2020-10-01")
            if response.get("authenticated"):
                self.send_header("openai-organization", scenario.get("organization", ORGANIZATION))
                self.send_header("openai-project", scenario.get("project", PROJECT))
            for name, value in response.get("headers", {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer


def _answer_for(
    scenario: dict[str, Any], endpoint: str, headers: dict[str, str], model: str
) -> dict[str, Any]:
    """The scenario's answer, after the checks the real API makes first."""
    response = RESPONSES[scenario[endpoint]]
    if not response.get("authenticated"):
        return response
    sent_organization = headers.get("openai-organization")
    if sent_organization is not None and sent_organization != scenario.get(
        "organization", ORGANIZATION
    ):
        return RESPONSES["mismatched_organization"]
    sent_project = headers.get("openai-project")
    if sent_project is not None and sent_project != scenario.get("project", PROJECT):
        return RESPONSES["mismatched_project"]
    known_models = {entry["id"] for entry in RESPONSES["models_list"]["body"]["data"]}
    if endpoint == "chat" and response["status"] == 200 and model not in known_models:
        return RESPONSES["model_not_found"]
    return response


def _scenario_for(key: str) -> dict[str, Any] | None:
    if not key.startswith(KEY_PREFIX):
        return None
    tag = key[len(KEY_PREFIX) :].split("_", 1)[0]
    name = _SCENARIO_BY_TAG.get(tag)
    return SCENARIOS[name] if name is not None else None


def _bearer_token(authorization: str | None) -> str | None:
    if not authorization or not authorization.startswith("Bearer "):
        return None
    token = authorization[len("Bearer ") :].strip()
    return token or None


def _mask_like_openai(key: str) -> str:
    """OpenAI's echo of a rejected key: first 8 characters, stars, last 4."""
    if len(key) <= 12:
        return key
    return key[:8] + "*" * (len(key) - 12) + key[-4:]


def _fill(value: Any, **fields: str) -> Any:
    """Fill ``{masked_key}``/``{model}`` in every string of a JSON body."""
    if isinstance(value, str):
        for name, text in fields.items():
            value = value.replace("{" + name + "}", text)
        return value
    if isinstance(value, dict):
        return {name: _fill(item, **fields) for name, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, **fields) for item in value]
    return value
