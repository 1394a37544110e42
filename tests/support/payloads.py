"""Slack request payloads shaped like the ones Slack sends (see Slack's API reference)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

TEAM_ID = "T0001"
TEAM_DOMAIN = "example"
API_APP_ID = "A0OPENAI01"


def slash_command(
    text: str,
    *,
    user_id: str,
    response_url: str,
    team_id: str = TEAM_ID,
    enterprise_id: str | None = None,
    channel_id: str = "C0GENERAL",
    command: str = "/openai-setup",
) -> bytes:
    """The form-encoded body of a slash command invocation."""
    fields = {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": "general",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": API_APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}",
    }
    if enterprise_id:
        fields["enterprise_id"] = enterprise_id
        fields["enterprise_name"] = "Example Grid"
    return urlencode(fields).encode()


def block_actions(
    action_id: str,
    value: str,
    *,
    user_id: str,
    response_url: str,
    team_id: str = TEAM_ID,
    container: str = "message",
    view: dict[str, Any] | None = None,
    block_id: str = "b1",
    enterprise_id: str | None = None,
    message: dict[str, Any] | None = None,
    action_fields: dict[str, Any] | None = None,
) -> bytes:
    """A ``block_actions`` interaction, from an ephemeral message or from a view (Home).

    ``message``: the app's normal (not ephemeral) message the button was on, as Slack sends
    it back (``ts``, ``channel`` and ``blocks``); a DM or thread answer.
    ``action_fields``: more fields of the action, e.g. a select's ``selected_conversation``.
    """
    action = {
        "action_id": action_id,
        "block_id": block_id,
        "type": "button",
        "text": {"type": "plain_text", "text": "Button", "emoji": True},
        "value": value,
        "action_ts": f"{time.time():.6f}",
        **(action_fields or {}),
    }
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": {
            "id": user_id,
            "username": user_id.lower(),
            "name": user_id.lower(),
            "team_id": team_id,
        },
        "api_app_id": API_APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": f"{int(time.time())}.{uuid.uuid4().hex}",
        "is_enterprise_install": False,
        "enterprise": None,
        "actions": [action],
    }
    _in_enterprise(payload, enterprise_id)
    if container == "message":
        payload["container"] = {
            "type": "message",
            "message_ts": "1700000000.000100",
            "channel_id": "C0GENERAL",
            "is_ephemeral": True,
        }
        payload["channel"] = {"id": "C0GENERAL", "name": "general"}
        payload["response_url"] = response_url
        if message is not None:
            payload["container"].update(
                message_ts=message["ts"], channel_id=message["channel"], is_ephemeral=False
            )
            payload["channel"] = {"id": message["channel"], "name": "directmessage"}
            payload["message"] = {
                "type": "message",
                "bot_id": "B0OPENAI01",
                "user": "UBOT0001",
                "text": message.get("text", ""),
                "ts": message["ts"],
                "blocks": message["blocks"],
            }
    else:
        home = view or {"type": "home", "blocks": []}
        home = {
            "id": "VHOME00001",
            "team_id": team_id,
            "hash": "1700000000.abc",
            "private_metadata": "",
            "callback_id": "",
            **home,
        }
        payload["container"] = {"type": "view", "view_id": home["id"]}
        payload["view"] = home
    return urlencode({"payload": json.dumps(payload)}).encode()


def event_callback(
    event: dict[str, Any], *, team_id: str = TEAM_ID, event_id: str | None = None
) -> bytes:
    """An Events API ``event_callback`` envelope around ``event``."""
    envelope = {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": API_APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": "UBOT0001",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{uuid.uuid4().hex}",
    }
    return json.dumps(envelope).encode()


def message_im(
    text: str, *, user_id: str, channel: str = "D0DIRECT1", **extra: Any
) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": channel,
        "user": user_id,
        "text": text,
        "ts": f"{time.time():.6f}",
        "event_ts": f"{time.time():.6f}",
        "channel_type": "im",
        **extra,
    }


def message_channel(
    text: str,
    *,
    user_id: str,
    channel: str = "C0GENERAL",
    channel_type: str = "channel",
    ts: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A ``message.channels`` (or ``.groups``/``.mpim``) event: a person posting in a channel."""
    ts = ts or f"{time.time():.6f}"
    return {
        "type": "message",
        "channel": channel,
        "user": user_id,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": channel_type,
        **extra,
    }


