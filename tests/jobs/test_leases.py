"""Scheduled work across replicas: a lease in the shared database, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.jobs.leases import Leases, aware
from bot.jobs.runner import Job, JobRunner, RetryLater
from bot.store.database import Database
from bot.store.schema import ensure_schema

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _replica(url: str, name: str, jobs: list[Job]) -> JobRunner:
    database = Database(url)
    ensure_schema(database)
    return JobRunner(Leases(database, name), jobs, rng=random.Random(7))


def _counting(ran: Counter[str], *names: str) -> list[Job]:
    def work_of(name: str):  # type: ignore[no-untyped-def]
        def work(_now: datetime) -> None:
            ran[name] += 1

        return work

    return [Job(name, DAY, work_of(name), jitter=timedelta(minutes=10)) for name in names]


def test_two_replicas_run_each_job_once_per_period(database_url: str) -> None:
    ran: Counter[str] = Counter()
    jobs = _counting(ran, "reminders", "key_health", "costs")
    replicas = [_replica(database_url, f"replica-{n}", jobs) for n in range(2)]
    replicas[0].run_due(NOW - DAY)  # both see the jobs; first due one period later

    for moment in (NOW, NOW + timedelta(minutes=1), NOW + DAY + timedelta(minutes=11)):
        threads = [
            threading.Thread(target=replica.run_due, args=(moment,))
            for replica in replicas
            for _ in range(3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert ran == {"reminders": 2, "key_health": 2, "costs": 2}


def test_the_next_run_survives_a_restart(database_url: str) -> None:
    ran: Counter[str] = Counter()
    first = _replica(database_url, "before", _counting(ran, "key_health"))
    first.run_due(NOW - DAY)
    assert first.run_due(NOW) == ["key_health"]

    restarted = _replica(database_url, "after", _counting(ran, "key_health"))
    assert restarted.run_due(NOW + timedelta(hours=23)) == []
    state = restarted.leases.state("key_health")
    assert state is not None
    assert NOW + DAY <= aware(state.next_run) <= NOW + DAY + timedelta(minutes=10)
    assert restarted.run_due(NOW + DAY + timedelta(minutes=10)) == ["key_health"]


def test_a_replica_that_dies_holding_a_lease_delays_the_job_only_until_it_expires(
    database_url: str,
) -> None:
    ran: Counter[str] = Counter()
    jobs = _counting(ran, "key_health")
    dead = _replica(database_url, "dead", jobs)
    dead.run_due(NOW - DAY)
    assert dead.leases.take("key_health", NOW, timedelta(minutes=30))  # then it crashes

    alive = _replica(database_url, "alive", jobs)
    assert alive.run_due(NOW + timedelta(minutes=29)) == []
    assert alive.run_due(NOW + timedelta(minutes=31)) == ["key_health"]
    assert ran["key_health"] == 1


def test_a_rate_limited_job_backs_off_at_least_retry_after(database_url: str) -> None:
    calls: list[datetime] = []

    def limited(now: datetime) -> None:
        calls.append(now)
        raise RetryLater(retry_after=600)

    runner = _replica(database_url, "one", [Job("costs", DAY, limited)])
    runner.run_due(NOW - DAY)
    assert runner.run_due(NOW) == []
    assert runner.run_due(NOW + timedelta(minutes=9)) == []
    runner.run_due(NOW + timedelta(minutes=10))
    state = runner.leases.state("costs")
    assert calls == [NOW, NOW + timedelta(minutes=10)]
    assert state is not None and state.failures == 2


def test_a_failing_job_is_retried_with_growing_backoff(database_url: str) -> None:
    def broken(_now: datetime) -> None:
        raise RuntimeError("boom")

    runner = _replica(database_url, "one", [Job("reminders", DAY, broken)])
    runner.run_due(NOW - DAY)
    runner.run_due(NOW)
    first = runner.leases.state("reminders")
    runner.run_due(aware(first.next_run) if first else NOW)
    second = runner.leases.state("reminders")
    assert first is not None and second is not None
    assert aware(first.next_run) - NOW == timedelta(minutes=1)
    assert aware(second.next_run) - aware(first.next_run) == timedelta(minutes=2)


def test_make_due_brings_a_free_job_forward_but_not_a_held_one(database_url: str) -> None:
    ran: Counter[str] = Counter()
    runner = _replica(database_url, "playground", _counting(ran, "costs", "key_health"))
    runner.run_due(NOW - DAY)
    assert runner.run_due(NOW) == ["costs", "key_health"]
    assert runner.run_due(NOW + timedelta(hours=1)) == []  # next runs are a day away
    held = _replica(database_url, "other", _counting(ran, "key_health"))
    assert held.leases.take("key_health", NOW + DAY + DAY, timedelta(minutes=30))

    later = NOW + timedelta(hours=1)
    for name in ("costs", "key_health"):
        runner.leases.make_due(name, later)
    assert runner.run_due(later) == ["costs"]
    assert ran == {"costs": 2, "key_health": 1}
