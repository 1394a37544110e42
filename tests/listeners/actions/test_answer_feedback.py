""" "That fixed it" / "Not it" under troubleshooting answers, through signed requests.

Every surface that answers a question (slash command, DM, mention) puts the buttons under a
confident answer; a click is counted and thanked in place; questions without a good answer
are kept, redacted, for admins.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.identity import Workspace
from bot.store.asked_questions import Outcome
from bot.store.models import AskedQuestion
from bot.ui import actions
from bot.ui.messages import text
from tests.support import payloads
from tests.support.block_kit import block_kit_problems
from tests.support.blocks import all_text, buttons, response_blocks
from tests.support.leaks import assert_nowhere, debug_logs, eventually
from tests.support.running_app import RunningApp

CONFIDENT = "429 insufficient_quota"
VAGUE = "Does not work with OpenAI API key"  # candidates, but no clear winner
OFF_TOPIC = "how do I bake sourdough bread"
# Past the key check on purpose (not key-shaped: no upper case, no digit), yet secret-shaped
# for the redaction net; a Slack token beside it.
FRAGMENT = "sk-proj-abcdefghijklmnopqrstuvwxyz"
SLACK_TOKEN = "xoxb-123456-abcdefghij"
PLANTED = f"I get 429 insufficient_quota with key {FRAGMENT} and token {SLACK_TOKEN}"
REAL_KEY = "sk-proj-" + "A1b_C2d-E3f_G4h-J5k_L6m-N7p_Q8r" * 2 + "T3BlbkFJ" + "Xq7Lm2Pz9Rt4"


def _rows(app: RunningApp) -> list[AskedQuestion]:
    with app.database.session() as session:
        return list(session.scalars(select(AskedQuestion).order_by(AskedQuestion.id)))


def _feedback_buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    (block,) = [b for b in blocks if b.get("block_id") == actions.FEEDBACK_BLOCK]
    return list(block["elements"])


def _token(blocks: list[dict[str, Any]]) -> str:
    fixed, not_it = _feedback_buttons(blocks)
    assert fixed["action_id"] == actions.ANSWER_FIXED
    assert not_it["action_id"] == actions.ANSWER_NOT_IT
    assert fixed["value"] == not_it["value"]
    return str(fixed["value"])


def test_a_confident_answer_carries_the_buttons_with_an_opaque_value(app: RunningApp) -> None:
    blocks = response_blocks(app.command(CONFIDENT).body)

    token = _token(blocks)
    assert "429" not in token and "quota" not in token and len(token) <= 32
    assert block_kit_problems(blocks) == []
    said = all_text(_feedback_buttons(blocks))
    assert text("feedback.fixed_button") in said and text("feedback.not_it_button") in said
    (row,) = _rows(app)
    assert (row.token, row.user_id, row.outcome) == (token, "U0ALICE", "answered")
    assert row.entry_ids.split(",")[0] == "insufficient-quota"


def test_dm_and_mention_answers_carry_the_buttons(app: RunningApp) -> None:
    app.event(payloads.message_im(CONFIDENT, user_id="U0ALICE"))
    app.event(payloads.app_mention(f"<@UBOT0001> {CONFIDENT}", user_id="U0BOB"))

    posts = app.slack.wait_for("chat.postMessage", 2)
    tokens = {_token(call.blocks()) for call in posts}
    assert len(tokens) == 2
    assert {row.user_id for row in _rows(app)} == {"U0ALICE", "U0BOB"}
    for call in posts:
        assert block_kit_problems(call.blocks()) == []


def test_no_buttons_when_unsure_or_off_topic_but_the_question_is_kept(app: RunningApp) -> None:
    for question in (VAGUE, OFF_TOPIC):
        blocks = response_blocks(app.command(question).body)
        assert not [b for b in blocks if b.get("block_id") == actions.FEEDBACK_BLOCK]
        assert not [b for b in buttons(blocks) if b["action_id"].startswith("answer_")]

    unsure, off_topic = _rows(app)
    assert (unsure.question, unsure.outcome) == (VAGUE, "not_confident")
    assert unsure.entry_ids.count(",") >= 1 and unsure.scores
    assert (off_topic.question, off_topic.outcome) == (OFF_TOPIC, "out_of_scope")
    assert off_topic.language == "en"
    listed = app.services.questions.unanswered()
    assert [row.question for row in listed] == [OFF_TOPIC, VAGUE]  # newest first


def test_not_it_keeps_the_question_redacted_and_thanks_in_place(app: RunningApp) -> None:
    with debug_logs() as logs:
        response = app.command(PLANTED)
        token = _token(response_blocks(response.body))
        assert app.action(actions.ANSWER_NOT_IT, token).status == 200
        (reply,) = app.slack.wait_for("response_url")
        (row,) = eventually(lambda: _rows(app), lambda rows: rows[0].outcome == "not_it")

    assert row.outcome == "not_it"
    assert "insufficient_quota" in row.question and "[REDACTED]" in row.question
    assert reply.params["replace_original"] is True
    redrawn = reply.blocks()
    assert text("feedback.thanks_not_it").split(".")[0] in all_text(redrawn)
    assert not [b for b in redrawn if b.get("block_id") == actions.FEEDBACK_BLOCK]
    assert "insufficient" in all_text(redrawn).lower()  # the answer itself stays readable
    assert block_kit_problems(redrawn) == []
    for secret in (FRAGMENT, FRAGMENT[8:], SLACK_TOKEN):
        assert secret not in response.text
    assert_nowhere(app, logs, FRAGMENT, FRAGMENT[8:], SLACK_TOKEN)
    assert [asked.question for asked in app.services.questions.unanswered()] == [row.question]


def test_a_real_key_in_a_question_is_refused_and_never_kept(app: RunningApp) -> None:
    with debug_logs() as logs:
        blocks = response_blocks(app.command(f"{CONFIDENT} {REAL_KEY}").body)
        app.event(payloads.message_im(f"why {REAL_KEY} fails", user_id="U0ALICE"))
        app.slack.wait_for("chat.postMessage")
    assert text("key_warning.handover") in all_text(blocks)
    assert _rows(app) == []
    assert_nowhere(app, logs, REAL_KEY, REAL_KEY[8:])


def test_that_fixed_it_is_counted_and_not_listed(app: RunningApp) -> None:
    token = _token(response_blocks(app.command(CONFIDENT).body))
    app.action(actions.action_id(actions.ANSWER_FIXED), token)
    (reply,) = app.slack.wait_for("response_url")

    assert text("feedback.thanks_fixed").split(".")[0] in all_text(reply.blocks())
    (row,) = _rows(app)
    assert row.outcome == "fixed" and row.question == ""  # counted; the words are not needed
    assert app.services.questions.unanswered() == []
    figures = app.services.questions.figures(Workspace("", payloads.TEAM_ID))
    assert figures.count(Outcome.FIXED) == 1
    assert figures.count(Outcome.NOT_IT, Outcome.NOT_CONFIDENT, Outcome.OUT_OF_SCOPE) == 0


def test_a_dm_answer_is_updated_with_chat_update(app: RunningApp) -> None:
    app.event(payloads.message_im(CONFIDENT, user_id="U0ALICE", channel="D0DIRECT1"))
    (post,) = app.slack.wait_for("chat.postMessage")
    message = {"ts": "1700000100.000200", "channel": "D0DIRECT1", "blocks": post.blocks()}

    app.action(actions.ANSWER_NOT_IT, _token(post.blocks()), message=message)
    (update,) = app.slack.wait_for("chat.update")

    assert (update.params["channel"], update.params["ts"]) == ("D0DIRECT1", "1700000100.000200")
    blocks = update.blocks()
    assert blocks[:-1] == [b for b in post.blocks() if b.get("block_id") != actions.FEEDBACK_BLOCK]
    assert text("feedback.thanks_not_it").split(".")[0] in all_text(blocks[-1:])
    assert not app.slack.calls_to("response_url")
    assert _rows(app)[0].outcome == "not_it"


def test_someone_else_clicking_is_refused_politely(app: RunningApp) -> None:
    app.event(payloads.app_mention(f"<@UBOT0001> {CONFIDENT}", user_id="U0ALICE"))
    (post,) = app.slack.wait_for("chat.postMessage")
    message = {"ts": "1700000001.000300", "channel": "C0GENERAL", "blocks": post.blocks()}

    app.action(actions.ANSWER_FIXED, _token(post.blocks()), user_id="U0BOB", message=message)
    (reply,) = app.slack.wait_for("response_url")

    assert reply.params["text"] == text("feedback.not_asker")
    assert reply.params["replace_original"] is False
    assert reply.params["response_type"] == "ephemeral"
    assert not app.slack.calls_to("chat.update")
    assert _rows(app)[0].outcome == "answered"


def test_a_forged_or_unknown_token_says_out_of_date(app: RunningApp) -> None:
    app.command(CONFIDENT)
    app.action(actions.ANSWER_NOT_IT, "A" * 22)  # well formed, unknown
    app.action(actions.ANSWER_FIXED, "<!channel> " + "x" * 1500)
    for reply in app.slack.wait_for("response_url", 2):
        assert reply.params["text"] == text("errors.expired")
        assert reply.params["replace_original"] is False
    assert _rows(app)[0].outcome == "answered"


def test_a_second_click_changes_nothing(app: RunningApp) -> None:
    token = _token(response_blocks(app.command(CONFIDENT).body))
    app.action(actions.ANSWER_NOT_IT, token)
    app.slack.wait_for("response_url")
    app.action(actions.ANSWER_FIXED, token)
    app.slack.wait_for("response_url", 2)
    (row,) = _rows(app)
    assert row.outcome == "not_it" and row.question == CONFIDENT
