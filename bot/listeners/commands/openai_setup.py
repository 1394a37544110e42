"""``/openai-setup [step | help | question]``: every answer is private to the caller."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.guide.steps import find_step
from bot.keys.key_format import looks_like_openai_key
from bot.listeners.context import person_of, services_of
from bot.listeners.replies import reply_to_text
from bot.ui.answers import fallback_text, render_key_in_text_warning
from bot.ui.guide import render_overview, render_step


def handle_openai_setup(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    services = services_of(context)
    text = (command.get("text") or "").strip()
    if looks_like_openai_key(text):
        # Checked before anything else: a key must never be echoed, whatever surrounds it.
        blocks = render_key_in_text_warning()
    elif not text:
        person = person_of(context)
        blocks = render_overview(
            services.steps,
            services.progress.completed_steps(person),
            keys_enabled=services.keys_enabled,
        )
    elif (step := find_step(text, services.steps)) is not None:
        done = step.number in services.progress.completed_steps(person_of(context))
        blocks = render_step(step, services.steps, done=done)
    else:
        blocks = reply_to_text(services, text)
    ack(response_type="ephemeral", text=fallback_text(blocks), blocks=blocks)
