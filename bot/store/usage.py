"""What a workspace and its people did in a recent window: live key checks, new projects.

Counted from the database, so every replica sees the same numbers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session

from bot.identity import Workspace
from bot.store.models import KeyCheck, KeyProject


def checks_since(
    session: Session, workspace: Workspace, user_id: str, since: datetime
) -> tuple[int, int]:
    """(checks by ``user_id``, checks by anyone) in ``workspace`` since ``since``."""
    query = select(func.count().filter(KeyCheck.user_id == user_id), func.count()).where(
        KeyCheck.enterprise_id == workspace.enterprise_id,
        KeyCheck.team_id == workspace.team_id,
        KeyCheck.created_at >= since,
    )
    by_person, in_workspace = session.execute(query).one()
    return int(by_person), int(in_workspace)


def projects_since(
    session: Session, workspace: Workspace, user_id: str, since: datetime
) -> tuple[int, int]:
    """(projects created by ``user_id``, projects created by anyone) in ``workspace`` since."""
    query = select(func.count().filter(KeyProject.created_by == user_id), func.count()).where(
        and_(
            KeyProject.enterprise_id == workspace.enterprise_id,
            KeyProject.team_id == workspace.team_id,
            KeyProject.created_at >= since,
        )
    )
    by_person, in_workspace = session.execute(query).one()
    return int(by_person), int(in_workspace)


def record_check(
    session: Session, workspace: Workspace, user_id: str, now: datetime, *, keep_after: datetime
) -> None:
    """Count one live check; the workspace's rows older than ``keep_after`` go at once."""
    session.execute(
        delete(KeyCheck).where(
            KeyCheck.enterprise_id == workspace.enterprise_id,
            KeyCheck.team_id == workspace.team_id,
            KeyCheck.created_at < keep_after,
        )
    )
    session.add(
        KeyCheck(
            enterprise_id=workspace.enterprise_id,
            team_id=workspace.team_id,
            user_id=user_id,
            created_at=now,
        )
    )
