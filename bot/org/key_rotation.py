""" "Rotate now": a new service-account key for a linked project, stored here, announced, and
the old key deleted on OpenAI after the grace period the admin chose.

Every step is a committed state of a ``KeyRotation`` row, so a restart (the scheduled job
calls ``resume_all``) continues where the last process stopped:

- started: nothing created yet, or the process died during the create call. A service
  account with this rotation's unique name is looked for first and deleted (its key was
  never seen, so it could never be stored), then the key is created.
- created: the new key is held, encrypted and bound to this rotation, before anything else.
- stored: it is the project's key (the old one still works on OpenAI).
- announced: the maintainers were told to pick it up (``keys export``).
- done: the old key is deleted on OpenAI (after ``delete_after``).
"""

from __future__ import annotations

import enum
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.identity import Actor, Workspace
from bot.keys.access import is_admin
from bot.keys.audit import AuditLog
from bot.keys.crypto import BindingContext, decrypt, encrypt
from bot.keys.key_binding import KeyFaces, binding
from bot.keys.probe import OpenAIProbe
from bot.keys.service import STATUS_OF
from bot.org.admin_api import AdminApiError, Problem
from bot.org.connection import OrganizationService
from bot.org.inventory import matches_redacted
from bot.store import key_records as records
from bot.store.key_records import KeyRecord
from bot.store.models import KeyProject, StoredKey
from bot.store.organization_models import KeyRotation, ProjectLink

log = logging.getLogger(__name__)

PENDING_PURPOSE = "openai-rotation-key"
GRACE_CHOICES = (0, 1, 7)
EXPIRY_CHOICES = (None, 30, 90, 180)
FINISHED = ("done", "failed")
ACTOR = "rotation"


class Start(enum.StrEnum):
    STARTED = "started"
    REFUSED = "refused"
    NOT_CONNECTED = "not_connected"
    NOT_LINKED = "not_linked"
    NO_KEY = "no_key"
    IN_PROGRESS = "in_progress"
    INVALID = "invalid"


@dataclass(frozen=True)
class Announcement:
    """What the maintainers hear once the new key is stored."""

    workspace: Workspace
    project_name: str
    masked: str
    grace_days: int
    old_key_known: bool
    maintainers: frozenset[str]


def pending_binding(workspace: Workspace, rotation_id: int) -> BindingContext:
    return BindingContext(
        PENDING_PURPOSE, workspace.enterprise_id, workspace.team_id, str(rotation_id)
    )


