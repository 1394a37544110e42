"""What a person sees when a listener fails (database down, Slack or OpenAI erroring).

Before the ack, the error handler turns the ack itself into a friendly private message;
after it, the message goes to the request's ``response_url``. Only the exception's type is
logged at ERROR (a traceback at DEBUG, through the redacting handlers).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import BoltResponse
from slack_sdk.webhook import WebhookClient
from sqlalchemy.exc import SQLAlchemyError

from bot.ui.keys import render_error_view
from bot.ui.messages import text

log = logging.getLogger(__name__)


def message_key(error: Exception) -> str:
    return "errors.unavailable" if isinstance(error, SQLAlchemyError) else "errors.generic"


def handle_listener_error(
    error: Exception, body: dict[str, Any], response: BoltResponse | None
) -> BoltResponse | None:
    kind = body.get("type") or ("slash_command" if body.get("command") else "request")
    log.error("%s listener failed: %s", kind, type(error).__name__)
    log.debug("listener failure details", exc_info=error)
    message = text(message_key(error))
    if response is not None and body.get("command"):
        payload = {"response_type": "ephemeral", "text": message}
        return BoltResponse(
            status=200,
            body=json.dumps(payload),
            headers={"content-type": "application/json;charset=utf-8"},
        )
    if response is not None and kind == "view_submission":
        update = {"response_action": "update", "view": render_error_view(message_key(error))}
        return BoltResponse(
            status=200,
            body=json.dumps(update),
            headers={"content-type": "application/json;charset=utf-8"},
        )
    response_url = body.get("response_url")
    if isinstance(response_url, str):
        try:
            WebhookClient(response_url, timeout=5).send(
                text=message, response_type="ephemeral", replace_original=False
            )
        except Exception as send_error:
            log.warning("could not tell the user about the failure: %s", type(send_error).__name__)
    if response is not None:
        return BoltResponse(status=200, body="")
    return None
