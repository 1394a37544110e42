""" "That fixed it" / "Not it" under a troubleshooting answer: counted, then thanked in place.

The buttons carry an opaque token, never the question. Only the person who asked may rate
the answer (in a channel thread others see the buttons too); anyone else is told so privately.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.guide.model import Answer, Match
from bot.services import Services
from bot.slack.context import locale_of, person_of, services_of
from bot.slack.in_place import tell_out_of_date
from bot.slack.locale import localized_answer, localized_steps
from bot.store.asked_questions import Asked, Feedback
from bot.ui import actions as ids
from bot.ui.answers import fallback_text, render_answer
from bot.ui.feedback import acknowledged, thanks_line
from bot.ui.messages import text

log = logging.getLogger(__name__)
# secrets.token_urlsafe(16): 22 URL-safe characters; a forged value is checked before any query.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,32}")


def rate_answer(
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    services = services_of(context)
    person = person_of(context)
    token = action.get("value")
    fixed = str(action.get("action_id", "")).startswith(ids.ANSWER_FIXED)
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        tell_out_of_date(body, respond, client, person)
        return
    result, asked = services.questions.give_feedback(person, token, fixed)
    if result is Feedback.NOT_ASKER:
        respond(replace_original=False, response_type="ephemeral", text=text("feedback.not_asker"))
        return
    if result is Feedback.UNKNOWN or asked is None:
        tell_out_of_date(body, respond, client, person)
        return
    locale = locale_of(context, client, person)
    _thank_in_place(body, client, respond, _redrawn(body, services, asked, fixed, locale))


def _redrawn(
    body: dict[str, Any], services: Services, asked: Asked, fixed: bool, locale: str
) -> list[dict[str, Any]]:
    """The answer with a thank-you line where the buttons were.

    A normal message (DM, thread) comes back in the payload; an ephemeral one does not, so
    it is drawn again from the kept question and entries.
    """
    message = body.get("message")
    if isinstance(message, dict) and isinstance(message.get("blocks"), list):
        return acknowledged(message["blocks"], fixed)
    by_id = {entry.id: entry for entry in services.troubleshooting.topics()}
    matches = tuple(
        Match(by_id[entry_id], score)
        for entry_id, score in zip(asked.entry_ids, asked.scores, strict=False)
        if entry_id in by_id
    )
    if not matches:
        return [thanks_line(fixed)]
    answer = Answer(query=asked.question, matches=matches, confident=True, language=asked.language)
    shown, shown_in = localized_answer(answer, locale)
    steps = localized_steps(services.steps, shown_in)
    return [*render_answer(shown, steps, locale=shown_in), thanks_line(fixed)]


def _thank_in_place(
    body: dict[str, Any], client: WebClient, respond: Respond, blocks: list[dict[str, Any]]
) -> None:
    container = body.get("container") or {}
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if container.get("is_ephemeral") or not (isinstance(channel, str) and isinstance(ts, str)):
        # Ephemeral messages change only through response_url.
        respond(
            replace_original=True,
            response_type="ephemeral",
            text=fallback_text(blocks),
            blocks=blocks,
        )
        return
    try:
        client.chat_update(channel=channel, ts=ts, text=fallback_text(blocks), blocks=blocks)
    except SlackApiError as error:
        log.warning("chat.update of an answer failed: %s", error.response.get("error"))
        respond(replace_original=False, response_type="ephemeral", text=fallback_text(blocks[-1:]))
