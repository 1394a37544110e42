"""Action ids: suffixed ids stay unique in a message and still match the listener patterns."""

from __future__ import annotations

import re

import pytest

from bot.ui import actions


@pytest.mark.parametrize(
    ("pattern", "base"),
    [
        (actions.OPEN_STEP_PATTERN, actions.OPEN_STEP),
        (actions.MARK_DONE_PATTERN, actions.MARK_DONE),
        (actions.MARK_UNDONE_PATTERN, actions.MARK_UNDONE),
        (actions.SHOW_OVERVIEW_PATTERN, actions.SHOW_OVERVIEW),
        (actions.SHOW_HELP_PATTERN, actions.SHOW_HELP),
        (actions.OPEN_KEY_MODAL_PATTERN, actions.OPEN_KEY_MODAL),
    ],
)
def test_patterns_match_plain_and_suffixed_ids(pattern: re.Pattern[str], base: str) -> None:
    assert pattern.match(base)
    assert pattern.match(actions.action_id(base, 3))
    assert not pattern.match(base + ":x")
    assert not pattern.match(base + "_more")
    assert not pattern.match("x" + base)


def test_patterns_do_not_overlap() -> None:
    assert not actions.MARK_DONE_PATTERN.match(actions.MARK_UNDONE)
    assert not actions.OPEN_STEP_PATTERN.match(actions.SHOW_OVERVIEW)


def test_action_id_suffix() -> None:
    assert actions.action_id(actions.OPEN_STEP) == "guide_open_step"
    assert actions.action_id(actions.OPEN_STEP, 7) == "guide_open_step:7"


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("3", 3),
        (" 7 ", 7),
        ("", None),
        (None, None),
        ("x", None),
        ("-1", None),
        ("٣", None),
        ("²", None),
        ("1234", None),
        ("1" * 5000, None),
    ],
)
def test_number_in_value_reads_only_plain_short_numbers(
    value: str | None, number: int | None
) -> None:
    assert actions.number_in_value(value, max_digits=3) == number
