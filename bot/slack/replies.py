"""What the app answers to free text, wherever it was typed (command, DM, mention)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.guide.model import Answer
from bot.identity import Person
from bot.rules.secrets import contains_key
from bot.services import Services
from bot.slack.locale import localized_answer, localized_entries, localized_steps
from bot.store.asked_questions import Outcome
from bot.ui.answers import (
    MIN_CANDIDATES,
    render_answer,
    render_help,
    render_key_in_text_warning,
)

HELP_WORDS = frozenset({"help", "topics", "?", "troubleshooting", "aide", "ayuda", "hilfe"})

log = logging.getLogger(__name__)


def reply_to_text(
    services: Services, text: str, person: Person | None = None, locale: str = "en"
) -> list[dict[str, Any]]:
    """Blocks answering ``text``: a leaked-key warning, the topic list, or the best matches.

    With ``person`` (who asked), the question is kept for the learning loop: a confident
    answer gets feedback buttons, any other answer is kept as one the app could not give.
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
    found = services.troubleshooting.search(cleaned)
    token = _remember(services, person, cleaned, found) if person is not None else None
    answer, shown_in = localized_answer(found, locale)
    return render_answer(
        answer,
        localized_steps(services.steps, shown_in),
        entries=localized_entries(services.troubleshooting.topics(), shown_in),
        feedback_token=token,
        locale=shown_in,
    )


def outcome_of(answer: Answer) -> Outcome:
    """How the answer went, as the learning loop counts it (mirrors ``render_answer``)."""
    if answer.confident and answer.matches:
        return Outcome.ANSWERED
    if len(answer.matches) >= MIN_CANDIDATES:
        return Outcome.NOT_CONFIDENT  # "Is it one of these?"
    return Outcome.OUT_OF_SCOPE


def _remember(services: Services, person: Person, question: str, answer: Answer) -> str | None:
    """Keep the question; the token for the feedback buttons of a confident answer.

    The answer matters more than the record: a database failure costs the buttons only.
    """
    outcome = outcome_of(answer)
    try:
        token = services.questions.record(
            person,
            question,
            outcome=outcome,
            language=answer.language,
            entries=[(match.entry.id, match.score) for match in answer.matches],
        )
    except SQLAlchemyError as error:
        log.warning("question not kept for %s: %s", person.user_id, type(error).__name__)
        return None
    return token if outcome is Outcome.ANSWERED else None
