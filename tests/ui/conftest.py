"""Fixtures for the UI tests: the packaged steps and Block Kit checkers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.guide.model import Step
from bot.guide.steps import default_steps
from tests.support.block_kit import Blocks, Checker, all_strings, block_kit_problems


@pytest.fixture
def check_message() -> Checker:
    """Assert that blocks are a valid message (at most 50 blocks)."""

    def check(blocks: Blocks) -> None:
        assert block_kit_problems(blocks) == []

    return check


@pytest.fixture
def check_view() -> Checker:
    """Assert that blocks fit a modal or the App Home (at most 100 blocks)."""

    def check(blocks: Blocks) -> None:
        assert block_kit_problems(blocks, max_blocks=100) == []

    return check


@pytest.fixture
def steps() -> tuple[Step, ...]:
    return default_steps()


@pytest.fixture
def rendered_text() -> Callable[[Any], str]:
    """All strings of rendered blocks joined, for "does it say X" checks."""
    return lambda blocks: "\n".join(all_strings(blocks))
