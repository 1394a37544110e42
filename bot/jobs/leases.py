"""Leases on scheduled jobs, in the database every replica shares.

Why not APScheduler 3 with its SQLAlchemyJobStore: its docs say a job store must not be
shared between schedulers; each process runs the jobs it loads, so two replicas double-run
them. A lease needs one table and one conditional UPDATE: a replica takes a due job with

    UPDATE job_leases SET holder = me, expires_at = now + lease
    WHERE name = job AND next_run <= now AND expires_at <= now

and runs it only if that UPDATE changed a row. On PostgreSQL a second concurrent UPDATE
waits for the first's row lock, then re-checks the WHERE on the new row and matches nothing;
on SQLite the write transaction (BEGIN IMMEDIATE) serialises them. A replica that dies
mid-job leaves a lease that expires, and another replica takes the job then.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.store.database import Database
from bot.store.organization_models import JobLease


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; every time stored here is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class Leases:
    def __init__(self, database: Database, holder: str) -> None:
        self.database = database
        self.holder = holder[:80]

    def ensure(self, name: str, first_run: datetime) -> None:
        """Create the job's row on first sight (a replica that loses the race reads the other's)."""
        with self.database.session() as session, session.begin():
            if session.get(JobLease, name) is not None:
                return
            try:
                with session.begin_nested():
                    session.add(
                        JobLease(
                            name=name,
                            holder=None,
                            expires_at=first_run,
                            next_run=first_run,
                            failures=0,
                        )
                    )
            except IntegrityError:
                pass

    def take(self, name: str, now: datetime, lease: timedelta) -> bool:
        """Hold the job until ``now + lease`` if it is due and nobody holds it."""
        with self.database.session() as session, session.begin():
            result = session.execute(
                update(JobLease)
                .where(
                    JobLease.name == name,
                    JobLease.next_run <= now,
                    JobLease.expires_at <= now,
                )
                .values(holder=self.holder, expires_at=now + lease)
            )
            return result.rowcount == 1  # type: ignore[attr-defined]

    def release(self, name: str, now: datetime, next_run: datetime, failures: int) -> None:
        """Done (or failed): the next run is persisted, so a restart keeps the schedule."""
        with self.database.session() as session, session.begin():
            session.execute(
                update(JobLease)
                .where(JobLease.name == name, JobLease.holder == self.holder)
                .values(holder=None, expires_at=now, next_run=next_run, failures=failures)
            )

    def make_due(self, name: str, now: datetime) -> None:
        """Bring the job's next run forward to ``now`` unless someone holds it (the
        playground's "Run scheduled jobs now"); ``ensure`` first."""
        with self.database.session() as session, session.begin():
            session.execute(
                update(JobLease)
                .where(JobLease.name == name, JobLease.expires_at <= now)
                .values(next_run=now)
            )

    def state(self, name: str) -> JobLease | None:
        with self.database.read_session() as session:
            return session.scalar(select(JobLease).where(JobLease.name == name))
