"""What OpenAI knows about each linked project: its keys beside the one stored here, and
its cost this month. Read live from the Admin API; nothing here is stored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from bot.identity import Workspace
from bot.keys.crypto import DecryptionError, decrypt
from bot.keys.key_binding import binding
from bot.org.admin_api import AdminApiError, InventoryKey, OrgProject
from bot.org.connection import OrganizationService
from bot.store import key_records as records

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProjectInventory:
    project: str
    project_id: int
    openai_project_id: str | None
    keys: tuple[tuple[InventoryKey, bool], ...]  # each key and whether it is the one stored here
    cost_month_usd: float | None


@dataclass(frozen=True)
class Overview:
    connected: bool
    projects: tuple[ProjectInventory, ...]
    organization_projects: tuple[OrgProject, ...] = ()  # to link the unlinked ones

    def as_json(self) -> dict[str, object]:
        return {
            "connected": self.connected,
            "projects": [
                {
                    "project": project.project,
                    "openai_project_id": project.openai_project_id,
                    "keys": [
                        {
                            "name": key.name,
                            "created_at": _iso(key.created_at),
                            "last_used_at": _iso(key.last_used_at),
                            "stored_here": stored_here,
                        }
                        for key, stored_here in project.keys
                    ],
                    "cost_month_usd": project.cost_month_usd,
                }
                for project in self.projects
            ],
        }


def overview(organization: OrganizationService, workspace: Workspace, now: datetime) -> Overview:
    admin_key = organization.admin_key(workspace)
    linked = organization.projects(workspace)
    if admin_key is None:
        empty = tuple(
            ProjectInventory(p.project_name, p.project_id, p.openai_project_id, (), None)
            for p in linked
        )
        return Overview(False, empty)
    month_start = date(now.year, now.month, 1)
    costs: dict[tuple[str, date], float] | None
    try:
        costs = organization.api.daily_costs(admin_key, month_start, now.day)
    except AdminApiError as error:
        log.warning("costs unavailable for team %s: %s", workspace.team_id, error.problem)
        costs = None
    inventories = []
    for project in linked:
        keys: tuple[tuple[InventoryKey, bool], ...] = ()
        cost = None
        if project.openai_project_id is not None:
            try:
                found = organization.api.keys(admin_key, project.openai_project_id)
            except AdminApiError as error:
                log.warning("keys of %s unavailable: %s", project.openai_project_id, error.problem)
                found = []
            stored = _stored_plaintext(organization, workspace, project.project_id)
            keys = tuple((key, _is_stored(key, stored)) for key in found)
            if costs is not None:
                cost = round(
                    sum(v for (pid, _), v in costs.items() if pid == project.openai_project_id), 6
                )
        inventories.append(
            ProjectInventory(
                project.project_name, project.project_id, project.openai_project_id, keys, cost
            )
        )
    try:
        organization_projects = tuple(organization.api.projects(admin_key))
    except AdminApiError:
        organization_projects = ()
    return Overview(True, tuple(inventories), organization_projects)


def _stored_plaintext(
    organization: OrganizationService, workspace: Workspace, project_id: int
) -> str | None:
    with organization.database.read_session() as session:
        row = records.stored_key(session, project_id)
        ciphertext = row.ciphertext if row is not None else None
    if ciphertext is None:
        return None
    try:
        return decrypt(organization.keyring, ciphertext, binding(workspace, project_id))
    except DecryptionError:
        return None


def _is_stored(key: InventoryKey, stored: str | None) -> bool:
    return stored is not None and matches_redacted(key.redacted_value, stored)


def matches_redacted(redacted: str, plain: str) -> bool:
    """OpenAI's redacted form (``sk-abc...wxyz``) matches the key's two ends."""
    if "..." not in redacted:
        return False
    head, _, tail = redacted.partition("...")
    return bool(head) and bool(tail) and plain.startswith(head) and plain.endswith(tail)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


class CachedOverviews:
    """The overview per workspace, kept a few minutes: App Home is re-published after every
    change, and each overview costs one Admin API call per linked project."""

    def __init__(self, organization: OrganizationService, ttl_seconds: float = 300.0) -> None:
        self.organization = organization
        self.ttl = ttl_seconds
        self._kept: dict[Workspace, tuple[datetime, Overview]] = {}

    def get(self, workspace: Workspace, now: datetime) -> Overview:
        kept = self._kept.get(workspace)
        if kept is not None and (now - kept[0]).total_seconds() < self.ttl:
            return kept[1]
        fresh = overview(self.organization, workspace, now)
        self._kept[workspace] = (now, fresh)
        return fresh

    def forget(self, workspace: Workspace) -> None:
        self._kept.pop(workspace, None)
