"""Bolt middleware: skip Slack's retried events, and hand the services to every listener."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

from bot.services import Services
from bot.store.events import EventLedger

log = logging.getLogger(__name__)


def skip_retried_events(ledger: EventLedger) -> Callable[..., Any]:
    """A ``before_authorize`` middleware: an event seen before is acknowledged and dropped.

    It runs after signature verification (so forged requests cannot claim ids) and before
    authorisation (so a retry costs no Web API call). The ledger lives in the database, so a
    retry that lands on another replica is dropped too.
    """

    def middleware(req: BoltRequest, resp: BoltResponse, next: Callable[[], Any]) -> Any:
        body = req.body if isinstance(req.body, dict) else {}
        event_id = body.get("event_id")
        is_event = body.get("type") == "event_callback" and isinstance(event_id, str)
        if is_event and not ledger.claim(str(event_id), team_id=str(body.get("team_id") or "")):
            log.info("skipping repeated delivery of event %s", event_id)
            return BoltResponse(status=200, body="")
        return next()

    return middleware


def inject_services(services: Services) -> Callable[..., Any]:
    def middleware(context: dict[str, Any], next: Callable[[], Any]) -> Any:
        context["services"] = services
        return next()

    return middleware
