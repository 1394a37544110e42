"""The front door of ``POST /slack/events``: size, then signature, then shape, then Bolt.

Bolt parses a request's body before its own signature check, hands a check that raised to
the app's error handler (which may act on the unsigned body's ``response_url``) and logs a
refused body at INFO. So nothing reaches Bolt until this guard has:

1. refused a body over the limit (413) without reading it;
2. verified Slack's signature on the raw bytes with slack-sdk's ``SignatureVerifier``
   (401 for a missing, malformed or wrong signature or timestamp, or a body that is not
   UTF-8: Slack signs UTF-8 text);
3. checked that the signed body is what Slack sends: a JSON object, or a form whose
   ``payload`` field, if any, is a JSON object (400 otherwise).

A refused body is never logged, only its length.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# Slack sends seconds since the epoch as digits, and "v0=" with a hex SHA-256.
_TIMESTAMP = re.compile(r"[0-9]{1,12}\Z")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}\Z")


class SlackRequestGuard:
    """WSGI middleware: only signed, well-formed requests of bounded size reach ``app``."""

    def __init__(self, app: WsgiApp, signing_secret: str, *, max_body_bytes: int) -> None:
        self.app = app
        self.verifier = SignatureVerifier(signing_secret)
        self.max_body_bytes = max_body_bytes

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        length = _content_length(environ)
        if length is None:
            return _reply(start_response, "400 Bad Request", "bad content length")
        if length > self.max_body_bytes:
            log.info("refused a %d-byte request: over the limit", length)
            return _reply(start_response, "413 Content Too Large", "request too large")
        raw = environ["wsgi.input"].read(length) if length else b""
        if not self._signed_by_slack(environ, raw):
            log.info("refused an unsigned or wrongly signed request (%d bytes)", len(raw))
            return _reply(start_response, "401 Unauthorized", "invalid request signature")
        if not _shaped_like_slack(raw, environ.get("CONTENT_TYPE") or ""):
            log.warning("refused a signed request whose body is not a Slack payload")
            return _reply(start_response, "400 Bad Request", "malformed body")
        environ["wsgi.input"] = io.BytesIO(raw)
        environ["CONTENT_LENGTH"] = str(len(raw))
        return self.app(environ, start_response)

    def _signed_by_slack(self, environ: dict[str, Any], raw: bytes) -> bool:
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or ""
        signature = environ.get("HTTP_X_SLACK_SIGNATURE") or ""
        if not (_TIMESTAMP.match(timestamp) and _SIGNATURE.match(signature)):
            return False
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return self.verifier.is_valid(body=body, timestamp=timestamp, signature=signature)


def _content_length(environ: dict[str, Any]) -> int | None:
    """The declared body length; None when it is not a plain non-negative number."""
    value = str(environ.get("CONTENT_LENGTH") or "0").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 15:
        return None
    return int(value)


def _shaped_like_slack(raw: bytes, content_type: str) -> bool:
    """Whether the body parses the way Bolt will parse it, into a JSON object.

    Mirrors Bolt's ``parse_body``: JSON when the content type says so or the body starts
    with ``{``; otherwise a form, whose ``payload`` field (interactions) holds JSON.
    """
    body = raw.decode("utf-8")  # verified as UTF-8 with the signature
    if not body:
        return False
    try:
        if content_type.split(";")[0].strip() == "application/json" or body.startswith("{"):
            return isinstance(json.loads(body), dict)
        fields = dict(parse_qsl(body, keep_blank_values=True))
        if "payload" in body:
            return isinstance(json.loads(fields.get("payload", "{}")), dict)
    except ValueError:  # json.JSONDecodeError is a ValueError
        return False
    return bool(fields)


def _reply(start_response: Callable[..., Any], status: str, message: str) -> list[bytes]:
    body = message.encode()
    start_response(
        status,
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]
