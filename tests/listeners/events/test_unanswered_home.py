""" "Questions I couldn't answer" in App Home: for the workspace's admins only, and kept for
the retention period only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from bot.config import Settings
from bot.identity import Person
from bot.store.asked_questions import Outcome
from bot.store.models import AskedQuestion
from bot.ui import actions
from bot.ui.messages import text
from tests.support import payloads
from tests.support.block_kit import block_kit_problems
from tests.support.blocks import all_text
from tests.support.leaks import eventually
from tests.support.running_app import RunningApp

VAGUE = "Does not work with OpenAI API key"
OFF_TOPIC = "how do I bake sourdough bread"
CONFIDENT = "429 insufficient_quota"
HEADER = text("feedback.home_header")


def _home_text(app: RunningApp, user_id: str) -> str:
    before = len(app.slack.calls_to("views.publish"))
    app.event(payloads.app_home_opened(user_id))
    call = app.slack.wait_for("views.publish", before + 1)[-1]
    assert call.params["user_id"] == user_id
    blocks = call.view()["blocks"]
    assert block_kit_problems(blocks, max_blocks=100) == []
    return all_text(blocks)


def _ask_a_few(app: RunningApp) -> None:
    """Alice asks two questions with no confident answer (one twice) and rejects an answer."""
    app.command(VAGUE)
    app.command(OFF_TOPIC, user_id="U0CAROL")
    app.command(VAGUE)
    response = app.command(CONFIDENT)
    token = next(
        block["elements"][1]["value"]
        for block in response.json()["blocks"]
        if block.get("block_id") == actions.FEEDBACK_BLOCK
    )
    app.action(actions.ANSWER_NOT_IT, token)
    app.slack.wait_for("response_url")


def _count(app: RunningApp) -> int:
    with app.database.session() as session:
        return int(session.scalar(select(func.count()).select_from(AskedQuestion)) or 0)


def test_an_admin_sees_the_questions_with_counts_newest_first(app: RunningApp) -> None:
    app.slack.add_user("U0ADMIN", is_admin=True)
    _ask_a_few(app)

    said = _home_text(app, "U0ADMIN")

    assert HEADER in said
    assert said.index(CONFIDENT) < said.index(VAGUE) < said.index(OFF_TOPIC)  # newest first
    assert text("feedback.home_asked_times", count=2) in said  # VAGUE, asked twice
    assert "<@U0ALICE>" in said and "<@U0CAROL>" in said  # admins see who asked
    assert text("feedback.outcome_not_it") in said
    assert "3 not answered" not in said and "4 not answered" in said


def test_a_member_does_not_see_the_section(app: RunningApp) -> None:
    app.slack.add_user("U0BOB")
    _ask_a_few(app)

    said = _home_text(app, "U0BOB")

    assert HEADER not in said
    for leaked in (VAGUE, OFF_TOPIC, "U0ALICE", "U0CAROL"):
        assert leaked not in said


def test_a_key_admin_sees_the_section_too(app: RunningApp) -> None:
    app.slack.add_user("U0KEYADMIN")  # listed in KEY_ADMINS by the app fixture
    app.command(OFF_TOPIC)
    assert OFF_TOPIC in _home_text(app, "U0KEYADMIN")


def test_questions_older_than_the_retention_period_are_purged(app: RunningApp) -> None:
    app.slack.add_user("U0ADMIN", is_admin=True)
    app.command(VAGUE)
    app.command(CONFIDENT)
    assert _count(app) == 2
    log = app.services.questions
    assert log.retention == timedelta(days=90)
    now = datetime.now(UTC)

    log.clock = lambda: now + timedelta(days=89)
    assert VAGUE in _home_text(app, "U0ADMIN")
    assert _count(app) == 2

    log.clock = lambda: now + timedelta(days=91)
    said = _home_text(app, "U0ADMIN")  # reading purges
    assert VAGUE not in said and text("feedback.home_empty") in said
    assert _count(app) == 0

    app.command(OFF_TOPIC)  # written at "now + 91 days"
    log.clock = lambda: now + timedelta(days=91 + 90, seconds=1)
    app.command(VAGUE)  # writing purges too
    with app.database.session() as session:
        assert list(session.scalars(select(AskedQuestion.question))) == [VAGUE]


def test_the_retention_period_is_a_bounded_setting() -> None:
    assert Settings().unanswered_retention_days == 90
    assert Settings(unanswered_retention_days=7).unanswered_retention_days == 7
    for bad in (0, -1, 100_000):
        with pytest.raises(ValidationError):
            Settings(unanswered_retention_days=bad)


def test_uninstall_forgets_the_workspaces_questions(app: RunningApp) -> None:
    app.command(VAGUE)
    app.command(CONFIDENT)
    elsewhere = Person("", "T0OTHER", "U0ALICE")
    app.services.questions.record(
        elsewhere, OFF_TOPIC, outcome=Outcome.OUT_OF_SCOPE, language="en", entries=[]
    )

    app.event({"type": "app_uninstalled", "event_ts": "1700000000.1"})

    eventually(lambda: _count(app), lambda count: count == 1)
    assert [row.question for row in app.services.questions.unanswered()] == [OFF_TOPIC]
