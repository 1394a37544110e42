"""Block Kit for the learning loop: feedback buttons under an answer, the thank-you line that
replaces them, and the admins' "Questions I couldn't answer" section of App Home."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.store.asked_questions import Asked, Figures, Outcome
from bot.ui import actions as ids
from bot.ui.blocks import Block, actions, button, context, header, section
from bot.ui.messages import text
from bot.ui.mrkdwn import escape, truncate

MAX_HOME_QUESTIONS = 5
MAX_HOME_QUESTION = 300
# A Slack user id as Slack hands it out; anything else is shown as text, never as a mention.
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,31}")
_OUTCOME_LABELS = {
    Outcome.NOT_IT: "feedback.outcome_not_it",
    Outcome.NOT_CONFIDENT: "feedback.outcome_not_confident",
    Outcome.OUT_OF_SCOPE: "feedback.outcome_out_of_scope",
}


def feedback_actions(token: str) -> Block:
    """ "That fixed it" / "Not it" under an answer; both carry only the opaque ``token``."""
    block = actions(
        [
            button(text("feedback.fixed_button"), ids.ANSWER_FIXED, token, style="primary"),
            button(text("feedback.not_it_button"), ids.ANSWER_NOT_IT, token),
        ]
    )
    return {**block, "block_id": ids.FEEDBACK_BLOCK}


def thanks_line(fixed: bool) -> Block:
    return context(text("feedback.thanks_fixed" if fixed else "feedback.thanks_not_it"))


def acknowledged(blocks: Sequence[Block], fixed: bool) -> list[Block]:
    """``blocks`` of an answer with its feedback buttons replaced by a thank-you line."""
    kept = [block for block in blocks if block.get("block_id") != ids.FEEDBACK_BLOCK]
    return [*kept, thanks_line(fixed)]


def unanswered_home_blocks(asked: Sequence[Asked], figures: Figures, days: int) -> list[Block]:
    """The admins' section: figures, then the newest questions (alike ones counted once)."""
    blocks: list[Block] = [
        header(text("feedback.home_header")),
        context(text("feedback.home_intro", days=days)),
        context(
            text(
                "feedback.home_figures",
                days=days,
                unanswered=figures.count(*_OUTCOME_LABELS),
                not_it=figures.count(Outcome.NOT_IT),
                fixed=figures.count(Outcome.FIXED),
                answered=figures.count(Outcome.ANSWERED),
            )
        ),
    ]
    groups = _grouped(asked)
    if not groups:
        return [*blocks, context(text("feedback.home_empty"))]
    for newest, count in groups[:MAX_HOME_QUESTIONS]:
        blocks.append(section(_question_lines(newest, count)))
    if len(groups) > MAX_HOME_QUESTIONS:
        blocks.append(context(text("feedback.home_more", count=len(groups) - MAX_HOME_QUESTIONS)))
    return blocks


def _grouped(asked: Sequence[Asked]) -> list[tuple[Asked, int]]:
    """(newest row, how many) per question text, in the order of each text's newest row."""
    counts: dict[str, int] = {}
    newest: dict[str, Asked] = {}
    for row in asked:
        key = row.question.casefold()
        counts[key] = counts.get(key, 0) + 1
        newest.setdefault(key, row)
    return [(row, counts[key]) for key, row in newest.items()]


def _question_lines(row: Asked, count: int) -> str:
    question = text("feedback.home_question", question=truncate(row.question, MAX_HOME_QUESTION))
    if count > 1:
        question += " · " + text("feedback.home_asked_times", count=count)
    meta = text(
        "feedback.home_meta",
        outcome=text(_OUTCOME_LABELS.get(row.outcome, "feedback.outcome_not_confident")),
        language=row.language or "?",
        asker="{asker}",
        date=row.created_at.date().isoformat(),
    )
    return f"{question}\n{meta.replace('{asker}', _asker(row.user_id))}"


def _asker(user_id: str) -> str:
    # The id comes from Slack, but rows outlive code: only a well-formed id becomes a mention.
    if _USER_ID.fullmatch(user_id):
        return f"<@{user_id}>"
    return escape(user_id)
