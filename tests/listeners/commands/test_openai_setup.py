"""``/openai-setup`` through signed HTTP requests into the running app."""

from __future__ import annotations

import json

import pytest

from bot.guide.steps import default_steps
from bot.ui import actions
from tests.support.blocks import all_text, button_ids, find_button, response_blocks
from tests.support.running_app import RunningApp

STEPS = default_steps()


def test_overview_lists_every_step_privately(app: RunningApp) -> None:
    response = app.command("")
    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    text = all_text(body["blocks"])
    for step in STEPS:
        assert step.title in text
        find_button(body["blocks"], actions.OPEN_STEP, str(step.number))
    assert "0 of 7" in text


def test_overview_shows_progress_after_marking_done(app: RunningApp) -> None:
    app.services.progress.mark_done(_alice(app), 1)
    app.services.progress.mark_done(_alice(app), 2)
    text = all_text(app.command("").json()["blocks"])
    assert "2 of 7" in text


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1", 1),
        ("prereqs", 1),
        ("signup", 2),
        ("phone", 3),
        ("4", 4),
        ("credit", 5),
        ("billing", 5),
        ("test", 6),
        ("next", 7),
        ("step 3", 3),
        ("Playground", 6),
    ],
)
def test_step_by_number_or_name(app: RunningApp, text: str, number: int) -> None:
    blocks = response_blocks(app.command(text).body)
    step = STEPS[number - 1]
    assert step.title in all_text(blocks)
    ids = button_ids(blocks)
    assert any(i.startswith(actions.MARK_DONE) for i in ids)
    if number > 1:
        find_button(blocks, actions.OPEN_STEP, str(number - 1))
    if number < 7:
        find_button(blocks, actions.OPEN_STEP, str(number + 1))


def test_every_link_of_a_step_is_shown(app: RunningApp) -> None:
    for step in STEPS:
        text = all_text(response_blocks(app.command(str(step.number)).body))
        for link in step.links:
            assert link.url in text


def test_help_lists_topics(app: RunningApp) -> None:
    text = all_text(response_blocks(app.command("help").body))
    for entry in app.services.troubleshooting.topics()[:5]:
        assert entry.title in text


@pytest.mark.parametrize(
    ("question", "entry_fragment"),
    [
        ("invalid_request_error: Billing hard limit reached", "billing-hard-limit"),
        ("Unable to verify phone", "phone"),
        ("my key leaked publicly on github", "leak"),
    ],
)
def test_guide_troubleshooting_rows(app: RunningApp, question: str, entry_fragment: str) -> None:
    answer = app.services.troubleshooting.search(question)
    assert answer.confident
    assert entry_fragment in answer.matches[0].entry.id
    blocks = response_blocks(app.command(question).body)
    text = all_text(blocks)
    assert answer.matches[0].entry.title in text
    step = answer.matches[0].entry.step
    if step is not None:
        find_button(blocks, actions.OPEN_STEP, str(step))


def test_pasted_error_body_matches_by_code(app: RunningApp) -> None:
    body = json.dumps(
        {
            "error": {
                "message": "You exceeded your current quota, please check...",
                "type": "insufficient_quota",
                "param": None,
                "code": "insufficient_quota",
            }
        }
    )
    answer = app.services.troubleshooting.search(body)
    assert answer.matches[0].reason == "code"
    text = all_text(response_blocks(app.command(body).body))
    assert answer.matches[0].entry.title in text


def test_out_of_scope_question_is_answered_honestly(app: RunningApp) -> None:
    answer = app.services.troubleshooting.search("what is a good recipe for banana bread")
    assert not answer.confident
    blocks = response_blocks(app.command("what is a good recipe for banana bread").body)
    text = all_text(blocks)
    topics = app.services.troubleshooting.topics()
    assert sum(entry.title in text for entry in topics) >= 5


def test_echoed_text_cannot_ping_anyone(app: RunningApp) -> None:
    response = app.command("<!channel> <@U0BOSS> & <!here> billing hard limit reached")
    raw = response.text
    for dangerous in ("<!channel>", "<@U0BOSS>", "<!here>"):
        assert dangerous not in raw
    assert response.json()["response_type"] == "ephemeral"


def test_api_key_typed_as_command_is_not_echoed(app: RunningApp) -> None:
    key = "sk-proj-" + "Abc123_-" * 6
    for text in (key, f"key {key}", f"here is our key: {key} thanks"):
        response = app.command(text)
        assert response.status == 200
        assert key not in response.text
        assert key[-12:] not in response.text
        assert "revoke" in response.text.lower()
    assert key not in app.slack.all_text()


def test_block_kit_limits_hold_for_a_huge_question(app: RunningApp) -> None:
    blocks = response_blocks(app.command("rate limit " * 500).body)
    assert len(blocks) <= 50
    for block in blocks:
        if block.get("type") == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000


def _alice(app: RunningApp):  # type: ignore[no-untyped-def]
    from bot.identity import Person

    return Person(enterprise_id="", team_id="T0001", user_id="U0ALICE")
