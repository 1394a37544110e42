"""Troubleshooting answers, the topic list and the leaked-key warning."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.guide.model import Answer, Entry, Link, Match, Step
from bot.guide.steps import default_steps
from bot.ui import actions
from bot.ui.answers import (
    fallback_text,
    render_answer,
    render_help,
    render_key_in_text_warning,
)
from tests.support.block_kit import Checker, all_strings, interactive_elements

Render = Callable[[Any], str]
PINGS = ("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<#C123>")

QUOTA = Entry(
    id="insufficient_quota",
    title="429 insufficient_quota",
    cause="Your account has no prepaid credit left.",
    fix="Add at least US$5 under Billing → Payments.",
    step=5,
    codes=("insufficient_quota",),
    links=(Link("Billing", "https://platform.openai.com/settings/organization/billing/overview"),),
)
PHONE = Entry(
    id="phone",
    title="Unable to verify phone",
    cause="VOIP numbers are refused.",
    fix="Use a regular mobile number.",
    step=3,
)
OTHER = Entry(id="other", title="Something with no step", cause="Because.", fix="Do this.")


def _entry(number: int, *, title: str | None = None, step: int | None = None) -> Entry:
    return Entry(
        id=f"entry-{number}",
        title=title or f"Fake topic number {number} about keys & <billing>",
        cause="cause",
        fix="fix",
        step=step,
    )


def _confident(*entries: Entry, query: str = "why 429?") -> Answer:
    matches = tuple(Match(entry, 1.0 - index / 10) for index, entry in enumerate(entries))
    return Answer(query=query, matches=matches, confident=True)


def test_confident_answer_shows_cause_fix_and_the_step(
    steps: tuple[Step, ...], check_message: Checker, rendered_text: Render
) -> None:
    blocks = render_answer(_confident(QUOTA), steps)
    check_message(blocks)
    said = rendered_text(blocks)
    assert "*429 insufficient_quota*" in said
    assert QUOTA.cause in said and QUOTA.fix in said
    assert "Fixed in step 5: Add at least US$5 of credit" in said
    assert "<https://platform.openai.com/settings/organization/billing/overview|Billing>" in said
    assert "You asked: why 429?" in said
    [open_step] = list(interactive_elements(blocks))
    assert actions.OPEN_STEP_PATTERN.match(open_step["action_id"])
    assert open_step["value"] == "5"


def test_a_fix_written_as_bullets_starts_on_its_own_line(
    steps: tuple[Step, ...], check_message: Checker, rendered_text: Render
) -> None:
    bullets = Entry(id="b", title="Bullets", cause="Why.", fix="• First step.\n• Second step.")
    blocks = render_answer(_confident(bullets, QUOTA), steps)
    check_message(blocks)
    said = rendered_text(blocks)
    assert "*Fix:*\n• First step.\n• Second step." in said
    assert "*Fix:* Add at least US$5" in said  # a one-sentence fix stays on the label's line


def test_at_most_three_matches_with_unique_buttons(
    steps: tuple[Step, ...], check_message: Checker, rendered_text: Render
) -> None:
    same_step = [_entry(n, title=f"Topic {n}", step=5) for n in range(5)]
    blocks = render_answer(_confident(*same_step), steps)
    check_message(blocks)
    said = rendered_text(blocks)
    assert all(f"Topic {n}" in said for n in range(3))
    assert "Topic 3" not in said
    assert [b["value"] for b in interactive_elements(blocks)] == ["5", "5", "5"]


def test_entries_without_a_known_step_get_no_button(
    steps: tuple[Step, ...], check_message: Checker
) -> None:
    lost = Entry(id="lost", title="Lost", cause="c", fix="f", step=42)
    blocks = render_answer(_confident(OTHER, lost), steps)
    check_message(blocks)
    assert list(interactive_elements(blocks)) == []


def test_huge_query_is_escaped_and_cut(steps: tuple[Step, ...], check_message: Checker) -> None:
    query = "<!channel> please help & " * 5000
    blocks = render_answer(_confident(QUOTA, query=query), steps)
    check_message(blocks)
    echo = blocks[0]["elements"][0]["text"]
    assert echo.startswith("You asked: &lt;!channel&gt; please help &amp;")
    assert "<" not in echo
    assert len(echo) < 400


def test_huge_entry_texts_stay_within_limits(
    steps: tuple[Step, ...], check_message: Checker
) -> None:
    huge = Entry(
        id="huge",
        title="T" * 5000,
        cause="c " * 5000,
        fix="f " * 5000,
        step=4,
        links=tuple(Link("x" * 500, f"https://example.test/{n}") for n in range(30)),
    )
    check_message(render_answer(_confident(huge, huge, huge), steps))


def test_matched_codes_are_shown_escaped(steps: tuple[Step, ...], rendered_text: Render) -> None:
    answer = Answer(
        query="error",
        matches=(Match(QUOTA, 1.0, "code"),),
        confident=True,
        matched_codes=("insufficient_quota", "<!here>"),
    )
    said = rendered_text(render_answer(answer, steps))
    assert "insufficient_quota" in said
    assert "<!here>" not in said


@pytest.mark.parametrize(
    "answer",
    [
        Answer(query="what is the meaning of life"),
        Answer(query="hm", matches=(Match(PHONE, 0.1),), confident=False),
        Answer(query="no matches but confident", confident=True),
    ],
)
def test_not_sure_answer_is_honest_and_lists_topics(
    answer: Answer, steps: tuple[Step, ...], check_message: Checker, rendered_text: Render
) -> None:
    blocks = render_answer(answer, steps, entries=[QUOTA, PHONE, OTHER])
    check_message(blocks)
    said = rendered_text(blocks)
    assert "not sure" in said
    for entry in (QUOTA, PHONE, OTHER):
        assert entry.title in said
    assert PHONE.fix not in said  # no guessing
    ids = [element["action_id"] for element in interactive_elements(blocks)]
    assert ids == [actions.SHOW_HELP, actions.SHOW_OVERVIEW]


def test_not_sure_without_entries_points_to_help(
    steps: tuple[Step, ...], check_message: Checker, rendered_text: Render
) -> None:
    blocks = render_answer(Answer(query="???"), steps)
    check_message(blocks)
    assert "/openai-setup help" in rendered_text(blocks)


def test_help_groups_topics_by_step(
    steps: tuple[Step, ...], check_message: Checker, rendered_text: Render
) -> None:
    blocks = render_help([OTHER, QUOTA, PHONE], steps=steps)
    check_message(blocks)
    said = rendered_text(blocks)
    assert said.index("Step 3") < said.index(PHONE.title) < said.index("Step 5")
    assert said.index(QUOTA.title) < said.index("*Other*") < said.index(OTHER.title)
    assert "/openai-setup 429 insufficient_quota" in said


def test_help_without_steps_is_a_flat_list(check_message: Checker, rendered_text: Render) -> None:
    blocks = render_help([QUOTA, PHONE])
    check_message(blocks)
    assert f"• {QUOTA.title}\n• {PHONE.title}" in rendered_text(blocks)


def test_help_with_no_topics(check_message: Checker, rendered_text: Render) -> None:
    blocks = render_help([])
    check_message(blocks)
    assert "No troubleshooting topics" in rendered_text(blocks)


@pytest.mark.parametrize("with_steps", [False, True])
@pytest.mark.parametrize("title_length", [20, 140, 1000])
def test_help_with_many_entries_stays_within_limits(
    with_steps: bool, title_length: int, check_message: Checker, rendered_text: Render
) -> None:
    entries = [
        _entry(n, title=f"{n:03d} " + "t" * title_length, step=n % 9 or None) for n in range(200)
    ]
    blocks = render_help(entries, steps=default_steps() if with_steps else ())
    check_message(blocks)
    said = rendered_text(blocks)
    listed = sum(1 for n in range(200) if f"{n:03d} " in said)
    if listed < 200:
        assert f"and {200 - listed} more topics" in said
    assert "<billing>" not in said


def test_not_sure_with_many_entries_stays_within_limits(
    steps: tuple[Step, ...], check_message: Checker
) -> None:
    entries = [_entry(n, title="x" * 300) for n in range(200)]
    check_message(render_answer(Answer(query="?" * 10_000), steps, entries=entries))


def test_key_warning_says_revoke_and_use_the_dialog(
    check_message: Checker, rendered_text: Render
) -> None:
    blocks = render_key_in_text_warning()
    check_message(blocks)
    said = rendered_text(blocks)
    assert "<https://platform.openai.com/api-keys|" in said
    assert "leaked" in said and "Revoke" in said and "new key" in said
    assert "delete that message" in said
    assert "`/openai-setup key`" in said
    assert "sk-" not in said


def test_fallback_text_is_short_plain_text(steps: tuple[Step, ...]) -> None:
    answer = fallback_text(render_answer(_confident(QUOTA), steps))
    assert answer.startswith("429 insufficient_quota Why: Your account")
    assert "*" not in answer
    assert len(answer) <= 300
    assert fallback_text(render_help([QUOTA])) == "Troubleshooting topics"
    warning = fallback_text(render_key_in_text_warning())
    assert warning.startswith("That looked like an OpenAI API key.")
    assert fallback_text(render_help([QUOTA])[1:]).startswith("Here's what I can help with")
    assert fallback_text([{"type": "divider"}]) == "OpenAI setup"
    assert fallback_text([]) == "OpenAI setup"


def test_fallback_text_turns_links_into_labels() -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "See <https://x.test|this>"}}]
    assert fallback_text(blocks) == "See this"


@settings(max_examples=60, deadline=None)
@given(
    query=st.text(),
    title=st.text(min_size=1).map(lambda s: s + "<!channel>"),
    codes=st.lists(st.text(), max_size=3),
    confident=st.booleans(),
)
def test_nothing_user_provided_can_ping(
    query: str, title: str, codes: list[str], confident: bool
) -> None:
    entry = Entry(id="x", title=title, cause=query, fix=query, step=5)
    answer = Answer(
        query=query, matches=(Match(entry, 1.0),), confident=confident, matched_codes=tuple(codes)
    )
    blocks = render_answer(answer, default_steps(), entries=[entry])
    joined = "\n".join(all_strings(blocks))
    for ping in PINGS:
        assert ping not in joined
    assert not any(marker in joined for marker in ("<!", "<@", "<#"))
