"""Rows of team keys: projects, maintainers, stored (encrypted) keys and the audit trail.

Every query is scoped by (enterprise_id, team_id): one team never reads another's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.identity import Workspace
from bot.rules.submission import MAX_PROJECT_NAME, ProjectName, parse_project_name
from bot.store.models import AuditEvent, KeyProject, ProjectMaintainer, StoredKey


@dataclass(frozen=True)
class ProjectRow:
    """A project with its current key's masked facts (no ciphertext), for lists and checks."""

    id: int
    name: str
    created_by: str
    maintainers: frozenset[str]
    key: StoredKeyFacts | None


@dataclass(frozen=True)
class StoredKeyFacts:
    masked: str
    fingerprint: str
    status: str
    set_by: str
    set_at: datetime
    last_checked_at: datetime | None
    last_outcome: str | None
    openai_organization: str | None
    openai_project: str | None
    keyring_key_id: str
    organization_hint: str | None
    project_hint: str | None


def find_project(
    session: Session, workspace: Workspace, name: ProjectName | str
) -> KeyProject | None:
    """The project called ``name``; a string is read by the name rules first, and one they
    refuse names no project."""
    parsed = parse_project_name(name) if isinstance(name, str) else name
    if not isinstance(parsed, ProjectName):
        return None
    return session.scalar(
        select(KeyProject).where(*_in(workspace), KeyProject.name_key == parsed.key)
    )


def project_by_id(session: Session, workspace: Workspace, project_id: int) -> KeyProject | None:
    """The project only if it belongs to ``workspace`` (a forged id from elsewhere gives None)."""
    return session.scalar(select(KeyProject).where(*_in(workspace), KeyProject.id == project_id))


