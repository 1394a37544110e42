"""manifest.http.yml (multi-workspace, HTTP + OAuth) is valid and matches manifest.yml."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.oauth.settings import BOT_SCOPES, REDIRECT_PATH

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT.parent / "shared" / "fixtures" / "slack" / "manifest.schema.1.0.0.json"
PUBLIC_URL = "https://openai-setup.example.com"


def _load(name: str) -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / name).read_text())
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return _load("manifest.http.yml")


@pytest.fixture(scope="module")
def socket_manifest() -> dict[str, Any]:
    return _load("manifest.yml")


def test_manifest_matches_slacks_schema(manifest: dict[str, Any]) -> None:
    # shared/ sits beside every checkout, CI's too: without it this check must not pass.
    assert SCHEMA.is_file(), f"Slack's manifest schema is not at {SCHEMA}"
    jsonschema.validate(manifest, json.loads(SCHEMA.read_text()))


def test_http_mode_with_oauth_and_token_rotation(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["token_rotation_enabled"] is True
    events_url = f"{PUBLIC_URL}/slack/events"
    assert settings["event_subscriptions"]["request_url"] == events_url
    assert settings["interactivity"] == {"is_enabled": True, "request_url": events_url}
    (command,) = manifest["features"]["slash_commands"]
    assert command["url"] == events_url
    assert manifest["oauth_config"]["redirect_urls"] == [f"{PUBLIC_URL}{REDIRECT_PATH}"]


def test_same_scopes_events_and_command_as_manifest_yml(
    manifest: dict[str, Any], socket_manifest: dict[str, Any]
) -> None:
    bot_scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert bot_scopes == socket_manifest["oauth_config"]["scopes"]["bot"]
    # The OAuth flow asks for exactly these scopes.
    assert tuple(bot_scopes) == BOT_SCOPES
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert events == socket_manifest["settings"]["event_subscriptions"]["bot_events"]
    (command,) = manifest["features"]["slash_commands"]
    (socket_command,) = socket_manifest["features"]["slash_commands"]
    assert {k: v for k, v in command.items() if k != "url"} == socket_command
    assert manifest["features"]["app_home"] == socket_manifest["features"]["app_home"]
    assert manifest["display_information"] == socket_manifest["display_information"]
