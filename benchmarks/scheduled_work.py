"""What the scheduler and the cost chart cost, beside baselines measured in the same run.

(a) One scheduler poll when nothing is due (``JobRunner.run_due``: per job, an ensure and a
    conditional UPDATE), SQLite WAL file and PostgreSQL; baseline: ``Database.ping`` (one
    ``SELECT 1``). Goal: a poll ≤ 50 ms (it runs once a minute per process).
(b) Drawing one 30-day cost chart (matplotlib Agg, PNG) after the first import; baseline: the
    text sparkline of the same values. The first import of matplotlib is printed apart.
    Goal: ≤ 1 s a chart (charts are drawn once a day per project, off the request path).

Usage: .venv/bin/python benchmarks/scheduled_work.py [--polls 200] [--charts 20] [--no-postgres]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text

from bot.jobs.leases import Leases
from bot.jobs.runner import Job, JobRunner
from bot.org.costs import sparkline
from bot.store.database import Database
from bot.store.schema import upgrade

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _median_ms(action, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_polls(database: Database, polls: int) -> tuple[float, float]:
    upgrade(database)
    jobs = [Job(name, timedelta(days=1), lambda _now: None) for name in ("a", "b", "c")]
    runner = JobRunner(Leases(database, "bench"), jobs)
    now = datetime.now(UTC)
    runner.run_due(now)  # rows exist; nothing is due for a day
    poll = _median_ms(lambda: runner.run_due(now), polls)
    ping = _median_ms(database.ping, polls)
    return poll, ping


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=200)
    parser.add_argument("--charts", type=int, default=20)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    print("(a) scheduler poll, nothing due, 3 jobs (median ms)")
    print(f"{'database':<12}{'run_due':>10}{'SELECT 1':>10}")
    with tempfile.TemporaryDirectory() as folder:
        sqlite = Database(f"sqlite:///{folder}/bench.sqlite3")
        poll, ping = bench_polls(sqlite, args.polls)
        sqlite.dispose()
        print(f"{'sqlite':<12}{poll:>10.2f}{ping:>10.2f}")
    if not args.no_postgres:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            postgres = Database(f"{POSTGRES}?options=-csearch_path%3D{schema}")
            poll, ping = bench_polls(postgres, args.polls)
            postgres.dispose()
            print(f"{'postgresql':<12}{poll:>10.2f}{ping:>10.2f}")
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

    first = date(2026, 11, 1)
    days = [(first + timedelta(days=n), (n * 37 % 11) / 3) for n in range(30)]
    start = time.perf_counter()
    from bot.org.cost_chart import render_cost_chart

    render_cost_chart(days, "warm-up")
    first_ms = (time.perf_counter() - start) * 1000
    chart = _median_ms(lambda: render_cost_chart(days, "Backend: daily cost (USD)"), args.charts)
    line = _median_ms(lambda: sparkline([usd for _, usd in days]), args.charts)
    size = len(render_cost_chart(days, "Backend: daily cost (USD)"))
    print()
    print("(b) cost chart, 30 days (median ms)")
    print(f"{'chart PNG':<22}{chart:>10.1f}   ({size} bytes)")
    print(f"{'sparkline (baseline)':<22}{line:>10.3f}")
    print(f"{'first import + chart':<22}{first_ms:>10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
