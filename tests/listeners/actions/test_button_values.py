"""Button values come back from Slack as drawn, but a forged request may carry anything:
odd values get the friendly "out of date" or "not found" answer, never a crash."""

from __future__ import annotations

import pytest

from bot.ui import actions
from bot.ui.messages import text
from tests.support.blocks import all_text
from tests.support.running_app import RunningApp

ODD_VALUES = [
    "²",  # str.isdigit() says yes, int() says no
    "٣",  # an Arabic-Indic three: a digit to Python, not a step number
    "1" * 5000,  # int() refuses over 4,300 digits, and is slow before that
    "-1",
    "1.0",
    "",
    "0x1",
    "99999999999999999999",
]


@pytest.mark.parametrize("value", ODD_VALUES)
@pytest.mark.parametrize("action_id", [actions.OPEN_STEP, actions.MARK_DONE, actions.MARK_UNDONE])
def test_guide_buttons_with_odd_values_say_out_of_date(
    app: RunningApp, action_id: str, value: str
) -> None:
    response = app.action(action_id, value)
    assert response.status == 200
    (reply,) = app.slack.wait_for("response_url")
    assert reply.params["text"] == text("errors.expired")
    assert app.services.progress.completed_steps(_person()) == frozenset()


@pytest.mark.parametrize("value", ODD_VALUES)
@pytest.mark.parametrize("action_id", [actions.KEYS_TEST, actions.KEYS_REVOKE])
def test_key_buttons_with_odd_values_say_not_found(
    app: RunningApp, action_id: str, value: str
) -> None:
    response = app.action(action_id, value)
    assert response.status == 200
    (reply,) = app.slack.wait_for("response_url")
    assert text("key_result.not_found").split(".")[0] in all_text(reply.blocks())


@pytest.mark.parametrize("value", ["²", "1" * 5000])
def test_replace_with_an_odd_value_opens_an_empty_dialog(app: RunningApp, value: str) -> None:
    assert app.action(actions.KEYS_REPLACE, value).status == 200
    (opened,) = app.slack.wait_for("views.open")
    assert opened.view()["callback_id"] == "api_key_modal"


def _person():  # type: ignore[no-untyped-def]
    from bot.identity import Person

    return Person("", "T0001", "U0ALICE")


@pytest.mark.parametrize(
    "value", ["prod\u202egnp.exe", "sk-proj-" + "Ab1" * 20, "x" * 5000, "nul\x00byte"]
)
def test_a_forged_project_name_on_submit_opens_the_dialog_without_it(
    app: RunningApp, value: str
) -> None:
    assert app.action(actions.OPEN_KEY_MODAL, value).status == 200
    (opened,) = app.slack.wait_for("views.open")
    assert value not in opened.text_content()
    project_input = next(
        block["element"] for block in opened.view()["blocks"] if block.get("block_id") == "project"
    )
    assert not project_input.get("initial_value")


def test_a_project_name_on_submit_is_filled_in(app: RunningApp) -> None:
    app.action(actions.OPEN_KEY_MODAL, "Prod  API")
    (opened,) = app.slack.wait_for("views.open")
    assert "Prod API" in opened.text_content()