class KeyRotator:
    def __init__(
        self,
        organization: OrganizationService,
        probe: OpenAIProbe,
        *,
        key_admins: frozenset[str] = frozenset(),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        after_step: Callable[[str], None] = lambda _state: None,
    ) -> None:
        self.organization = organization
        self.database = organization.database
        self.keyring = organization.keyring
        self.api = organization.api
        self.probe = probe
        self.key_admins = key_admins
        self.clock = clock
        self.audit = AuditLog(self.database, lambda: self.clock(), key_admins)
        # Called after each committed step; tests stop the process here to prove resuming.
        self.after_step = after_step

    # --- starting --------------------------------------------------------------------------
    def start(
        self, actor: Actor, project_id: int, grace_days: int, expires_in_days: int | None = None
    ) -> tuple[Start, int | None]:
        if not is_admin(actor, self.key_admins):
            self.audit.record(actor.workspace, actor.user_id, "rotate", "refused", None)
            return Start.REFUSED, None
        if grace_days not in GRACE_CHOICES or expires_in_days not in EXPIRY_CHOICES:
            return Start.INVALID, None
        admin_key = self.organization.admin_key(actor.workspace)
        if admin_key is None:
            return Start.NOT_CONNECTED, None
        with self.database.read_session() as session:
            project = records.project_by_id(session, actor.workspace, project_id)
            link = session.get(ProjectLink, project_id) if project is not None else None
            stored = records.stored_key(session, project_id) if project is not None else None
            running = session.scalar(
                select(KeyRotation.id).where(
                    KeyRotation.project_id == project_id, KeyRotation.state.not_in(FINISHED)
                )
            )
        if project is None or link is None:
            return Start.NOT_LINKED, None
        if stored is None:
            return Start.NO_KEY, None
        if running is not None:
            return Start.IN_PROGRESS, running
        old_key_id = self._old_key_id(actor.workspace, admin_key, link.openai_project_id, stored)
        now = self.clock()
        with self.database.session() as session, session.begin():
            rotation = KeyRotation(
                project_id=project_id,
                openai_project_id=link.openai_project_id,
                state="started",
                old_key_id=old_key_id,
                service_account_name=f"openai-setup rotation {secrets.token_hex(4)}",
                grace_days=grace_days,
                expires_in_days=expires_in_days,
                started_by=actor.user_id,
                started_at=now,
                updated_at=now,
            )
            session.add(rotation)
            session.flush()
            rotation_id = rotation.id
            records.add_audit(
                session,
                actor.workspace,
                actor=actor.user_id,
                action="rotate",
                outcome="started",
                now=now,
                project_name=project.name,
                detail=f"grace {grace_days} days; old key {'known' if old_key_id else 'unknown'}",
            )
        return Start.STARTED, rotation_id

    # --- advancing -------------------------------------------------------------------------
    def advance(
        self,
        rotation_id: int,
        announce: Callable[[Announcement], None],
        now: datetime | None = None,
    ) -> str:
        """Take the rotation as far as it can go now; its state afterwards."""
        while True:
            now = now or self.clock()
            with self.database.read_session() as session:
                rotation = session.get(KeyRotation, rotation_id)
                project = session.get(KeyProject, rotation.project_id) if rotation else None
            if rotation is None or project is None:
                return "failed"
            workspace = Workspace(project.enterprise_id, project.team_id)
            step = {
                "started": self._create,
                "created": self._store,
                "stored": self._announce,
                "announced": self._delete_old,
            }.get(rotation.state)
            if step is None:
                return rotation.state
            admin_key = self.organization.admin_key(workspace)
            if admin_key is None:
                return rotation.state  # disconnected meanwhile: resumes if connected again
            new_state = step(rotation, project, workspace, admin_key, announce, now)
            if new_state == rotation.state:
                return new_state
            self.after_step(new_state)

    def resume_all(self, announce: Callable[[Announcement], None], now: datetime) -> None:
        """The scheduled job: every unfinished rotation, one after the other."""
        with self.database.read_session() as session:
            unfinished = list(
                session.scalars(select(KeyRotation.id).where(KeyRotation.state.not_in(FINISHED)))
            )
        for rotation_id in unfinished:
            try:
                self.advance(rotation_id, announce, now)
            except AdminApiError as error:
                if error.problem is Problem.RATE_LIMITED:
                    raise
                log.warning("rotation %d waits: %s", rotation_id, error.problem)

    # --- the steps -------------------------------------------------------------------------
    def _create(
        self,
        rotation: KeyRotation,
        project: KeyProject,
        workspace: Workspace,
        admin_key: str,
        announce: Callable[[Announcement], None],
        now: datetime,
    ) -> str:
        for key in self.api.keys(admin_key, rotation.openai_project_id):
            if key.owner_type == "service_account" and key.owner == rotation.service_account_name:
                # Made by a run that died before saving it: nobody can have its value.
                self.api.delete_key(admin_key, rotation.openai_project_id, key.id)
        created = self.api.create_service_key(
            admin_key,
            rotation.openai_project_id,
            rotation.service_account_name,
            rotation.expires_in_days,
        )
        sealed = encrypt(self.keyring, created.value, pending_binding(workspace, rotation.id))
        fingerprint_id = KeyFaces.of(self.keyring, created.value).fingerprint_id
        with self.database.session() as session, session.begin():
            row = _move(
                session, rotation.id, workspace, project.name, "created", now, fingerprint_id
            )
            row.new_key_id = created.id
            row.pending_ciphertext = sealed
        return "created"

    def _store(
        self,
        rotation: KeyRotation,
        project: KeyProject,
        workspace: Workspace,
        admin_key: str,
        announce: Callable[[Announcement], None],
        now: datetime,
    ) -> str:
        assert rotation.pending_ciphertext is not None and rotation.new_key_id is not None
        new_key = decrypt(
            self.keyring, rotation.pending_ciphertext, pending_binding(workspace, rotation.id)
        )
        faces = KeyFaces.of(self.keyring, new_key)
        result = self.probe.validate(new_key, organization=None, project=None, check_billing=False)
        if not result.outcome.stores_key:
            if result.outcome.value == "try_later":
                return rotation.state  # the next run checks again
            self.api.delete_key(admin_key, rotation.openai_project_id, rotation.new_key_id)
            self._finish(rotation.id, workspace, project.name, "failed", now, str(result.outcome))
            return "failed"
        with self.database.session() as session, session.begin():
            records.write_key(
                session,
                project.id,
                KeyRecord(
                    ciphertext=encrypt(self.keyring, new_key, binding(workspace, project.id)),
                    keyring_key_id=self.keyring.active_id,
                    masked=faces.masked,
                    fingerprint=faces.fingerprint,
                    status=STATUS_OF[result.outcome],
                    outcome=str(result.outcome),
                    openai_organization=result.organization,
                    openai_project=result.project or rotation.openai_project_id,
                    organization_hint=None,
                    project_hint=None,
                    set_by=ACTOR,
                    set_at=now,
                ),
            )
            row = _move(
                session, rotation.id, workspace, project.name, "stored", now, faces.fingerprint_id
            )
            row.pending_ciphertext = None
            row.delete_after = now + timedelta(days=row.grace_days)
        return "stored"

    def _announce(
        self,
        rotation: KeyRotation,
        project: KeyProject,
        workspace: Workspace,
        admin_key: str,
        announce: Callable[[Announcement], None],
        now: datetime,
    ) -> str:
        with self.database.read_session() as session:
            stored = records.stored_key(session, project.id)
            maintainers = records.maintainers(session, project.id)
        announce(
            Announcement(
                workspace,
                project.name,
                stored.masked if stored else "",
                rotation.grace_days,
                rotation.old_key_id is not None,
                maintainers,
            )
        )
        self._set_state(rotation.id, workspace, project.name, "announced", now)
        return "announced"

    def _delete_old(
        self,
        rotation: KeyRotation,
        project: KeyProject,
        workspace: Workspace,
        admin_key: str,
        announce: Callable[[Announcement], None],
        now: datetime,
    ) -> str:
        delete_after = rotation.delete_after
        if delete_after is not None and delete_after.tzinfo is None:
            delete_after = delete_after.replace(tzinfo=UTC)
        if delete_after is not None and now < delete_after:
            return rotation.state
        if rotation.old_key_id is not None:
            try:
                self.api.delete_key(admin_key, rotation.openai_project_id, rotation.old_key_id)
            except AdminApiError as error:
                if error.problem is not Problem.NOT_FOUND:
                    raise
        self._finish(
            rotation.id,
            workspace,
            project.name,
            "done",
            now,
            "old key deleted" if rotation.old_key_id else "old key unknown: delete it by hand",
        )
        return "done"

    # --- helpers ---------------------------------------------------------------------------
    def _old_key_id(
        self, workspace: Workspace, admin_key: str, openai_project_id: str, stored: StoredKey
    ) -> str | None:
        try:
            plain = decrypt(self.keyring, stored.ciphertext, binding(workspace, stored.project_id))
            for key in self.api.keys(admin_key, openai_project_id):
                if matches_redacted(key.redacted_value, plain):
                    return key.id
        except (AdminApiError, ValueError) as error:
            log.warning(
                "old key of project %d not found on OpenAI: %s",
                stored.project_id,
                type(error).__name__,
            )
        return None

    def _set_state(
        self, rotation_id: int, workspace: Workspace, project_name: str, state: str, now: datetime
    ) -> None:
        with self.database.session() as session, session.begin():
            _move(session, rotation_id, workspace, project_name, state, now)

    def _finish(
        self,
        rotation_id: int,
        workspace: Workspace,
        project_name: str,
        state: str,
        now: datetime,
        detail: str,
    ) -> None:
        with self.database.session() as session, session.begin():
            row = _move(session, rotation_id, workspace, project_name, state, now, detail=detail)
            row.pending_ciphertext = None
            row.detail = detail[:200]


def _move(
    session: Session,
    rotation_id: int,
    workspace: Workspace,
    project_name: str,
    state: str,
    now: datetime,
    fingerprint_id: str | None = None,
    *,
    detail: str | None = None,
) -> KeyRotation:
    """The rotation's row, moved to ``state`` as of ``now``, with the audit row that says so
    (written in the caller's transaction, beside whatever else the step changes)."""
    row = session.get(KeyRotation, rotation_id)
    assert row is not None
    row.state = state
    row.updated_at = now
    records.add_audit(
        session,
        workspace,
        actor=ACTOR,
        action="rotate",
        outcome=state,
        now=now,
        project_name=project_name,
        fingerprint_id=fingerprint_id,
        detail=detail,
    )
    return row
