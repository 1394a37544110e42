"""What keeping questions (the learning loop) adds to answering one.

Baselines, same run: ``reply_to_text`` without a person (search + Block Kit, nothing stored),
and one bare insert + commit of a row of the same table (what any write costs on this disk).
Measured: ``reply_to_text`` with a person, which also writes the redacted question (and runs
the lazy retention purge) in one transaction; on a SQLite WAL file and on PostgreSQL, with
the table pre-filled. Goal: p50 overhead ≤ 5 ms on SQLite.

    .venv/bin/python benchmarks/question_log_bench.py [--questions 300] [--rows 20000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg
from sqlalchemy import insert

from bot.guide.search import default_index
from bot.guide.steps import default_steps
from bot.identity import Person
from bot.slack.replies import reply_to_text
from bot.store.asked_questions import QuestionLog
from bot.store.database import Database
from bot.store.models import AskedQuestion
from bot.store.schema import upgrade

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
QUESTIONS = (
    "429 insufficient_quota",
    "Does not work with OpenAI API key",
    "how do I bake sourdough bread",
    "billing hard limit reached",
    "my phone number is rejected",
    "新key一直提示额度用尽怎么回事？",
)
PERSON = Person("", "T0001", "U0ALICE")


def _fill(database: Database, rows: int) -> None:
    now = datetime.now(UTC)
    values = [
        {
            "token": uuid.uuid4().hex[:22],
            "enterprise_id": "",
            "team_id": f"T{n % 50:04d}",
            "user_id": "U0FILL",
            "question": f"filler question {n}",
            "language": "en",
            "entry_ids": "a,b",
            "scores": "0.1,0.2",
            "outcome": "not_confident",
            "created_at": now - timedelta(minutes=n),
        }
        for n in range(rows)
    ]
    with database.session() as session, session.begin():
        session.execute(insert(AskedQuestion), values)


def _timings(services: Any, person: Person | None, count: int) -> list[float]:
    spent = []
    for n in range(count):
        question = QUESTIONS[n % len(QUESTIONS)]
        started = time.perf_counter()
        reply_to_text(services, question, person)
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def _bare_inserts(database: Database, count: int) -> list[float]:
    spent = []
    for _ in range(count):
        started = time.perf_counter()
        with database.session() as session, session.begin():
            session.execute(
                insert(AskedQuestion),
                [
                    {
                        "token": uuid.uuid4().hex[:22],
                        "enterprise_id": "",
                        "team_id": "T0001",
                        "user_id": "U0BARE",
                        "question": "bare insert",
                        "language": "en",
                        "entry_ids": "",
                        "scores": "",
                        "outcome": "answered",
                        "created_at": datetime.now(UTC),
                    }
                ],
            )
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def _row(name: str, spent: list[float]) -> str:
    ordered = sorted(spent)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"{name:<44} {statistics.median(spent):8.2f} {p99:8.2f}"


def measure(label: str, url: str, args: argparse.Namespace) -> None:
    database = Database(url)
    upgrade(database)
    _fill(database, args.rows)
    services = SimpleNamespace(
        troubleshooting=default_index(),
        steps=default_steps(),
        questions=QuestionLog(database),
    )
    _timings(services, None, 20)  # warm the index and the connection pool
    _timings(services, PERSON, 20)
    baseline, bare, kept = [], [], []
    for _ in range(args.questions // 50):  # interleaved, so drift hits all alike
        baseline += _timings(services, None, 50)
        bare += _bare_inserts(database, 50)
        kept += _timings(services, PERSON, 50)
    print(_row(f"{label}: answer only (baseline)", baseline))
    print(_row(f"{label}: bare insert + commit (baseline)", bare))
    print(_row(f"{label}: answer + kept question", kept))
    extra = statistics.median(kept) - statistics.median(baseline)
    print(f"{label}: p50 overhead {extra:.2f} ms over answering alone")
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(f"{'ms per answer':<44} {'p50':>8} {'p99':>8}   ({args.rows} rows already kept)")
    with tempfile.TemporaryDirectory() as folder:
        measure("SQLite", f"sqlite:///{Path(folder) / 'bench.sqlite3'}", args)
    if args.no_postgres:
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        url = POSTGRES.replace("postgresql://", "postgresql+psycopg://", 1)
        measure("PostgreSQL", f"{url}?options=-csearch_path%3D{schema}", args)
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
