"""Team keys: submit (check live, then store), test, revoke, list, with authorisation and an
audit row for every write, test, refusal and failure. No Slack here; the caller renders.

Exports live in ``bot.keys.export`` and the audit trail in ``bot.keys.audit``; every job
answers with a ``bot.keys.results.Verdict``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from bot.identity import Actor, Workspace
from bot.keys.access import is_admin, may_manage
from bot.keys.audit import AuditLog, audit_detail
from bot.keys.crypto import DecryptionError, decrypt, encrypt, fingerprint_id
from bot.keys.key_binding import KeyFaces, binding
from bot.keys.keyring import Keyring
from bot.keys.limits import Limiter
from bot.keys.probe import OpenAIProbe
from bot.keys.results import KeyResult, Verdict
from bot.keys.validation import KeyOutcome, ValidationResult
from bot.rules.submission import Field, Problem, ProjectName, parse_project_name
from bot.store import key_records as records
from bot.store.database import Database
from bot.store.key_records import KeyRecord, ProjectRow

log = logging.getLogger(__name__)

STORE_ATTEMPTS = 3
STATUS_OF = {
    KeyOutcome.VALID: "valid",
    KeyOutcome.RESTRICTED: "restricted",
    KeyOutcome.NO_CREDIT: "needs_credit",
    KeyOutcome.SPEND_CAP: "spend_capped",
}
REJECTED_STATUS = "rejected"  # a stored key OpenAI no longer accepts


class KeyService:
    def __init__(
        self,
        database: Database,
        keyring: Keyring,
        probe: OpenAIProbe,
        *,
        key_admins: frozenset[str] = frozenset(),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        limiter: Limiter | None = None,
    ) -> None:
        self.database = database
        self.keyring = keyring
        self.probe = probe
        self.key_admins = key_admins
        self.clock = clock
        self.limiter = limiter  # None: no limits (operator tools, storage tests)
        self.audit = AuditLog(database, clock, key_admins)

    # --- reading ---------------------------------------------------------------------------
    def list_projects(self, workspace: Workspace) -> list[ProjectRow]:
        with self.database.read_session() as session:
            return records.list_projects(session, workspace)

    def project(self, workspace: Workspace, project_id: int) -> ProjectRow | None:
        """One project of ``workspace`` (None for an id that belongs elsewhere)."""
        with self.database.read_session() as session:
            rows = records.list_projects(session, workspace, project_id)
        return rows[0] if rows else None

    def may_manage(self, actor: Actor, project: ProjectRow | None) -> bool:
        maintainers = project.maintainers if project else frozenset({actor.user_id})
        return may_manage(actor, self.key_admins, maintainers)

    # --- submitting ------------------------------------------------------------------------
    def submit(
        self,
        actor: Actor,
        project_name: str,
        api_key: str,
        *,
        organization: str | None = None,
        openai_project: str | None = None,
        check_billing: bool = True,
    ) -> KeyResult:
        """Check ``api_key`` live and store it for the project when OpenAI accepts it.

        A project name the rules refuse is audited (without the name) and ends here.
        """
        project = parse_project_name(project_name)
        faces = KeyFaces.of(self.keyring, api_key)
        if isinstance(project, Problem):
            self.audit.refuse_input(actor.workspace, actor.user_id, None, {Field.PROJECT: project})
            return KeyResult(Verdict.INVALID, "", faces.masked)
        name = project.shown
        if not self._may_submit(actor, project):
            self._record(actor, "set", "refused", name, faces.fingerprint_id)
            return KeyResult(Verdict.REFUSED, name, faces.masked)
        held = self._held(actor, "set", name, faces, new_name=name)
        if held is not None:
            return held
        result = self.probe.validate(
            api_key, organization=organization, project=openai_project, check_billing=check_billing
        )
        if not result.outcome.stores_key:
            outcome = f"rejected:{result.outcome}"
            self._record(actor, "set", outcome, name, faces.fingerprint_id, audit_detail(result))
            return KeyResult(Verdict.REJECTED, name, faces.masked, result)
        for attempt in range(STORE_ATTEMPTS):
            try:
                hints = (organization, openai_project)
                return self._store(actor, project, api_key, hints, faces, result)
            except IntegrityError:
                # Another submission inserted the project's first key at the same moment:
                # run again, now as a replacement of that key.
                if attempt == STORE_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _store(
        self,
        actor: Actor,
        name: ProjectName,
        api_key: str,
        hints: tuple[str | None, str | None],
        faces: KeyFaces,
        result: ValidationResult,
    ) -> KeyResult:
        """Write the checked key (and create its project if new) in one transaction.

        ``hints``: the organization and OpenAI project ids the person gave, if any.
        """
        now = self.clock()
        with self.database.session() as session, session.begin():
            project, _created = records.get_or_create_project(
                session, actor.workspace, name, actor.user_id, now
            )
            # Checked again inside the write: the project may have appeared meanwhile.
            if not may_manage(actor, self.key_admins, records.maintainers(session, project.id)):
                records.add_audit(
                    session,
                    actor.workspace,
                    actor=actor.user_id,
                    action="set",
                    outcome="refused",
                    now=now,
                    project_name=project.name,
                    fingerprint_id=faces.fingerprint_id,
                )
                return KeyResult(Verdict.REFUSED, project.name, faces.masked)
            ciphertext = encrypt(self.keyring, api_key, binding(actor.workspace, project.id))
            replaced = records.write_key(
                session,
                project.id,
                KeyRecord(
                    ciphertext=ciphertext,
                    keyring_key_id=self.keyring.active_id,
                    masked=faces.masked,
                    fingerprint=faces.fingerprint,
                    status=STATUS_OF[result.outcome],
                    outcome=str(result.outcome),
                    openai_organization=result.organization,
                    openai_project=result.project,
                    organization_hint=hints[0],
                    project_hint=hints[1],
                    set_by=actor.user_id,
                    set_at=now,
                ),
            )
            records.add_audit(
                session,
                actor.workspace,
                actor=actor.user_id,
                action="replace" if replaced else "set",
                outcome=str(result.outcome),
                now=now,
                project_name=project.name,
                fingerprint_id=faces.fingerprint_id,
                detail=audit_detail(result),
            )
            project_name = project.name
        return KeyResult(
            Verdict.DONE, project_name, faces.masked, result, stored=True, replaced=replaced
        )

    # --- testing and revoking --------------------------------------------------------------
    def test_key(self, actor: Actor, project_id: int) -> KeyResult:
        """The guide's step 6 with the stored key: a "Say hello" request; status updated."""
        loaded = self._load_for_write(actor, project_id, "test")
        if isinstance(loaded, KeyResult):
            return loaded
        project, api_key, stored = loaded
        held = self._held(actor, "test", project.name, stored.faces)
        if held is not None:
            return held
        result = self.probe.test_key(
            api_key, organization=stored.organization_hint, project=stored.project_hint
        )
        now = self.clock()
        status = STATUS_OF.get(result.outcome)
        if result.outcome in (KeyOutcome.INVALID, KeyOutcome.ACCOUNT_PROBLEM):
            status = REJECTED_STATUS
        with self.database.session() as session, session.begin():
            records.record_check(
                session,
                project.id,
                stored.faces.fingerprint,
                outcome=str(result.outcome),
                status=status,
                now=now,
            )
            records.add_audit(
                session,
                actor.workspace,
                actor=actor.user_id,
                action="test",
                outcome=str(result.outcome),
                now=now,
                project_name=project.name,
                fingerprint_id=stored.faces.fingerprint_id,
                detail=audit_detail(result),
            )
        return KeyResult(Verdict.DONE, project.name, stored.faces.masked, result, stored=True)

    def revoke(self, actor: Actor, project_id: int) -> KeyResult:
        """Delete the stored ciphertext (the audit trail stays). OpenAI's copy is the user's."""
        if self.project(actor.workspace, project_id) is None:
            return self._missing(actor, "revoke", project_id)
        with self.database.session() as session, session.begin():
            project = records.project_by_id(session, actor.workspace, project_id)
            if project is None:  # deleted in between: nothing left to revoke
                return KeyResult(Verdict.NOT_FOUND, "")
            allowed = may_manage(actor, self.key_admins, records.maintainers(session, project.id))
            row = records.stored_key(session, project.id)
            print_id = fingerprint_id(row.fingerprint) if row else None
            if allowed and row is None:
                return KeyResult(Verdict.NOT_FOUND, project.name)
            masked = row.masked if row else None
            if allowed:
                records.delete_key(session, project.id)
            records.add_audit(
                session,
                actor.workspace,
                actor=actor.user_id,
                action="revoke",
                outcome="revoked" if allowed else "refused",
                now=self.clock(),
                project_name=project.name,
                fingerprint_id=print_id,
            )
            if not allowed:
                return KeyResult(Verdict.REFUSED, project.name)
        return KeyResult(Verdict.DONE, project.name, masked)

    # --- helpers ---------------------------------------------------------------------------
    def _may_submit(self, actor: Actor, project: ProjectName) -> bool:
        with self.database.read_session() as session:
            found = records.find_project(session, actor.workspace, project)
            maintainers = records.maintainers(session, found.id) if found else None
        return maintainers is None or may_manage(actor, self.key_admins, maintainers)

    def _load_for_write(
        self, actor: Actor, project_id: int, action: str
    ) -> tuple[ProjectRow, str, _StoredKey] | KeyResult:
        project = self.project(actor.workspace, project_id)
        if project is None:
            return self._missing(actor, action, project_id)
        print_id = fingerprint_id(project.key.fingerprint) if project.key else None
        if not may_manage(actor, self.key_admins, project.maintainers):
            self._record(actor, action, "refused", project.name, print_id)
            return KeyResult(Verdict.REFUSED, project.name)
        with self.database.read_session() as session:
            row = records.stored_key(session, project.id)
            if row is None:
                return KeyResult(Verdict.NOT_FOUND, project.name)
            stored = _StoredKey(
                KeyFaces(row.masked, row.fingerprint), row.organization_hint, row.project_hint
            )
            ciphertext = row.ciphertext
        try:
            api_key = decrypt(self.keyring, ciphertext, binding(actor.workspace, project.id))
        except DecryptionError:
            log.error("stored key of project %d does not decrypt", project.id)
            self._record(actor, action, "unreadable", project.name, print_id)
            return KeyResult(Verdict.UNREADABLE, project.name, stored.faces.masked)
        return project, api_key, stored

    def _held(
        self, actor: Actor, action: str, name: str, faces: KeyFaces, new_name: str | None = None
    ) -> KeyResult | None:
        """Limits and the creation setting, before OpenAI; a hold is audited and returned.

        ``new_name``: a submission's project name, which creates the project if it is new.
        """
        if self.limiter is None:
            return None
        admin = is_admin(actor, self.key_admins)
        hold = self.limiter.reserve(actor, admin=admin, project_name=new_name)
        if hold is None:
            return None
        self._record(actor, action, hold.outcome, name, faces.fingerprint_id, hold.detail)
        return KeyResult(Verdict.HELD, name, faces.masked, hold=hold)

    def _missing(self, actor: Actor, action: str, project_id: int) -> KeyResult:
        detail = f"project id {project_id}"
        self._record(actor, action, "not_found", None, None, detail)
        return KeyResult(Verdict.NOT_FOUND, "")

    def _record(
        self,
        actor: Actor,
        action: str,
        outcome: str,
        project_name: str | None,
        print_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        self.audit.record(
            actor.workspace, actor.user_id, action, outcome, project_name, print_id, detail
        )


@dataclass(frozen=True)
class _StoredKey:
    faces: KeyFaces
    organization_hint: str | None
    project_hint: str | None
