"""Next / Back / Overview / Mark done buttons, on a message and on App Home."""

from __future__ import annotations

from bot.guide.steps import default_steps
from bot.identity import Person
from bot.ui import actions
from bot.ui.messages import text
from tests.support.blocks import all_text, find_button
from tests.support.running_app import RunningApp

STEPS = default_steps()
ALICE = Person(enterprise_id="", team_id="T0001", user_id="U0ALICE")


def test_next_replaces_the_message_in_place(app: RunningApp) -> None:
    response = app.action(actions.OPEN_STEP, "3")
    assert response.status == 200
    (call,) = app.slack.wait_for("response_url")
    assert call.params["replace_original"] is True
    assert call.params.get("response_type", "ephemeral") == "ephemeral"
    text = all_text(call.blocks())
    assert STEPS[2].title in text
    find_button(call.blocks(), actions.OPEN_STEP, "2")
    find_button(call.blocks(), actions.OPEN_STEP, "4")


def test_last_and_first_steps_have_no_dangling_buttons(app: RunningApp) -> None:
    app.action(actions.OPEN_STEP, "7")
    (call,) = app.slack.wait_for("response_url")
    values = [b.get("value") for b in _buttons(call.blocks(), actions.OPEN_STEP)]
    assert "8" not in values and "6" in values
    app.action(actions.OPEN_STEP, "1")
    calls = app.slack.wait_for("response_url", 2)
    values = [b.get("value") for b in _buttons(calls[1].blocks(), actions.OPEN_STEP)]
    assert "0" not in values and "2" in values


def test_unknown_step_value_says_out_of_date_and_changes_nothing(app: RunningApp) -> None:
    assert app.action(actions.OPEN_STEP, "99").status == 200
    assert app.action(actions.OPEN_STEP, "<!channel>").status == 200
    replies = app.slack.wait_for("response_url", 2)
    for reply in replies:
        assert reply.params["text"] == text("errors.expired")
        assert reply.params["replace_original"] is False
    assert not app.slack.calls_to("views.publish")


def test_mark_done_is_stored_redrawn_and_home_republished(app: RunningApp) -> None:
    app.action(actions.MARK_DONE, "4")
    (call,) = app.slack.wait_for("response_url")
    find_button(call.blocks(), actions.MARK_UNDONE, "4")
    assert app.services.progress.completed_steps(ALICE) == {4}
    (home,) = app.slack.wait_for("views.publish")
    assert home.params["user_id"] == "U0ALICE"
    assert "1 of 7" in all_text(home.view()["blocks"])

    app.action(actions.MARK_UNDONE, "4")
    app.slack.wait_for("views.publish", 2)
    assert app.services.progress.completed_steps(ALICE) == frozenset()


def test_mark_done_twice_is_harmless(app: RunningApp) -> None:
    app.action(actions.MARK_DONE, "2")
    app.action(actions.MARK_DONE, "2")
    app.slack.wait_for("views.publish", 2)
    assert app.services.progress.completed_steps(ALICE) == {2}


def test_progress_is_per_person(app: RunningApp) -> None:
    app.action(actions.MARK_DONE, "1", user_id="U0BOB")
    app.slack.wait_for("views.publish")
    assert app.services.progress.completed_steps(ALICE) == frozenset()
    bob = Person(enterprise_id="", team_id="T0001", user_id="U0BOB")
    assert app.services.progress.completed_steps(bob) == {1}


def test_overview_button(app: RunningApp) -> None:
    app.action(actions.SHOW_OVERVIEW, "")
    (call,) = app.slack.wait_for("response_url")
    text = all_text(call.blocks())
    assert all(step.title in text for step in STEPS)


def test_buttons_on_home_republish_home_with_the_step(app: RunningApp) -> None:
    app.action(actions.OPEN_STEP, "5", container="view")
    (home,) = app.slack.wait_for("views.publish")
    view = home.view()
    assert view["type"] == "home"
    assert STEPS[4].title in all_text(view["blocks"])
    assert len(view["blocks"]) <= 100
    assert not app.slack.calls_to("response_url")

    app.action(actions.MARK_DONE, "5", container="view")
    homes = app.slack.wait_for("views.publish", 2)
    find_button(homes[1].view()["blocks"], actions.MARK_UNDONE, "5")


def _buttons(blocks, prefix):  # type: ignore[no-untyped-def]
    from tests.support.blocks import buttons

    return [b for b in buttons(blocks) if str(b.get("action_id", "")).startswith(prefix)]
