"""Only requests Slack signed, recently, reach the listeners; health reports the database."""

from __future__ import annotations

import hashlib
import hmac
import logging
import socket
import time

import pytest
from slack_sdk.signature import SignatureVerifier

from tests.support import payloads
from tests.support.running_app import SIGNING_SECRET, RunningApp, http


def test_forged_signature_is_rejected(app: RunningApp) -> None:
    body = payloads.slash_command("", user_id="U0ALICE", response_url=app.next_response_url())
    response = app.post(body, "application/x-www-form-urlencoded", secret="not-the-secret")
    assert response.status == 401
    assert "blocks" not in response.text


def test_stale_timestamp_is_rejected(app: RunningApp) -> None:
    body = payloads.slash_command("", user_id="U0ALICE", response_url=app.next_response_url())
    response = app.post(body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 600)
    assert response.status == 401


def test_body_altered_after_signing_is_rejected(app: RunningApp) -> None:
    body = payloads.slash_command("", user_id="U0ALICE", response_url=app.next_response_url())
    ts = str(int(time.time()))
    from slack_sdk.signature import SignatureVerifier

    from tests.support.running_app import SIGNING_SECRET

    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=ts, body=body)
    tampered = body.replace(b"U0ALICE", b"U0ADMIN")
    response = http(
        "POST",
        f"{app.url}/slack/events",
        tampered,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature or "",
        },
    )
    assert response.status == 401


def test_forged_event_does_not_poison_the_retry_ledger(app: RunningApp) -> None:
    event = payloads.message_im("rate limit", user_id="U0ALICE")
    body = payloads.event_callback(event, event_id="Ev0FORGED01")
    assert app.post(body, "application/json", secret="wrong").status == 401
    assert app.event(event, event_id="Ev0FORGED01").status == 200
    app.slack.wait_for("chat.postMessage")


def test_healthz(app: RunningApp) -> None:
    response = http("GET", f"{app.url}/healthz")
    assert response.status == 200
    assert response.json() == {"ok": True, "database": "up"}


def test_unknown_path_is_404(app: RunningApp) -> None:
    assert http("GET", f"{app.url}/admin").status == 404


# --- the front door: size, signature, shape, before Bolt parses anything ----------------------

UNSIGNED_HEADER_VARIANTS = [
    {"X-Slack-Request-Timestamp": "1.5"},
    {"X-Slack-Request-Timestamp": ""},
    {"X-Slack-Request-Timestamp": "abc"},
    {"X-Slack-Request-Timestamp": "99999999999999999999"},
    {"X-Slack-Signature": "v0=not-hex"},
    {"X-Slack-Signature": ""},
]


@pytest.mark.parametrize("override", UNSIGNED_HEADER_VARIANTS)
def test_malformed_signature_headers_are_refused_before_any_listener(
    app: RunningApp, override: dict[str, str]
) -> None:
    """A header that makes the signature check raise must not reach the error handler,
    which would post to the response_url named in the unsigned body."""
    body = payloads.slash_command("", user_id="U0ALICE", response_url=app.next_response_url())
    headers = {**_signed_headers(body), **override}
    response = http("POST", f"{app.url}/slack/events", body, headers)
    assert response.status == 401
    assert _calls_after_start_up(app) == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"payload=not-json", "application/x-www-form-urlencoded"),
        (b"payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
        (b"[1, 2, 3]", "application/json"),
        (bytes(range(256)), "application/octet-stream"),
        (b"", "application/json"),
    ],
)
def test_unsigned_garbage_gets_401_not_500(app: RunningApp, body: bytes, content_type: str) -> None:
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(int(time.time()))}
    response = http("POST", f"{app.url}/slack/events", body, headers)
    assert response.status == 401
    assert _calls_after_start_up(app) == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"payload=not-json", "application/x-www-form-urlencoded"),
        (b"payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
        (b"payload=%22text%22", "application/x-www-form-urlencoded"),
        (b"[1, 2, 3]", "application/json"),
        (b'{"type": "event_callback"', "application/json"),
        (b"", "application/x-www-form-urlencoded"),
    ],
)
def test_signed_but_malformed_bodies_get_400(
    app: RunningApp, body: bytes, content_type: str
) -> None:
    response = app.post(body, content_type)
    assert response.status == 400
    assert _calls_after_start_up(app) == []


