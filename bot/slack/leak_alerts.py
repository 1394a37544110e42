"""Leak alerts to maintainers and admins: sent once per sighting, updated in place when the
compromised project gets its new key."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.keys.leak_watch import AlertRef, Sighting
from bot.ui.answers import fallback_text
from bot.ui.leak_watch import render_alert

log = logging.getLogger(__name__)


def update_alerts(client: WebClient, closed: list[Sighting], who: str) -> None:
    """A compromised project got its new key: every alert about it says so, in place."""
    for sighting in closed:
        when = sighting.resolved_at
        if when is not None:
            _update(client, sighting, render_alert(sighting, replaced=(who, when)))


def count_in_alerts(client: WebClient, sighting: Sighting) -> None:
    """The key was seen again today: its open alerts show the new count (no new alert)."""
    if sighting.resolved_at is None:
        _update(client, sighting, render_alert(sighting))


def _update(client: WebClient, sighting: Sighting, blocks: list[dict[str, Any]]) -> None:
    for ref in sighting.alerts:
        try:
            client.chat_update(
                channel=ref.channel, ts=ref.ts, blocks=blocks, text=fallback_text(blocks)
            )
        except SlackApiError as error:
            log.warning("could not update a leak alert: %s", error.response.get("error"))


def send_alert(
    client: WebClient,
    sighting: Sighting,
    alert_channel: str | None,
    admins: Callable[[], frozenset[str] | None],
    key_admins: frozenset[str],
) -> list[AlertRef]:
    """The alert, in the alert channel when one is set, else by DM to the project's
    maintainers, the workspace's admins and owners (``admins()``, None when Slack could not
    say: then maintainers and KEY_ADMINS only) and KEY_ADMINS."""
    blocks = render_alert(sighting)
    if alert_channel:
        targets = [alert_channel]
    else:
        workspace_admins = admins() or frozenset()
        targets = sorted(sighting.maintainers | key_admins | workspace_admins)
    sent: list[AlertRef] = []
    for target in targets:
        try:
            answer = client.chat_postMessage(
                channel=target, blocks=blocks, text=fallback_text(blocks)
            )
        except SlackApiError as error:
            log.warning("could not send a leak alert: %s", error.response.get("error"))
            continue
        channel, ts = answer.get("channel"), answer.get("ts")
        if isinstance(channel, str) and isinstance(ts, str):
            sent.append(AlertRef(channel, ts))
    return sent
