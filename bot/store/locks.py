"""A per-workspace lock for read-then-write decisions that must hold across replicas."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.identity import Workspace


def lock_workspace(session: Session, workspace: Workspace) -> None:
    """Serialise this transaction with every other one that locks ``workspace``.

    PostgreSQL: a transaction-scoped advisory lock, released at commit or rollback, so replicas
    counting and then writing (hourly limits, settings) cannot both pass on the same count.
    SQLite: nothing to do, write transactions already begin IMMEDIATE (one writer at a time).
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    name = f"workspace:{workspace.enterprise_id}:{workspace.team_id}".encode()
    key = int.from_bytes(hashlib.blake2b(name, digest_size=8).digest(), "big", signed=True)
    session.execute(select(func.pg_advisory_xact_lock(key)))
