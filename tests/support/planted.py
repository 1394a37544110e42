"""Text a member planted (a link, a channel ping) must reach Slack inert: checks for payloads.

Slack turns bare URLs, channel names and some mentions in mrkdwn into links unless the text
object is ``"verbatim": true``, and reads ``<…>`` as a link or mention unless escaped. Clients
may also link a URL in plain text, so planted text belongs in verbatim, escaped mrkdwn only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tests.fakes.slack import SlackCall

PLANTED = "x https://evil.example/login <!channel>"
MARKER = "evil.example"
ESCAPED_PING = "&lt;!channel&gt;"


def text_objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every Block Kit text object (``plain_text`` or ``mrkdwn``) anywhere inside ``node``."""
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
            yield node
        for value in node.values():
            yield from text_objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from text_objects(value)


def payload_of(call: SlackCall) -> dict[str, Any]:
    """A Web API call's or response_url post's parameters with JSON-encoded fields decoded."""
    params = dict(call.params)
    for name in ("view", "blocks"):
        if isinstance(params.get(name), str):
            params[name] = json.loads(params[name])
    return params


def assert_planted_text_is_inert(payload: Any, marker: str = MARKER) -> int:
    """Every text object carrying ``marker`` is verbatim mrkdwn with the ping escaped, and a
    message's top-level ``text`` (which cannot be verbatim) does not carry it at all.

    Returns how many text objects carried it, so callers can insist the check was not empty.
    """
    carrying = [node for node in text_objects(payload) if marker in node["text"]]
    for node in carrying:
        assert node["type"] == "mrkdwn", f"planted text in plain_text: {node}"
        assert node.get("verbatim") is True, f"not verbatim, Slack would link it: {node}"
        assert "<!channel>" not in node["text"], node
        assert f"<https://{marker}" not in node["text"], node
        assert ESCAPED_PING in node["text"], node
    if isinstance(payload, dict) and isinstance(payload.get("text"), str):
        assert marker not in payload["text"], f"planted URL in the top-level text: {payload}"
    return len(carrying)
