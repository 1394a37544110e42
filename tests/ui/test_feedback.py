"""Block Kit of the learning loop: the buttons, the thank-you line, the admins' section."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.guide.model import Answer, Entry, Match
from bot.guide.steps import default_steps
from bot.store.asked_questions import Asked, Figures, Outcome
from bot.ui import actions
from bot.ui.answers import render_answer
from bot.ui.feedback import acknowledged, unanswered_home_blocks
from bot.ui.messages import text
from tests.support.block_kit import Checker
from tests.support.blocks import all_text
from tests.support.planted import PLANTED, assert_planted_text_is_inert

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)
ENTRY = Entry(id="quota", title="429 insufficient_quota", cause="No credit.", fix="Add credit.")


def _asked(question: str, minutes_ago: int, user_id: str = "U0ALICE") -> Asked:
    return Asked(
        question=question,
        language="en",
        entry_ids=("quota",),
        scores=(0.4,),
        outcome=Outcome.NOT_CONFIDENT,
        user_id=user_id,
        created_at=NOW - timedelta(minutes=minutes_ago),
    )


def test_buttons_only_with_a_token_and_on_a_confident_answer(check_message: Checker) -> None:
    confident = Answer(query="429", matches=(Match(ENTRY, 0.9),), confident=True)
    with_token = render_answer(confident, default_steps(), feedback_token="t" * 22)
    check_message(with_token)
    (block,) = [b for b in with_token if b.get("block_id") == actions.FEEDBACK_BLOCK]
    assert [e["value"] for e in block["elements"]] == ["t" * 22] * 2
    assert with_token[:-1] == render_answer(confident, default_steps())

    unsure = Answer(query="429", matches=(Match(ENTRY, 0.2),), confident=False)
    blocks = render_answer(unsure, default_steps(), entries=[ENTRY], feedback_token="t" * 22)
    assert not [b for b in blocks if b.get("block_id") == actions.FEEDBACK_BLOCK]


def test_acknowledged_swaps_the_buttons_for_thanks() -> None:
    confident = Answer(query="429", matches=(Match(ENTRY, 0.9),), confident=True)
    blocks = render_answer(confident, default_steps(), feedback_token="t" * 22)
    thanked = acknowledged(blocks, fixed=True)
    assert len(thanked) == len(blocks)
    assert thanked[-1]["type"] == "context"
    assert text("feedback.thanks_fixed") in all_text(thanked[-1:])


def test_the_home_section_stays_within_limits_and_groups_alike_questions(
    check_view: Checker,
) -> None:
    many = [_asked(f"question number {n} " + "x" * 480, n) for n in range(200)]
    many.insert(0, _asked("QUESTION NUMBER 0 " + "x" * 480, 0, user_id="U0BOB"))
    blocks = unanswered_home_blocks(many, Figures({Outcome.NOT_CONFIDENT: 201}), 90)
    check_view(blocks)
    assert len(blocks) <= 10
    said = all_text(blocks)
    assert text("feedback.home_asked_times", count=2) in said  # case-folded alike
    assert text("feedback.home_more", count=195) in said
    assert "201 not answered" in said


def test_planted_text_in_a_question_is_inert_and_odd_ids_are_no_mention() -> None:
    rows = [_asked(PLANTED, 1), _asked("hello", 2, user_id="<!channel>")]
    blocks = unanswered_home_blocks(rows, Figures({}), 90)
    assert assert_planted_text_is_inert({"blocks": blocks}) == 1
    said = all_text(blocks)
    assert "<!channel>" not in said and "&lt;!channel&gt;" in said
    assert "<@U0ALICE>" in said


def test_an_empty_list_says_so() -> None:
    said = all_text(unanswered_home_blocks([], Figures({Outcome.FIXED: 3}), 30))
    assert text("feedback.home_empty") in said and "3 “That fixed it”" in said
