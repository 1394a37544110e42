"""The overview, the step views and the App Home: content of the guide, buttons, limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.guide.model import Step
from bot.ui import actions
from bot.ui.blocks import context
from bot.ui.guide import render_home, render_overview, render_step
from tests.support.block_kit import Checker, interactive_elements

Blocks = list[dict[str, Any]]
Render = Callable[[Any], str]

# Every instruction and warning of shared/guide/openai-api-key.md, by a phrase that carries it.
GUIDE_PHRASES = [
    # 1. prerequisites
    "email address", "mobile phone", "payment method", "OpenAI account",
    # 2. sign in or sign up
    "platform.openai.com", "Log in", "Sign up", "verify your email address",
    # 3. phone
    "Add a phone number", "VOIP", "6-digit", "SMS", "API keys",
    # 4. key
    "Developers", "Create new secret key", "personal-backend", "saas-prod",
    "Default project (personal use)", "Service account / team project", "CI/CD",
    "Create secret key", "Copy the key", "only time", "password manager", "secret vault",
    "OPENAI_API_KEY=sk-", "hard-code", "share it publicly",
    # 5. credit
    "Billing → Payments", "Add payment method", "Add credit", "$5", "Add funds",
    "usage quota", "Must add funds first", "US$5",
    # 6. Playground
    "Playground", "Organization", "Project", "Say hello", "Submit",
    # 7. next steps
    "process.env.OPENAI_API_KEY", 'os.environ["OPENAI_API_KEY"]', "Rotate", "revok",
    "API keys → ⋯ → Delete", "Usage → Daily cost",
    # troubleshooting rows tied to a step
    "Billing → Usage limits", "hard limit", "regular mobile number", "limited number of accounts",
    "revoke it immediately",
]  # fmt: skip

GUIDE_LINKS = [
    "https://platform.openai.com",
    "https://platform.openai.com/signup",
    "https://platform.openai.com/login",
    "https://platform.openai.com/api-keys",
    "https://platform.openai.com/settings/organization/billing/overview",
    "https://platform.openai.com/settings/organization/limits",
    "https://platform.openai.com/playground",
    "https://platform.openai.com/usage",
    "https://platform.openai.com/docs/quickstart",
    "https://youtube.com/shorts/E6JFbrqUX9c",
]


def _ids(blocks: Blocks) -> list[str]:
    return [element["action_id"] for element in interactive_elements(blocks)]


def _buttons(blocks: Blocks, base: str) -> list[dict[str, Any]]:
    """The buttons whose action_id is ``base`` or ``base:<n>``."""
    return [
        element
        for element in interactive_elements(blocks)
        if element["action_id"].split(":")[0] == base
    ]


def _button(blocks: Blocks, base: str) -> dict[str, Any] | None:
    found = _buttons(blocks, base)
    return found[0] if found else None


def _all_steps_text(steps: tuple[Step, ...], rendered_text: Render) -> str:
    return "\n".join(rendered_text(render_step(step, steps, done=False)) for step in steps)


@pytest.mark.parametrize("phrase", GUIDE_PHRASES)
def test_every_instruction_of_the_guide_is_in_a_step(
    phrase: str, steps: tuple[Step, ...], rendered_text: Render
) -> None:
    assert phrase.casefold() in _all_steps_text(steps, rendered_text).casefold()


@pytest.mark.parametrize("url", GUIDE_LINKS)
def test_steps_link_to_the_real_pages(
    url: str, steps: tuple[Step, ...], rendered_text: Render
) -> None:
    assert f"<{url}|" in _all_steps_text(steps, rendered_text)


def test_overview_lists_every_step_with_an_open_button(
    steps: tuple[Step, ...], check_message: Checker, rendered_text: Render
) -> None:
    blocks = render_overview(steps, frozenset({1, 2, 3}))
    check_message(blocks)
    open_buttons = [
        b for b in interactive_elements(blocks) if b["action_id"].startswith("guide_open")
    ]
    assert [b["value"] for b in open_buttons] == [str(n) for n in range(1, 8)]
    assert all(actions.OPEN_STEP_PATTERN.match(b["action_id"]) for b in open_buttons)
    said = rendered_text(blocks)
    assert "3 of 7 steps done" in said
    assert said.count(":white_check_mark:") == 3
    assert said.count(":white_large_square:") == 4
    for step in steps:
        assert step.title in said and step.summary in said
    assert "/openai-setup &lt;your question or error message&gt;" in said
    assert "/openai-setup help" in said and "DM" in said and "mention" in said


def test_overview_offers_the_key_dialog(steps: tuple[Step, ...]) -> None:
    assert _button(render_overview(steps, frozenset()), actions.OPEN_KEY_MODAL) is not None


def test_overview_celebrates_when_everything_is_done(
    steps: tuple[Step, ...], rendered_text: Render
) -> None:
    said = rendered_text(render_overview(steps, frozenset(range(1, 8))))
    assert "All 7 steps done" in said


def test_overview_ignores_unknown_step_numbers(
    steps: tuple[Step, ...], rendered_text: Render
) -> None:
    said = rendered_text(render_overview(steps, frozenset({2, 99})))
    assert "1 of 7 steps done" in said


@pytest.mark.parametrize("done", [False, True])
@pytest.mark.parametrize("number", range(1, 8))
def test_every_step_view_is_valid(
    number: int, done: bool, steps: tuple[Step, ...], check_message: Checker
) -> None:
    check_message(render_step(steps[number - 1], steps, done=done))


def test_step_view_shows_header_warnings_and_links(
    steps: tuple[Step, ...], rendered_text: Render
) -> None:
    blocks = render_step(steps[4], steps, done=False)
    assert blocks[0] == {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": "Step 5 of 7 · Add at least US$5 of credit",
            "emoji": True,
        },
    }
    said = rendered_text(blocks)
    assert said.count(":warning:") == len(steps[4].warnings)
    assert "<https://platform.openai.com/settings/organization/billing/overview|Billing>" in said


def test_step_navigation_buttons(steps: tuple[Step, ...]) -> None:
    first = render_step(steps[0], steps, done=False)
    middle = render_step(steps[2], steps, done=True)
    last = render_step(steps[6], steps, done=False)

    assert [b["value"] for b in interactive_elements(first) if "open_step" in b["action_id"]] == [
        "2"
    ]
    assert [b["value"] for b in interactive_elements(last) if "open_step" in b["action_id"]] == [
        "6"
    ]
    navigation = [b for b in interactive_elements(middle) if "open_step" in b["action_id"]]
    assert [(b["text"]["text"], b["value"]) for b in navigation] == [
        ("← Back", "2"),
        ("Next →", "4"),
    ]
    assert navigation[1]["style"] == "primary"

    assert _button(first, actions.MARK_DONE) is not None
    assert _button(first, actions.MARK_UNDONE) is None
    undone = _button(middle, actions.MARK_UNDONE)
    assert undone is not None and undone["value"] == "3"
    assert _button(middle, actions.MARK_DONE) is None
    assert all(_button(view, actions.SHOW_OVERVIEW) for view in (first, middle, last))


def test_only_the_key_step_offers_the_key_dialog(
    steps: tuple[Step, ...], rendered_text: Render
) -> None:
    for step in steps:
        blocks = render_step(step, steps, done=False)
        assert (_button(blocks, actions.OPEN_KEY_MODAL) is not None) == (step.number == 4)


def test_home_is_a_valid_view_with_the_checklist(
    steps: tuple[Step, ...], check_view: Checker, rendered_text: Render
) -> None:
    view = render_home(steps, frozenset({1}))
    assert view["type"] == "home"
    check_view(view["blocks"])
    assert len([i for i in _ids(view["blocks"]) if i.startswith("guide_open_step")]) == 7
    assert "1 of 7 steps done" in rendered_text(view)
    assert "/openai-setup help" in rendered_text(view)


def test_home_appends_extra_blocks_and_cuts_them_at_the_view_limit(
    steps: tuple[Step, ...], check_view: Checker, rendered_text: Render
) -> None:
    few = render_home(steps, frozenset(), extra_blocks=[context("Team keys")])
    assert few["blocks"][-1] == context("Team keys")

    many = [context(f"project {n}") for n in range(300)]
    view = render_home(steps, frozenset(), extra_blocks=many)
    check_view(view["blocks"])
    assert len(view["blocks"]) == 100
    assert "more items are not shown" in rendered_text(view["blocks"][-1])
