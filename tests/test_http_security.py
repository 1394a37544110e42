"""Only requests Slack signed, recently, reach the listeners; health reports the database."""

from __future__ import annotations

import time

from support import payloads
from support.running_app import RunningApp, http


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
    from support.running_app import SIGNING_SECRET

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