def message_edited(
    new_text: str,
    old_text: str,
    *,
    user_id: str,
    channel: str = "C0GENERAL",
    ts: str = "1700000000.000100",
) -> dict[str, Any]:
    """A ``message_changed`` event as Slack sends it when a person edits a channel message."""
    now = f"{time.time():.6f}"
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": channel,
        "channel_type": "channel",
        "ts": now,
        "event_ts": now,
        "message": {
            "type": "message",
            "user": user_id,
            "text": new_text,
            "ts": ts,
            "edited": {"user": user_id, "ts": now},
        },
        "previous_message": {"type": "message", "user": user_id, "text": old_text, "ts": ts},
    }


def app_mention(
    text: str,
    *,
    user_id: str,
    channel: str = "C0GENERAL",
    ts: str = "1700000001.000200",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "type": "app_mention",
        "user": user_id,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        **extra,
    }


def app_home_opened(user_id: str, tab: str = "home") -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user_id,
        "channel": "D0DIRECT1",
        "tab": tab,
        "event_ts": f"{time.time():.6f}",
    }


def key_modal_values(
    project: str,
    api_key: str,
    *,
    organization: str = "",
    openai_project: str = "",
    check_billing: bool = True,
) -> dict[str, Any]:
    """``view.state.values`` of the key dialog as Slack sends it on submit."""

    def text_input(value: str) -> dict[str, Any]:
        return {"value": {"type": "plain_text_input", "value": value or None}}

    option = {"text": {"type": "plain_text", "text": "Say hello"}, "value": "yes"}
    return {
        "project": text_input(project),
        "api_key": text_input(api_key),
        "organization": text_input(organization),
        "openai_project": text_input(openai_project),
        "check_billing": {
            "value": {"type": "checkboxes", "selected_options": [option] if check_billing else []}
        },
    }


def view_submission(
    values: dict[str, Any],
    *,
    user_id: str,
    team_id: str = TEAM_ID,
    callback_id: str = "api_key_modal",
    view_id: str | None = None,
    private_metadata: str = "",
    enterprise_id: str | None = None,
) -> bytes:
    """A ``view_submission`` interaction for a modal with these input values."""
    payload = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": {
            "id": user_id,
            "username": user_id.lower(),
            "name": user_id.lower(),
            "team_id": team_id,
        },
        "api_app_id": API_APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": f"{int(time.time())}.{uuid.uuid4().hex}",
        "is_enterprise_install": False,
        "enterprise": None,
        "view": {
            "id": view_id or f"V{uuid.uuid4().hex[:10].upper()}",
            "team_id": team_id,
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "title": {"type": "plain_text", "text": "OpenAI API key"},
            "blocks": [],
            "state": {"values": values},
            "hash": "1700000000.zzz",
            "root_view_id": None,
            "app_id": API_APP_ID,
            "bot_id": "B0001",
        },
        "response_urls": [],
    }
    _in_enterprise(payload, enterprise_id)
    return urlencode({"payload": json.dumps(payload)}).encode()


def _in_enterprise(payload: dict[str, Any], enterprise_id: str | None) -> None:
    """An interaction from a workspace of an Enterprise Grid org names the org twice."""
    if enterprise_id:
        payload["enterprise"] = {"id": enterprise_id, "name": "Example Grid"}
        payload["team"]["enterprise_id"] = enterprise_id
        payload["team"]["enterprise_name"] = "Example Grid"