def get_or_create_project(
    session: Session, workspace: Workspace, name: ProjectName, creator: str, now: datetime
) -> tuple[KeyProject, bool]:
    """The named project, created (with ``creator`` as maintainer) if it does not exist.

    ``name`` went through the name rules, so it fits the columns whole: nothing is cut.

    Two people creating the same project at once: the unique constraint lets one win and the
    other reads the winner's row.
    """
    existing = find_project(session, workspace, name)
    if existing is not None:
        return existing, False
    project = KeyProject(
        enterprise_id=workspace.enterprise_id,
        team_id=workspace.team_id,
        name=name.shown,
        name_key=name.key,
        created_by=creator,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(project)
            session.flush()
            session.add(
                ProjectMaintainer(
                    project_id=project.id, user_id=creator, added_by=creator, added_at=now
                )
            )
            session.flush()
    except IntegrityError:
        winner = find_project(session, workspace, name)
        assert winner is not None
        return winner, False
    return project, True


def maintainers(session: Session, project_id: int) -> frozenset[str]:
    rows = session.scalars(
        select(ProjectMaintainer.user_id).where(ProjectMaintainer.project_id == project_id)
    )
    return frozenset(rows)


def stored_key(session: Session, project_id: int) -> StoredKey | None:
    return session.get(StoredKey, project_id)


def list_projects(
    session: Session, workspace: Workspace, project_id: int | None = None
) -> list[ProjectRow]:
    """The workspace's projects with their key facts; only ``project_id`` when given."""
    query = (
        select(KeyProject, StoredKey)
        .outerjoin(StoredKey, StoredKey.project_id == KeyProject.id)
        .where(*_in(workspace))
        .order_by(KeyProject.name_key)
    )
    if project_id is not None:
        query = query.where(KeyProject.id == project_id)
    rows = session.execute(query).all()
    people: dict[int, set[str]] = {}
    ids = [project.id for project, _ in rows]
    if ids:
        for project_id, user_id in session.execute(
            select(ProjectMaintainer.project_id, ProjectMaintainer.user_id).where(
                ProjectMaintainer.project_id.in_(ids)
            )
        ):
            people.setdefault(project_id, set()).add(user_id)
    return [
        ProjectRow(
            id=project.id,
            name=project.name,
            created_by=project.created_by,
            maintainers=frozenset(people.get(project.id, ())),
            key=facts_of(key) if key is not None else None,
        )
        for project, key in rows
    ]


def facts_of(key: StoredKey) -> StoredKeyFacts:
    return StoredKeyFacts(
        masked=key.masked,
        fingerprint=key.fingerprint,
        status=key.status,
        set_by=key.set_by,
        set_at=key.set_at,
        last_checked_at=key.last_checked_at,
        last_outcome=key.last_outcome,
        openai_organization=key.openai_organization,
        openai_project=key.openai_project,
        keyring_key_id=key.keyring_key_id,
        organization_hint=key.organization_hint,
        project_hint=key.project_hint,
    )


@dataclass(frozen=True)
class KeyRecord:
    """Everything written for a project's current key: its sealed form and what we know."""

    ciphertext: str
    keyring_key_id: str
    masked: str
    fingerprint: str
    status: str
    outcome: str
    openai_organization: str | None
    openai_project: str | None
    organization_hint: str | None
    project_hint: str | None
    set_by: str
    set_at: datetime


def write_key(session: Session, project_id: int, record: KeyRecord) -> bool:
    """Store ``record`` as the project's one key; True when it replaced an earlier key."""
    row = stored_key(session, project_id)
    replaced = row is not None
    if row is None:
        row = StoredKey(project_id=project_id, version=0)
        session.add(row)
    row.ciphertext = record.ciphertext
    row.keyring_key_id = record.keyring_key_id
    row.masked = record.masked
    row.fingerprint = record.fingerprint
    row.status = record.status
    row.openai_organization = record.openai_organization
    row.openai_project = record.openai_project
    row.organization_hint = record.organization_hint
    row.project_hint = record.project_hint
    row.set_by = record.set_by
    row.set_at = record.set_at
    row.last_checked_at = record.set_at
    row.last_outcome = record.outcome
    row.version = (row.version or 0) + 1
    return replaced


def record_check(
    session: Session,
    project_id: int,
    fingerprint: str,
    *,
    outcome: str,
    status: str | None,
    now: datetime,
) -> None:
    """A later check of the stored key; skipped when the key was replaced meanwhile."""
    row = stored_key(session, project_id)
    if row is None or row.fingerprint != fingerprint:
        return
    row.last_checked_at = now
    row.last_outcome = outcome
    if status is not None:
        row.status = status


def delete_key(session: Session, project_id: int) -> bool:
    result = session.execute(delete(StoredKey).where(StoredKey.project_id == project_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def delete_workspace(session: Session, workspace: Workspace) -> int:
    """Crypto-shred a workspace: its ciphertexts, maintainers and projects go; audit stays."""
    project_ids = select(KeyProject.id).where(*_in(workspace)).scalar_subquery()
    session.execute(delete(StoredKey).where(StoredKey.project_id.in_(project_ids)))
    session.execute(delete(ProjectMaintainer).where(ProjectMaintainer.project_id.in_(project_ids)))
    result = session.execute(delete(KeyProject).where(*_in(workspace)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def add_audit(
    session: Session,
    workspace: Workspace,
    *,
    actor: str,
    action: str,
    outcome: str,
    now: datetime,
    project_name: str | None = None,
    fingerprint_id: str | None = None,
    detail: str | None = None,
) -> None:
    session.add(
        AuditEvent(
            enterprise_id=workspace.enterprise_id,
            team_id=workspace.team_id,
            project_name=project_name[:MAX_PROJECT_NAME] if project_name else None,
            actor=actor[:64],
            action=action,
            outcome=outcome[:40],
            fingerprint_id=fingerprint_id,
            detail=detail[:300] if detail else None,
            created_at=now,
        )
    )


def recent_audit(
    session: Session, workspace: Workspace, project_name: str | None = None, limit: int = 20
) -> list[AuditEvent]:
    """The newest rows first; ``project_name`` (a ``ProjectName.shown``) keeps only its rows."""
    query = select(AuditEvent).where(
        AuditEvent.enterprise_id == workspace.enterprise_id,
        AuditEvent.team_id == workspace.team_id,
    )
    if project_name:
        query = query.where(AuditEvent.project_name == project_name)
    return list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))


def _in(workspace: Workspace) -> tuple:
    return (
        and_(
            KeyProject.enterprise_id == workspace.enterprise_id,
            KeyProject.team_id == workspace.team_id,
        ),
    )
