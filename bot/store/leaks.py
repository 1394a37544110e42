"""Rows of the leak watch: the workspace setting and the keys seen in channels.

Every query is scoped by (enterprise_id, team_id). Nothing here holds a key: only its
fingerprint (HMAC) and masked form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.identity import Workspace
from bot.store.leak_models import LeakSighting, LeakWatchSetting
from bot.store.models import KeyProject, StoredKey


@dataclass(frozen=True)
class WatchSetting:
    enabled: bool = True
    live_check: bool = True
    alert_channel: str | None = None


def watch_setting(session: Session, workspace: Workspace) -> WatchSetting:
    row = session.get(LeakWatchSetting, (workspace.enterprise_id, workspace.team_id))
    if row is None:
        return WatchSetting()
    return WatchSetting(bool(row.enabled), bool(row.live_check), row.alert_channel or None)


def set_watch_setting(
    session: Session, workspace: Workspace, setting: WatchSetting, *, changed_by: str, now: datetime
) -> None:
    """Write the choice; the caller holds ``locks.lock_workspace`` so a first insert is alone."""
    row = session.get(LeakWatchSetting, (workspace.enterprise_id, workspace.team_id))
    if row is None:
        row = LeakWatchSetting(enterprise_id=workspace.enterprise_id, team_id=workspace.team_id)
        session.add(row)
    row.enabled = setting.enabled
    row.live_check = setting.live_check
    row.alert_channel = setting.alert_channel
    row.changed_by = changed_by
    row.changed_at = now


def project_holding(session: Session, workspace: Workspace, fingerprint: str) -> KeyProject | None:
    """The workspace's project whose stored key has this fingerprint, if any."""
    return session.scalar(
        select(KeyProject)
        .join(StoredKey, StoredKey.project_id == KeyProject.id)
        .where(
            KeyProject.enterprise_id == workspace.enterprise_id,
            KeyProject.team_id == workspace.team_id,
            StoredKey.fingerprint == fingerprint,
        )
        .limit(1)
    )


def sighting(
    session: Session, workspace: Workspace, fingerprint: str, day: str
) -> LeakSighting | None:
    return session.scalar(
        select(LeakSighting).where(
            *_in(workspace), LeakSighting.fingerprint == fingerprint, LeakSighting.day == day
        )
    )


def count_again(session: Session, sighting_id: int) -> None:
    """One more sighting, counted in the database (two replicas never lose one)."""
    session.execute(
        update(LeakSighting)
        .where(LeakSighting.id == sighting_id)
        .values(seen_count=LeakSighting.seen_count + 1)
    )


def open_compromises(session: Session, workspace: Workspace) -> dict[int, LeakSighting]:
    """Projects whose stored key was seen in a channel and not replaced since: the latest."""
    rows = session.scalars(
        select(LeakSighting)
        .where(
            *_in(workspace),
            LeakSighting.project_id.is_not(None),
            LeakSighting.resolved_at.is_(None),
        )
        .order_by(LeakSighting.id)
    )
    return {row.project_id: row for row in rows if row.project_id is not None}


def compromises_of(session: Session, workspace: Workspace, project_id: int) -> list[LeakSighting]:
    return list(
        session.scalars(
            select(LeakSighting).where(
                *_in(workspace),
                LeakSighting.project_id == project_id,
                LeakSighting.resolved_at.is_(None),
            )
        )
    )


def delete_workspace(session: Session, workspace: Workspace) -> None:
    session.execute(delete(LeakSighting).where(*_in(workspace)))
    session.execute(
        delete(LeakWatchSetting).where(
            LeakWatchSetting.enterprise_id == workspace.enterprise_id,
            LeakWatchSetting.team_id == workspace.team_id,
        )
    )


def _in(workspace: Workspace) -> tuple:
    return (
        LeakSighting.enterprise_id == workspace.enterprise_id,
        LeakSighting.team_id == workspace.team_id,
    )
