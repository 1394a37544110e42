"""Per-workspace settings that admins change in App Home. No row: every default holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.identity import Workspace
from bot.store.models import WorkspaceSetting


def members_create_projects(session: Session, workspace: Workspace) -> bool:
    """Whether members who are not admins may create new projects (default: yes)."""
    row = session.get(WorkspaceSetting, (workspace.enterprise_id, workspace.team_id))
    return True if row is None else bool(row.members_create_projects)


def set_members_create_projects(
    session: Session, workspace: Workspace, allowed: bool, *, changed_by: str, now: datetime
) -> None:
    """Write the choice; the caller holds ``locks.lock_workspace`` so a first insert is alone."""
    row = session.get(WorkspaceSetting, (workspace.enterprise_id, workspace.team_id))
    if row is None:
        row = WorkspaceSetting(enterprise_id=workspace.enterprise_id, team_id=workspace.team_id)
        session.add(row)
    row.members_create_projects = allowed
    row.changed_by = changed_by
    row.changed_at = now
