"""Forgetting a workspace that removed the app (``app_uninstalled``, ``tokens_revoked``).

One place decides what goes: the workspace's progress, its settings, the questions its people
asked (the learning loop) and its keys
(crypto-shredded, the audit trail stays), and in OAuth mode its stored installations, so no
token of a workspace that removed the app stays stored. When ``tokens_revoked`` names only
user tokens, only those people's installation rows go: the bot still works there. An
org-wide (Enterprise Grid) uninstall forgets every team of the org that has data here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_sdk.oauth.installation_store.installation_store import InstallationStore
from sqlalchemy import delete, select, union

from bot.identity import Workspace
from bot.store import key_records as records
from bot.store import leaks as leak_rows
from bot.store.database import Database
from bot.store.models import (
    AskedQuestion,
    KeyCheck,
    KeyProject,
    StepCompletion,
    WorkspaceSetting,
)
from bot.store.organization_models import OrganizationConnection, RotationSetting
from bot.store.progress import ProgressStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Removal:
    """Where the app was removed, as Slack's event says it."""

    workspace: Workspace
    org_wide: bool  # an Enterprise Grid org-wide install (stored with no team)
    reason: str  # the event type, for the audit trail


class WorkspaceRemoval:
    def __init__(
        self,
        database: Database,
        progress: ProgressStore,
        installations: InstallationStore | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.progress = progress
        self.clock = clock
        self.installations = installations  # None: single-workspace mode, nothing stored

    def forget(self, removal: Removal) -> None:
        """Everything of the workspace (or of every team of the org, when org-wide)."""
        workspace = removal.workspace
        if self.installations is not None:
            self.installations.delete_all(
                enterprise_id=workspace.enterprise_id or None,
                team_id=self._store_team(removal),
            )
        for team in self._teams(removal):
            forgotten = Workspace(workspace.enterprise_id, team)
            steps = self.progress.forget_workspace(forgotten)
            self._forget_settings(forgotten)
            projects = self._shred_keys(forgotten, removal.reason)
            log.info(
                "workspace %s removed the app: %d progress rows and %d projects' keys deleted",
                team,
                steps,
                projects,
            )

    def forget_user_tokens(self, removal: Removal, user_ids: Iterable[str]) -> None:
        """Only these people's tokens were revoked: their installation rows go, nothing else."""
        if self.installations is None:
            return
        for user_id in user_ids:
            self.installations.delete_installation(
                enterprise_id=removal.workspace.enterprise_id or None,
                team_id=self._store_team(removal),
                user_id=user_id,
            )

    def _teams(self, removal: Removal) -> list[str]:
        """The teams to forget: an org-wide install serves many under one installation."""
        workspace = removal.workspace
        if not (removal.org_wide and workspace.enterprise_id):
            return [workspace.team_id]
        return self._teams_with_data(workspace.enterprise_id) or [workspace.team_id]

    def _teams_with_data(self, enterprise_id: str) -> list[str]:
        query = union(
            select(StepCompletion.team_id).where(StepCompletion.enterprise_id == enterprise_id),
            select(KeyProject.team_id).where(KeyProject.enterprise_id == enterprise_id),
            select(AskedQuestion.team_id).where(AskedQuestion.enterprise_id == enterprise_id),
            select(OrganizationConnection.team_id).where(
                OrganizationConnection.enterprise_id == enterprise_id
            ),
        )
        with self.database.read_session() as session:
            return sorted({str(team) for team in session.scalars(query)})

    def _forget_settings(self, workspace: Workspace) -> None:
        """The workspace's settings, hourly check counts, kept questions, the leak watch's rows
        (its setting, the fingerprints and masks it saw) and its OpenAI admin key: a reinstall
        starts afresh, and nobody's questions outlive the workspace's wish to leave. (Project
        links, rotations and costs go with the projects.)"""
        with self.database.session() as session, session.begin():
            leak_rows.delete_workspace(session, workspace)
            for table in (
                WorkspaceSetting,
                KeyCheck,
                AskedQuestion,
                OrganizationConnection,
                RotationSetting,
            ):
                session.execute(
                    delete(table).where(
                        table.enterprise_id == workspace.enterprise_id,
                        table.team_id == workspace.team_id,
                    )
                )

    def _shred_keys(self, workspace: Workspace, reason: str) -> int:
        """Every key of the workspace crypto-shredded (ciphertexts deleted); audited."""
        with self.database.session() as session, session.begin():
            removed = records.delete_workspace(session, workspace)
            records.add_audit(
                session,
                workspace,
                actor="slack",
                action="shred",
                outcome=reason,
                now=self.clock(),
                detail=f"{removed} projects",
            )
        return removed

    @staticmethod
    def _store_team(removal: Removal) -> str | None:
        # slack-sdk stores an org-wide installation under the enterprise with no team.
        return None if removal.org_wide else removal.workspace.team_id