def test_signed_binary_body_is_refused(app: RunningApp) -> None:
    # Slack signs UTF-8 text; bytes that are not UTF-8 cannot be Slack's.
    body = b"payload=\xff\xfe"
    ts = str(int(time.time()))
    mac = hmac.new(SIGNING_SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": "v0=" + mac.hexdigest(),
    }
    assert http("POST", f"{app.url}/slack/events", body, headers).status == 401


def test_get_on_the_events_path_does_not_reach_bolt(app: RunningApp) -> None:
    assert http("GET", f"{app.url}/slack/events").status == 401
    assert _calls_after_start_up(app) == []


@pytest.mark.parametrize("signed", [True, False])
def test_body_over_the_limit_gets_413_signed_or_not(app: RunningApp, signed: bool) -> None:
    limit = app.settings.max_request_bytes
    body = payloads.slash_command(
        "x" * limit, user_id="U0ALICE", response_url=app.next_response_url()
    )
    headers = _signed_headers(body) if signed else {"Content-Type": "application/json"}
    assert _status_of_post_sending_only_the_start(app, headers, len(body), body[:4096]) == 413
    assert _calls_after_start_up(app) == []


def test_a_body_just_under_the_limit_is_served(app: RunningApp) -> None:
    """The limit refuses only what is over it: a large but legal command still works."""
    empty = payloads.slash_command("", user_id="U0ALICE", response_url=app.next_response_url())
    padding = app.settings.max_request_bytes - len(empty) - 200
    body = payloads.slash_command(
        "quota " + "a" * padding, user_id="U0ALICE", response_url=app.next_response_url()
    )
    assert len(body) <= app.settings.max_request_bytes
    assert app.post(body, "application/x-www-form-urlencoded").status == 200


def test_a_huge_declared_length_is_refused_without_reading_the_body(app: RunningApp) -> None:
    """waitress itself answers 413 from the header: a 200 MB upload is never buffered."""
    headers = {"Content-Type": "application/json"}
    assert _status_of_post_sending_only_the_start(app, headers, 200_000_000, b"{") == 413


def test_unverified_bodies_are_never_logged(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    marker = "UNSIGNED-MARKER-7f3a"
    body = payloads.slash_command(
        marker * 1000, user_id="U0ALICE", response_url=app.next_response_url()
    )
    with caplog.at_level(logging.DEBUG):
        assert app.post(body, "application/x-www-form-urlencoded", secret="wrong").status == 401
        headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": "1.5"}
        assert http("POST", f"{app.url}/slack/events", body, headers).status == 401
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert marker not in logged
    assert str(len(body)) in logged  # the length is all that is said of it


def _signed_headers(body: bytes) -> dict[str, str]:
    ts = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=ts, body=body)
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature or "",
    }


def _calls_after_start_up(app: RunningApp) -> list[str]:
    """What the app asked of Slack besides its start-up ``auth.test``."""
    return [call.method for call in app.slack.calls if call.method != "auth.test"]


def _status_of_post_sending_only_the_start(
    app: RunningApp, headers: dict[str, str], length: int, start: bytes
) -> int:
    """POST declaring ``length`` bytes, send only ``start``, read the status Slack would see.

    The server answers before the body has arrived (and closes), which a normal client
    reports as a reset connection rather than a response.
    """
    port = int(app.url.rsplit(":", 1)[1])
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = (
        f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}Content-Length: {length}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request + start)
        status_line = connection.recv(200).split(b"\r\n", 1)[0]
    return int(status_line.split()[1])
