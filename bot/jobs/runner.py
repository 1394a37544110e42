"""Running due jobs: take the lease, do the work, persist the next run (jitter, backoff).

``JobRunner.run_due(now)`` is what the in-app scheduler thread calls every minute and what
``python -m bot jobs run-due --at …`` calls once; ``now`` is the only clock the jobs read.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.jobs.leases import Leases

log = logging.getLogger(__name__)

FIRST_BACKOFF = timedelta(minutes=1)


class RetryLater(Exception):
    """The work met a rate limit (OpenAI 429): run again after ``retry_after`` seconds."""

    def __init__(self, retry_after: float | None = None) -> None:
        super().__init__("rate limited")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Job:
    name: str
    period: timedelta
    work: Callable[[datetime], object]
    jitter: timedelta = timedelta(minutes=5)
    lease: timedelta = timedelta(minutes=30)  # longer than one run takes


class JobRunner:
    def __init__(
        self, leases: Leases, jobs: Sequence[Job], *, rng: random.Random | None = None
    ) -> None:
        self.leases = leases
        self.jobs = tuple(jobs)
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not a secret

    def run_due(self, now: datetime | None = None) -> list[str]:
        """Run every job that is due and not held elsewhere; the names of those run here."""
        now = now or datetime.now(UTC)
        ran = []
        for job in self.jobs:
            # A new job is first due one period after it first appears (and now with --at).
            self.leases.ensure(job.name, now + job.period)
            if not self.leases.take(job.name, now, job.lease):
                continue
            state = self.leases.state(job.name)
            failures = state.failures if state is not None else 0
            try:
                job.work(now)
            except RetryLater as limited:
                failures += 1
                wait = max(
                    _backoff(failures, job.period), timedelta(seconds=limited.retry_after or 0)
                )
                log.warning("job %s rate limited; next try in %s", job.name, wait)
                self.leases.release(job.name, now, now + min(wait, job.period), failures)
            except Exception as error:
                failures += 1
                wait = _backoff(failures, job.period)
                log.error("job %s failed: %s; next try in %s", job.name, type(error).__name__, wait)
                self.leases.release(job.name, now, now + wait, failures)
            else:
                jitter = timedelta(seconds=self.rng.uniform(0, job.jitter.total_seconds()))
                self.leases.release(job.name, now, now + job.period + jitter, 0)
                ran.append(job.name)
        return ran


def _backoff(failures: int, period: timedelta) -> timedelta:
    return min(FIRST_BACKOFF * 2 ** min(failures - 1, 20), period)


class SchedulerThread:
    """Calls ``run_due`` every ``poll`` seconds (plus jitter) until stopped."""

    def __init__(self, runner: JobRunner, poll: float = 60.0) -> None:
        self.runner = runner
        self.poll = poll
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stop.wait(self.poll * self.runner.rng.uniform(0.8, 1.2)):
            try:
                self.runner.run_due()
            except Exception as error:  # the database may be down for a while
                log.error("scheduled work could not run: %s", type(error).__name__)
