"""``/openai-setup [step | help | key [project] | keys | audit [project] | question]``.

Every answer is private to the caller (ephemeral). Text that looks like an OpenAI key is
refused before anything else, so a key is never echoed whatever surrounds it.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.guide.steps import find_step
from bot.listeners.commands.organization import ORGANIZATION_COMMANDS
from bot.listeners.commands.team_keys import KEY_COMMANDS
from bot.rules.secrets import contains_key
from bot.slack.context import locale_of, person_of, services_of
from bot.slack.locale import localized_step, localized_steps
from bot.slack.replies import reply_to_text
from bot.ui.answers import fallback_text, render_key_in_text_warning
from bot.ui.guide import render_overview, render_step


def handle_openai_setup(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    services = services_of(context)
    text = (command.get("text") or "").strip()
    word, _, rest = text.partition(" ")
    if contains_key(text):
        blocks = render_key_in_text_warning()
    elif word.lower() in KEY_COMMANDS:
        KEY_COMMANDS[word.lower()](ack, command, context, client, rest.strip())
        return
    elif word.lower() in ORGANIZATION_COMMANDS:
        ORGANIZATION_COMMANDS[word.lower()](ack, command, context, client, rest.strip())
        return
    elif not text:
        locale = locale_of(context, client)
        blocks = render_overview(
            localized_steps(services.steps, locale),
            services.progress.completed_steps(person_of(context)),
            locale=locale,
        )
    elif (step := find_step(text, services.steps)) is not None:
        locale = locale_of(context, client)
        done = step.number in services.progress.completed_steps(person_of(context))
        steps = localized_steps(services.steps, locale)
        blocks = render_step(localized_step(step, locale), steps, done=done, locale=locale)
    else:
        blocks = reply_to_text(services, text, person_of(context), locale_of(context, client))
    ack(response_type="ephemeral", text=fallback_text(blocks), blocks=blocks)
