"""What the app answers to free text, wherever it was typed (command, DM, mention)."""

from __future__ import annotations

from typing import Any

from bot.rules.secrets import contains_key
from bot.services import Services
from bot.ui.answers import render_answer, render_help, render_key_in_text_warning

HELP_WORDS = frozenset({"help", "topics", "?", "troubleshooting", "aide", "ayuda", "hilfe"})


def reply_to_text(services: Services, text: str) -> list[dict[str, Any]]:
    """Blocks answering ``text``: a leaked-key warning, the topic list, or the best matches."""
    cleaned = text.strip()
    if contains_key(cleaned):
        return render_key_in_text_warning()
    if not cleaned or cleaned.lower() in HELP_WORDS:
        return render_help(services.troubleshooting.topics(), steps=services.steps)
    answer = services.troubleshooting.search(cleaned)
    return render_answer(answer, services.steps, entries=services.troubleshooting.topics())
