"""manifest.yml creates a working app: valid against Slack's schema, every event has its scope."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT.parent / "shared" / "fixtures" / "slack" / "manifest.schema.1.0.0.json"

# Which bot scope each bot event needs (Slack's Events API reference); None: no scope.
EVENT_SCOPES = {
    "app_home_opened": None,
    "message.im": "im:history",
    "app_mention": "app_mentions:read",
    "app_uninstalled": None,
    "tokens_revoked": None,
    # The leak watch: messages in channels the app is a member of.
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.mpim": "mpim:history",
}


@pytest.fixture(scope="module")
def manifest() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_matches_slacks_schema(manifest: dict) -> None:  # type: ignore[type-arg]
    # shared/ sits beside every checkout, CI's too: without it this check must not pass.
    assert SCHEMA.is_file(), f"Slack's manifest schema is not at {SCHEMA}"
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(manifest, schema)


def test_every_event_has_its_scope(manifest: dict) -> None:  # type: ignore[type-arg]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert set(events) == set(EVENT_SCOPES)
    for event in events:
        needed = EVENT_SCOPES[event]
        assert needed is None or needed in scopes, f"{event} needs {needed}"


def test_slash_command_home_and_socket_mode(manifest: dict) -> None:  # type: ignore[type-arg]
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/openai-setup"
    assert command["usage_hint"]
    home = manifest["features"]["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"]
    assert home["messages_tab_read_only_enabled"] is False
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert {"commands", "chat:write", "users:read"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )
