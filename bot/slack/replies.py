"""What the app answers to free text, wherever it was typed (command, DM, mention)."""

from __future__ import annotations

from typing import Any

from bot.rules.secrets import contains_key
from bot.services import Services
from bot.slack.locale import localized_answer, localized_entries, localized_steps
from bot.ui.answers import render_answer, render_help, render_key_in_text_warning

HELP_WORDS = frozenset({"help", "topics", "?", "troubleshooting", "aide", "ayuda", "hilfe"})


def reply_to_text(services: Services, text: str, locale: str = "en") -> list[dict[str, Any]]:
    """Blocks answering ``text``: a leaked-key warning, the topic list, or the best matches.

    ``locale`` is the person's; an answer is shown in the question's language instead when
    that language has a translation (bot.guide.translations.answer_locale).
    """
    cleaned = text.strip()
    if contains_key(cleaned):
        return render_key_in_text_warning()
    if not cleaned or cleaned.lower() in HELP_WORDS:
        topics = localized_entries(services.troubleshooting.topics(), locale)
        steps = localized_steps(services.steps, locale)
        return render_help(topics, steps=steps, locale=locale)
    answer, shown_in = localized_answer(services.troubleshooting.search(cleaned), locale)
    return render_answer(
        answer,
        localized_steps(services.steps, shown_in),
        entries=localized_entries(services.troubleshooting.topics(), shown_in),
        locale=shown_in,
    )
