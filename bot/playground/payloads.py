"""Slack's request bodies as the playground sends them to the app, in Slack's real shapes
(see /work/shared/fixtures/slack): slash commands, ``block_actions``, ``view_submission``,
``view_closed`` and Events API envelopes."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from bot.playground.slack_api.defaults import APP_ID, BOT_USER_ID

TEAM_ID = "T0PLAYGRND"
TEAM_DOMAIN = "playground"
COMMAND = "/openai-setup"


def trigger_id() -> str:
    return f"{int(time.time())}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"


def _user(user_id: str) -> dict[str, Any]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": TEAM_ID}


def _interaction(kind: str, user_id: str, trigger: str) -> dict[str, Any]:
    return {
        "type": kind,
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": "playground-verification-token",
        "trigger_id": trigger,
        "is_enterprise_install": False,
        "enterprise": None,
    }


def form(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def slash_command(
    text: str, *, user_id: str, channel_id: str, response_url: str, trigger: str
) -> bytes:
    return urlencode(
        {
            "token": "playground-verification-token",
            "team_id": TEAM_ID,
            "team_domain": TEAM_DOMAIN,
            "channel_id": channel_id,
            "channel_name": "general" if channel_id.startswith("C") else "directmessage",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": COMMAND,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger,
        }
    ).encode()


def message_action(
    action: dict[str, Any],
    *,
    user_id: str,
    trigger: str,
    channel_id: str,
    message: dict[str, Any],
    ephemeral: bool,
    response_url: str,
) -> bytes:
    """A button clicked on a message (an ephemeral one carries no ``message``, as in Slack)."""
    payload = _interaction("block_actions", user_id, trigger)
    payload["container"] = {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": channel_id,
        "is_ephemeral": ephemeral,
    }
    payload["channel"] = {"id": channel_id, "name": "general"}
    if not ephemeral:
        payload["message"] = message
    payload["response_url"] = response_url
    payload["actions"] = [action]
    return form(payload)


def view_action(
    action: dict[str, Any], *, user_id: str, trigger: str, view: dict[str, Any]
) -> bytes:
    """A button clicked on a view: the Home tab or a modal (with its inputs' state)."""
    payload = _interaction("block_actions", user_id, trigger)
    payload["container"] = {"type": "view", "view_id": view.get("id")}
    payload["view"] = view
    payload["actions"] = [action]
    return form(payload)


def view_submission(view: dict[str, Any], *, user_id: str, trigger: str) -> bytes:
    payload = _interaction("view_submission", user_id, trigger)
    payload["view"] = view
    payload["response_urls"] = []
    return form(payload)


def view_closed(view: dict[str, Any], *, user_id: str) -> bytes:
    payload = _interaction("view_closed", user_id, trigger_id())
    payload.pop("trigger_id")
    payload["view"] = view
    payload["is_cleared"] = False
    return form(payload)


def event_callback(event: dict[str, Any]) -> bytes:
    envelope = {
        "token": "playground-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{secrets.token_hex(5).upper()}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{secrets.token_hex(16)}",
    }
    return json.dumps(envelope).encode()


def now_ts() -> str:
    return f"{time.time():.6f}"
