"""Connecting a workspace to its OpenAI organization with an admin key, and linking projects.

The admin key is handled like a project key: checked live (``GET
/v1/organization/projects``), stored encrypted and bound to its workspace and purpose, shown
only masked, audited. Only workspace admins (and ``KEY_ADMINS``) connect, link and
disconnect. Projects are linked to OpenAI project ids where OpenAI already said which
project a stored key belongs to (the ``openai-project`` header of its last check); the rest
are chosen by an admin from the organization's list.
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.identity import Actor, Workspace
from bot.keys.access import is_admin
from bot.keys.crypto import BindingContext, DecryptionError, decrypt, encrypt
from bot.keys.key_binding import KeyFaces
from bot.keys.keyring import Keyring
from bot.org.admin_api import ADMIN_KEY_PREFIX, AdminApi, AdminApiError, OrgProject, Problem
from bot.rules.secrets import is_key_shaped
from bot.store import key_records as records
from bot.store import organizations as rows
from bot.store.database import Database
from bot.store.models import KeyProject, StoredKey

log = logging.getLogger(__name__)

PURPOSE = "openai-admin-key"
OPENAI_PROJECT_ID = re.compile(r"proj_[A-Za-z0-9]{1,64}\Z")
LINKED_BY_KEY = "openai"  # ``linked_by`` of a link OpenAI's own answer decided


class Outcome(enum.StrEnum):
    CONNECTED = "connected"
    REFUSED = "refused"  # not an admin
    NOT_ADMIN_KEY = "not_admin_key"  # a project or service-account key: never sent
    REJECTED = "rejected"  # OpenAI said no (``problem`` says why)
    NOT_CONNECTED = "not_connected"
    UNREADABLE = "unreadable"
    DONE = "done"
    UNKNOWN_PROJECT = "unknown_project"


@dataclass(frozen=True)
class Linked:
    project_id: int
    project_name: str
    openai_project_id: str | None
    openai_project_name: str | None


@dataclass(frozen=True)
class ConnectResult:
    outcome: Outcome
    masked: str = ""
    problem: Problem | None = None
    scope: str | None = None
    organization_projects: tuple[OrgProject, ...] = ()
    projects: tuple[Linked, ...] = field(default=())


def binding(workspace: Workspace) -> BindingContext:
    return BindingContext(PURPOSE, workspace.enterprise_id, workspace.team_id, "organization")


class OrganizationService:
    def __init__(
        self,
        database: Database,
        keyring: Keyring,
        api: AdminApi,
        *,
        key_admins: frozenset[str] = frozenset(),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.keyring = keyring
        self.api = api
        self.key_admins = key_admins
        self.clock = clock

    # --- connecting ----------------------------------------------------------------------
    def connect(self, actor: Actor, admin_key: str) -> ConnectResult:
        faces = KeyFaces.of(self.keyring, admin_key)
        if not is_admin(actor, self.key_admins):
            self._audit(actor, "org_connect", "refused", faces.fingerprint_id)
            return ConnectResult(Outcome.REFUSED, faces.masked)
        if not admin_key.startswith(ADMIN_KEY_PREFIX) or not is_key_shaped(admin_key):
            # A project key (or a typo) would be refused by OpenAI anyway: never sent anywhere.
            self._audit(actor, "org_connect", Outcome.NOT_ADMIN_KEY, faces.fingerprint_id)
            return ConnectResult(Outcome.NOT_ADMIN_KEY, faces.masked)
        try:
            projects = tuple(self.api.projects(admin_key))
        except AdminApiError as error:
            detail = f"scope {error.scope}" if error.scope else None
            self._audit(
                actor, "org_connect", f"rejected:{error.problem}", faces.fingerprint_id, detail
            )
            return ConnectResult(Outcome.REJECTED, faces.masked, error.problem, error.scope)
        now = self.clock()
        with self.database.session() as session, session.begin():
            replaced = rows.save_connection(
                session,
                actor.workspace,
                ciphertext=encrypt(self.keyring, admin_key, binding(actor.workspace)),
                keyring_key_id=self.keyring.active_id,
                masked=faces.masked,
                fingerprint=faces.fingerprint,
                connected_by=actor.user_id,
                now=now,
            )
            self._link_by_keys(session, actor.workspace, projects, now)
            records.add_audit(
                session,
                actor.workspace,
                actor=actor.user_id,
                action="org_connect",
                outcome="replaced" if replaced else "connected",
                now=now,
                fingerprint_id=faces.fingerprint_id,
                detail=f"{len(projects)} projects",
            )
        return ConnectResult(
            Outcome.CONNECTED,
            faces.masked,
            organization_projects=projects,
            projects=tuple(self.projects(actor.workspace, projects)),
        )

    def disconnect(self, actor: Actor) -> Outcome:
        """Delete the admin key (and the links); OpenAI's copy of it is the owner's to delete."""
        if not is_admin(actor, self.key_admins):
            self._audit(actor, "org_disconnect", "refused")
            return Outcome.REFUSED
        with self.database.session() as session, session.begin():
            old = rows.delete_connection(session, actor.workspace)
            if old is None:
                return Outcome.NOT_CONNECTED
            records.add_audit(
                session,
                actor.workspace,
                actor=actor.user_id,
                action="org_disconnect",
                outcome="disconnected",
                now=self.clock(),
                fingerprint_id=KeyFaces(old.masked, old.fingerprint).fingerprint_id,
            )
        return Outcome.DONE

    def link(self, actor: Actor, project_id: int, openai_project_id: str) -> Outcome:
        """Link a stored project to an OpenAI project the organization really has."""
        if not is_admin(actor, self.key_admins):
            self._audit(actor, "org_link", "refused")
            return Outcome.REFUSED
        if not OPENAI_PROJECT_ID.match(openai_project_id):
            return Outcome.UNKNOWN_PROJECT
        admin_key = self.admin_key(actor.workspace)
        if admin_key is None:
            return Outcome.NOT_CONNECTED
        known = {project.id: project for project in self.api.projects(admin_key)}
        chosen = known.get(openai_project_id)
        now = self.clock()
        with self.database.session() as session, session.begin():
            project = records.project_by_id(session, actor.workspace, project_id)
            if project is None or chosen is None:
                return Outcome.UNKNOWN_PROJECT
            rows.set_link(
                session, project.id, chosen.id, chosen.name, linked_by=actor.user_id, now=now
            )
            records.add_audit(
                session,
                actor.workspace,
                actor=actor.user_id,
                action="org_link",
                outcome="linked",
                now=now,
                project_name=project.name,
                detail=chosen.id,
            )
        return Outcome.DONE

    # --- reading -------------------------------------------------------------------------
    def connected_workspaces(self) -> list[Workspace]:
        with self.database.read_session() as session:
            return rows.connected_workspaces(session)

    def is_connected(self, workspace: Workspace) -> bool:
        with self.database.read_session() as session:
            return rows.connection(session, workspace) is not None

    def masked_admin_key(self, workspace: Workspace) -> str | None:
        with self.database.read_session() as session:
            row = rows.connection(session, workspace)
            return row.masked if row is not None else None

    def admin_key(self, workspace: Workspace) -> str | None:
        """The plaintext admin key for one Admin API call; None when not connected/readable."""
        with self.database.read_session() as session:
            row = rows.connection(session, workspace)
            ciphertext = row.ciphertext if row is not None else None
        if ciphertext is None:
            return None
        try:
            return decrypt(self.keyring, ciphertext, binding(workspace))
        except DecryptionError:
            log.error("the admin key of team %s does not decrypt", workspace.team_id)
            return None

    def projects(
        self, workspace: Workspace, organization_projects: tuple[OrgProject, ...] = ()
    ) -> list[Linked]:
        """Every stored project with its link (None when not linked yet)."""
        names = {project.id: project.name for project in organization_projects}
        with self.database.read_session() as session:
            links = rows.links(session, workspace)
            stored = records.list_projects(session, workspace)
        linked: list[Linked] = []
        for project in stored:
            link = links.get(project.id)
            openai_id = link.openai_project_id if link is not None else None
            name = names.get(openai_id or "") or (link.openai_project_name if link else None)
            linked.append(Linked(project.id, project.name, openai_id, name))
        return linked

    # --- helpers -------------------------------------------------------------------------
    def _link_by_keys(
        self,
        session: Session,
        workspace: Workspace,
        projects: tuple[OrgProject, ...],
        now: datetime,
    ) -> None:
        """Link each unlinked project whose stored key OpenAI placed in a known project."""
        known = {project.id: project for project in projects}
        existing = rows.links(session, workspace)
        found = session.execute(
            select(KeyProject.id, StoredKey.openai_project)
            .join(StoredKey, StoredKey.project_id == KeyProject.id)
            .where(
                KeyProject.enterprise_id == workspace.enterprise_id,
                KeyProject.team_id == workspace.team_id,
            )
        )
        for project_id, openai_project in found:
            if project_id in existing or openai_project not in known:
                continue
            chosen = known[openai_project]
            rows.set_link(
                session, project_id, chosen.id, chosen.name, linked_by=LINKED_BY_KEY, now=now
            )

    def _audit(
        self,
        actor: Actor,
        action: str,
        outcome: str,
        print_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        with self.database.session() as session, session.begin():
            records.add_audit(
                session,
                actor.workspace,
                actor=actor.user_id,
                action=action,
                outcome=str(outcome),
                now=self.clock(),
                fingerprint_id=print_id,
                detail=detail,
            )
