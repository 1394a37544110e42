"""What a person sees when a listener fails (database down, Slack or OpenAI erroring).

Before the ack, the error handler turns the ack itself into a friendly private message;
after it, the message goes to the request's ``response_url``, or by DM when there is none
(a button on App Home). Slow work after the ack (lazy listeners) fails the same way:
Bolt's lazy runner swallows exceptions, so ``ReportingLazyListenerRunner`` reports them.
Only the exception's type is logged at ERROR (a traceback at DEBUG, through the redacting
handlers).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.lazy_listener import ThreadLazyListenerRunner
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient
from sqlalchemy.exc import SQLAlchemyError

from bot.ui.keys import render_error_view
from bot.ui.messages import text

log = logging.getLogger(__name__)


def message_key(error: Exception) -> str:
    return "errors.unavailable" if isinstance(error, SQLAlchemyError) else "errors.generic"


def handle_listener_error(
    error: Exception,
    body: dict[str, Any],
    response: BoltResponse | None,
    client: WebClient | None = None,
) -> BoltResponse | None:
    _log_failure("listener", error, body)
    if response is not None and body.get("command"):
        payload = {"response_type": "ephemeral", "text": text(message_key(error))}
        return _json_response(payload)
    if response is not None and body.get("type") == "view_submission":
        update = {"response_action": "update", "view": render_error_view(message_key(error))}
        return _json_response(update)
    _tell_later(text(message_key(error)), body, client)
    if response is not None:
        return BoltResponse(status=200, body="")
    return None


def report_slow_work_failure(
    error: Exception, body: dict[str, Any], client: WebClient | None
) -> None:
    """After the ack: a dialog shows the failure in place, anything else gets a message."""
    _log_failure("slow work", error, body)
    view_id = (body.get("view") or {}).get("id")
    if body.get("type") == "view_submission" and isinstance(view_id, str) and client:
        try:
            client.views_update(view_id=view_id, view=render_error_view(message_key(error)))
            return
        except Exception as send_error:
            log.warning("could not show the failure in the dialog: %s", type(send_error).__name__)
    _tell_later(text(message_key(error)), body, client)


class ReportingLazyListenerRunner(ThreadLazyListenerRunner):
    """Bolt's thread runner for lazy listeners, with failures reported to the person."""

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        super().start(_reporting(function, request), request)


def _reporting(function: Callable[..., None], request: BoltRequest) -> Callable[..., None]:
    # functools.wraps keeps the signature Bolt reads to inject the listener's arguments.
    @functools.wraps(function)
    def run(**kwargs: Any) -> None:
        try:
            function(**kwargs)
        except Exception as error:
            client = kwargs.get("client") or request.context.client
            report_slow_work_failure(error, request.body, client)

    return run


def _tell_later(message: str, body: dict[str, Any], client: WebClient | None) -> None:
    """The failure, privately: through ``response_url``, else by DM from the app."""
    response_url = body.get("response_url")
    user = body.get("user")
    user_id = user.get("id") if isinstance(user, dict) else None
    try:
        if isinstance(response_url, str):
            WebhookClient(response_url, timeout=5).send(
                text=message, response_type="ephemeral", replace_original=False
            )
        elif isinstance(user_id, str) and client is not None:
            client.chat_postMessage(channel=user_id, text=message)
    except Exception as send_error:
        log.warning("could not tell the user about the failure: %s", type(send_error).__name__)


def _log_failure(where: str, error: Exception, body: dict[str, Any]) -> None:
    kind = body.get("type") or ("slash_command" if body.get("command") else "request")
    log.error("%s %s failed: %s", kind, where, type(error).__name__)
    log.debug("%s failure details", where, exc_info=error)


def _json_response(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(
        status=200,
        body=json.dumps(payload),
        headers={"content-type": "application/json;charset=utf-8"},
    )
