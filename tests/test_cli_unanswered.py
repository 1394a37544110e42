"""``python -m bot ask --unanswered [--team T] [--json]``, run as a real subprocess."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.identity import Person
from bot.store.asked_questions import Outcome, QuestionLog
from bot.store.database import Database
from bot.store.schema import ensure_schema
from tests.test_cli import run_bot

ALICE = Person("", "T0001", "U0ALICE")
BOB_ELSEWHERE = Person("E0GRID", "T0002", "U0BOB")


def _fill(database_url: str) -> None:
    database = Database(database_url)
    ensure_schema(database)
    start = datetime.now(UTC) - timedelta(hours=3)
    clock = iter(start + timedelta(minutes=n) for n in range(10))
    log = QuestionLog(database, clock=lambda: next(clock))
    log.record(
        ALICE, "how do I bake bread", outcome=Outcome.OUT_OF_SCOPE, language="en", entries=[]
    )
    log.record(
        ALICE,
        "api key not work",
        outcome=Outcome.NOT_CONFIDENT,
        language="en",
        entries=[("invalid-api-key", 0.41), ("test-your-key", 0.38)],
    )
    token = log.record(
        BOB_ELSEWHERE,
        "额度 用完了 怎么办",
        outcome=Outcome.ANSWERED,
        language="zh",
        entries=[("insufficient-quota", 0.9)],
    )
    log.record(ALICE, "429 again", outcome=Outcome.ANSWERED, language="en", entries=[])
    assert log.give_feedback(BOB_ELSEWHERE, token, fixed=False)[0].value == "recorded"
    database.dispose()


def test_unanswered_json_lists_every_workspace_newest_first(database_url: str) -> None:
    _fill(database_url)
    result = run_bot("ask", "--unanswered", "--json", env={"DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["question"] for row in rows] == [
        "额度 用完了 怎么办",
        "api key not work",
        "how do I bake bread",
    ]
    newest = rows[0]
    assert newest["outcome"] == "not_it" and newest["language"] == "zh"
    assert (newest["enterprise"], newest["team"], newest["asked_by"]) == (
        "E0GRID",
        "T0002",
        "U0BOB",
    )
    assert newest["entries"] == [{"id": "insufficient-quota", "score": 0.9}]
    assert rows[1]["entries"][1] == {"id": "test-your-key", "score": 0.38}
    assert datetime.fromisoformat(rows[2]["created_at"]) < datetime.fromisoformat(
        rows[1]["created_at"]
    )


def test_unanswered_for_one_team_as_text(database_url: str) -> None:
    _fill(database_url)
    result = run_bot("ask", "--unanswered", "--team", "T0001", env={"DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert "'api key not work'" in lines[0] and "not_confident" in lines[0]
    assert "invalid-api-key" in lines[0] and "U0ALICE" in lines[0]
    assert "'how do I bake bread'" in lines[1] and "out_of_scope" in lines[1]
    assert "429 again" not in result.stdout  # answered, no feedback: not unanswered


def test_unanswered_without_a_database_says_so(tmp_path: Path) -> None:
    result = run_bot("ask", "--unanswered", env={"DATA_DIR": str(tmp_path / "nothing")})
    assert result.returncode == 3
    assert "no database" in result.stderr


def test_ask_without_a_question_or_unanswered_is_an_error() -> None:
    result = run_bot("ask")
    assert result.returncode == 2
    assert "needs a question" in result.stderr
