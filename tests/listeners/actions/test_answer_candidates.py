"""An answer that is not sure offers its 2-3 best entries as buttons; one opens in place."""

from __future__ import annotations

from bot.guide.model import Entry
from bot.guide.search import default_index
from bot.ui import actions
from bot.ui.messages import text
from tests.support.blocks import all_text, buttons, find_button, response_blocks
from tests.support.running_app import RunningApp

VAGUE = "Does not work with OpenAI API key"  # several key entries fit; none stands out


def _entry(entry_id: str) -> Entry:
    return next(entry for entry in default_index().topics() if entry.id == entry_id)


def test_not_sure_offers_the_best_entries_not_the_whole_topic_list(app: RunningApp) -> None:
    answer = default_index().search(VAGUE)
    assert not answer.confident  # the premise: the engine has candidates but no clear winner

    response = app.command(VAGUE)
    assert response.status == 200
    blocks = response_blocks(response.body)
    offered = [b["value"] for b in buttons(blocks) if b["action_id"].startswith(actions.SHOW_ENTRY)]
    assert offered == [match.entry.id for match in answer.matches][:3]
    assert 2 <= len(offered) <= 3
    said = all_text(blocks)
    assert text("answer.one_of_these") in said
    assert _entry("phone-number-already-used").title not in said  # not the full list
    find_button(blocks, actions.SHOW_HELP)  # all topics stay one click away


def test_a_picked_entry_replaces_the_message_with_its_fix(app: RunningApp) -> None:
    assert app.action(actions.action_id(actions.SHOW_ENTRY, 2), "test-your-key").status == 200
    (call,) = app.slack.wait_for("response_url")
    assert call.params["replace_original"] is True
    said = all_text(call.blocks())
    assert _entry("test-your-key").title in said
    assert "Playground" in said  # the fix itself, not just the title


def test_an_unknown_entry_value_says_out_of_date(app: RunningApp) -> None:
    assert app.action(actions.SHOW_ENTRY, "no-such-entry").status == 200
    assert app.action(actions.SHOW_ENTRY, "<!channel>").status == 200
    for reply in app.slack.wait_for("response_url", 2):
        assert reply.params["text"] == text("errors.expired")
        assert reply.params["replace_original"] is False
