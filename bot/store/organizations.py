"""Rows of connected organizations and project links, always scoped by workspace."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.identity import Workspace
from bot.store.models import KeyProject
from bot.store.organization_models import OrganizationConnection, ProjectLink


def connection(session: Session, workspace: Workspace) -> OrganizationConnection | None:
    return session.get(OrganizationConnection, (workspace.enterprise_id, workspace.team_id))


def connected_workspaces(session: Session) -> list[Workspace]:
    rows = session.execute(
        select(OrganizationConnection.enterprise_id, OrganizationConnection.team_id)
    )
    return [Workspace(enterprise_id, team_id) for enterprise_id, team_id in rows]


def save_connection(
    session: Session,
    workspace: Workspace,
    *,
    ciphertext: str,
    keyring_key_id: str,
    masked: str,
    fingerprint: str,
    connected_by: str,
    now: datetime,
) -> bool:
    """Store the admin key (replacing an earlier one); True when it replaced one."""
    row = connection(session, workspace)
    replaced = row is not None
    if row is None:
        row = OrganizationConnection(
            enterprise_id=workspace.enterprise_id, team_id=workspace.team_id
        )
        session.add(row)
    row.ciphertext = ciphertext
    row.keyring_key_id = keyring_key_id
    row.masked = masked
    row.fingerprint = fingerprint
    row.connected_by = connected_by
    row.connected_at = now
    return replaced


def delete_connection(session: Session, workspace: Workspace) -> OrganizationConnection | None:
    """Forget the admin key and every project link of the workspace; the old row or None."""
    row = connection(session, workspace)
    if row is None:
        return None
    session.delete(row)
    session.execute(delete(ProjectLink).where(ProjectLink.project_id.in_(_project_ids(workspace))))
    return row


def links(session: Session, workspace: Workspace) -> dict[int, ProjectLink]:
    rows = session.scalars(
        select(ProjectLink).where(ProjectLink.project_id.in_(_project_ids(workspace)))
    )
    return {row.project_id: row for row in rows}


def set_link(
    session: Session,
    project_id: int,
    openai_project_id: str,
    openai_project_name: str | None,
    *,
    linked_by: str,
    now: datetime,
) -> None:
    row = session.get(ProjectLink, project_id)
    if row is None:
        row = ProjectLink(project_id=project_id)
        session.add(row)
    row.openai_project_id = openai_project_id
    row.openai_project_name = (openai_project_name or "")[:200] or None
    row.linked_by = linked_by[:64]
    row.linked_at = now


def _project_ids(workspace: Workspace) -> Any:
    return (
        select(KeyProject.id)
        .where(
            KeyProject.enterprise_id == workspace.enterprise_id,
            KeyProject.team_id == workspace.team_id,
        )
        .scalar_subquery()
    )
