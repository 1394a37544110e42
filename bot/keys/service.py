"""Team keys: set, replace, test, revoke, list, export, with authorisation and an audit row
for every write, test, export, refusal and failure. No Slack here; the caller renders."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy.exc import IntegrityError

from bot.identity import Actor, Workspace
from bot.keys.access import is_admin, may_manage, may_read_audit
from bot.keys.crypto import (
    BindingContext,
    DecryptionError,
    decrypt,
    encrypt,
    fingerprint,
    mask,
)
from bot.keys.keyring import Keyring
from bot.keys.limits import Hold, Limiter
from bot.keys.probe import OpenAIProbe
from bot.keys.validation import KeyOutcome, ValidationResult
from bot.rules.submission import Field, Problem, ProjectName, parse_project_name
from bot.store import key_records as records
from bot.store.database import Database
from bot.store.key_records import ProjectRow
from bot.store.models import AuditEvent, StoredKey

log = logging.getLogger(__name__)

PURPOSE = "openai-api-key"
STORE_ATTEMPTS = 3
STATUS_OF = {
    KeyOutcome.VALID: "valid",
    KeyOutcome.RESTRICTED: "restricted",
    KeyOutcome.NO_CREDIT: "needs_credit",
    KeyOutcome.SPEND_CAP: "spend_capped",
}


class Verdict(StrEnum):
    DONE = "done"
    REFUSED = "refused"  # not allowed
    NOT_FOUND = "not_found"  # no such project (in this workspace) or no key stored
    UNREADABLE = "unreadable"  # the stored value did not decrypt (tampered, wrong keyring)
    INVALID = "invalid"  # the input breaks the submission rules (bot.rules.submission)
    HELD = "held"  # stopped before OpenAI by a limit or the creation setting (see ``hold``)


@dataclass(frozen=True)
class KeyResult:
    """What happened; ``validation`` is set when OpenAI was asked."""

    verdict: Verdict
    project_name: str
    masked: str | None = None
    validation: ValidationResult | None = None
    stored: bool = False
    replaced: bool = False
    hold: Hold | None = None


def binding(workspace: Workspace, project_id: int) -> BindingContext:
    return BindingContext(PURPOSE, workspace.enterprise_id, workspace.team_id, str(project_id))


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

    def audit_trail(self, actor: Actor, project_name: str | None = None) -> list[AuditEvent] | None:
        """Recent audit rows for admins; None (and an audit row) for anyone else.

        A ``project_name`` the name rules refuse matches nothing and is never written down.
        """
        name = parse_project_name(project_name) if project_name else None
        shown = name.shown if isinstance(name, ProjectName) else None
        if not may_read_audit(actor, self.key_admins):
            self._audit(actor.workspace, actor.user_id, "audit", "refused", shown)
            return None
        if isinstance(name, Problem):
            return []
        with self.database.read_session() as session:
            return records.recent_audit(session, actor.workspace, shown)

    # --- writing ---------------------------------------------------------------------------
    def may_submit(self, actor: Actor, project_name: str) -> bool:
        with self.database.read_session() as session:
            project = records.find_project(session, actor.workspace, project_name)
            maintainers = records.maintainers(session, project.id) if project else None
        return maintainers is None or may_manage(actor, self.key_admins, maintainers)

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

        A ``project_name`` the name rules refuse is audited (without the name) and ends here.
        """
        project = parse_project_name(project_name)
        shown = mask(api_key)
        if isinstance(project, Problem):
            self.refuse_input(actor.workspace, actor.user_id, None, {Field.PROJECT: project})
            return KeyResult(Verdict.INVALID, "", shown)
        name = project.shown
        print_id = fingerprint(self.keyring, api_key)[:12]
        if not self.may_submit(actor, name):
            self._audit(actor.workspace, actor.user_id, "set", "refused", name, print_id)
            return KeyResult(Verdict.REFUSED, name, shown)
        held = self._held(actor, "set", name, shown, print_id, new_name=name)
        if held is not None:
            return held
        result = self.probe.validate(
            api_key, organization=organization, project=openai_project, check_billing=check_billing
        )
        if not result.outcome.stores_key:
            self._audit(
                actor.workspace,
                actor.user_id,
                "set",
                f"rejected:{result.outcome}",
                name,
                print_id,
                _detail(result),
            )
            return KeyResult(Verdict.DONE, name, shown, result, stored=False)
        for attempt in range(STORE_ATTEMPTS):
            try:
                return self._store(actor, project, api_key, result, organization, openai_project)
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
        result: ValidationResult,
        organization: str | None,
        openai_project: str | None,
    ) -> KeyResult:
        now = self.clock()
        full_print = fingerprint(self.keyring, api_key)
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
                    fingerprint_id=full_print[:12],
                )
                return KeyResult(Verdict.REFUSED, project.name, mask(api_key))
            row = records.stored_key(session, project.id)
            replaced = row is not None
            if row is None:
                row = StoredKey(project_id=project.id, version=0)
                session.add(row)
            row.ciphertext = encrypt(self.keyring, api_key, binding(actor.workspace, project.id))
            row.keyring_key_id = self.keyring.active_id
            row.masked = mask(api_key)
            row.fingerprint = full_print
            row.status = STATUS_OF[result.outcome]
            row.openai_organization = result.organization
            row.openai_project = result.project
            row.organization_hint = organization
            row.project_hint = openai_project
            row.set_by = actor.user_id
            row.set_at = now
            row.last_checked_at = now
            row.last_outcome = str(result.outcome)
            row.version = (row.version or 0) + 1
            records.add_audit(
                session,
                actor.workspace,
                actor=actor.user_id,
                action="replace" if replaced else "set",
                outcome=str(result.outcome),
                now=now,
                project_name=project.name,
                fingerprint_id=full_print[:12],
                detail=_detail(result),
            )
            project_name = project.name
        return KeyResult(
            Verdict.DONE, project_name, mask(api_key), result, stored=True, replaced=replaced
        )

    def test(self, actor: Actor, project_id: int) -> KeyResult:
        """The guide's step 6 with the stored key: a "Say hello" request; status updated."""
        loaded = self._load_for_write(actor, project_id, "test")
        if isinstance(loaded, KeyResult):
            return loaded
        project, api_key, key_row = loaded
        held = self._held(actor, "test", project.name, key_row.masked, key_row.fingerprint[:12])
        if held is not None:
            return held
        result = self.probe.hello(
            api_key, organization=key_row.organization_hint, project=key_row.project_hint
        )
        now = self.clock()
        with self.database.session() as session, session.begin():
            row = records.stored_key(session, project.id)
            if row is not None and row.fingerprint == key_row.fingerprint:
                row.last_checked_at = now
                row.last_outcome = str(result.outcome)
                if result.outcome in STATUS_OF:
                    row.status = STATUS_OF[result.outcome]
                elif result.outcome in (KeyOutcome.INVALID, KeyOutcome.ACCOUNT_PROBLEM):
                    row.status = "rejected"
            records.add_audit(
                session,
                actor.workspace,
                actor=actor.user_id,
                action="test",
                outcome=str(result.outcome),
                now=now,
                project_name=project.name,
                fingerprint_id=key_row.fingerprint[:12],
                detail=_detail(result),
            )
        return KeyResult(Verdict.DONE, project.name, key_row.masked, result, stored=True)

    def revoke(self, actor: Actor, project_id: int) -> KeyResult:
        """Delete the stored ciphertext (the audit trail stays). OpenAI's copy is the user's."""
        if self.project(actor.workspace, project_id) is None:
            return self._missing(actor, "revoke", str(project_id))
        with self.database.session() as session, session.begin():
            project = records.project_by_id(session, actor.workspace, project_id)
            if project is None:  # deleted in between: nothing left to revoke
                return KeyResult(Verdict.NOT_FOUND, "")
            allowed = may_manage(actor, self.key_admins, records.maintainers(session, project.id))
            row = records.stored_key(session, project.id)
            print_id = row.fingerprint[:12] if row else None

            def audit(outcome: str) -> None:
                records.add_audit(
                    session,
                    actor.workspace,
                    actor=actor.user_id,
                    action="revoke",
                    outcome=outcome,
                    now=self.clock(),
                    project_name=project.name,
                    fingerprint_id=print_id,
                )

            if not allowed:
                audit("refused")
                return KeyResult(Verdict.REFUSED, project.name)
            if row is None:
                return KeyResult(Verdict.NOT_FOUND, project.name)
            masked = row.masked
            records.delete_key(session, project.id)
            audit("revoked")
        return KeyResult(Verdict.DONE, project.name, masked)

    def export(self, workspace: Workspace, project_name: str, operator: str = "cli") -> str:
        """The plaintext key, for the operator's command line only; always audited.

        Raises LookupError for a name the rules refuse (audited without it) or no stored key.
        """
        parsed = parse_project_name(project_name)
        if isinstance(parsed, Problem):
            self.refuse_input(workspace, operator, None, {Field.PROJECT: parsed}, action="export")
            raise LookupError("not a valid project name")
        with self.database.read_session() as session:
            project = records.find_project(session, workspace, parsed)
            row = records.stored_key(session, project.id) if project else None
            found = (
                (project.id, project.name, row.ciphertext, row.fingerprint[:12])
                if (project is not None and row is not None)
                else None
            )
        if found is None:
            self._audit(workspace, operator, "export", "not_found", parsed.shown)
            raise LookupError("no stored key for this project")
        project_id, name, ciphertext, print_id = found
        try:
            api_key = decrypt(self.keyring, ciphertext, binding(workspace, project_id))
        except DecryptionError:
            self._audit(workspace, operator, "export", "unreadable", name, print_id)
            raise
        self._audit(workspace, operator, "export", "exported", name, print_id)
        return api_key

    def refuse_input(
        self,
        workspace: Workspace,
        actor: str,
        project: ProjectName | None,
        problems: Mapping[Field, Problem],
        *,
        action: str = "set",
    ) -> None:
        """Audit input the submission rules refused: which fields and why, never the values.

        ``project``: the name, only when it was valid (a refused name is not written down).
        """
        leaked = any(problem.leaked for problem in problems.values())
        self._audit(
            workspace,
            actor,
            action,
            "refused:leaked_key" if leaked else "refused:input",
            project.shown if project else None,
            detail=", ".join(f"{which}: {problem.code}" for which, problem in problems.items()),
        )

    def forget_workspace(self, workspace: Workspace, reason: str) -> int:
        """Crypto-shred every key of a workspace (app uninstalled): ciphertexts deleted."""
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

    # --- helpers ---------------------------------------------------------------------------
    def _load_for_write(
        self, actor: Actor, project_id: int, action: str
    ) -> tuple[ProjectRow, str, _KeyRow] | KeyResult:
        project = self.project(actor.workspace, project_id)
        if project is None:
            return self._missing(actor, action, str(project_id))
        print_id = project.key.fingerprint[:12] if project.key else None
        if not may_manage(actor, self.key_admins, project.maintainers):
            self._audit(actor.workspace, actor.user_id, action, "refused", project.name, print_id)
            return KeyResult(Verdict.REFUSED, project.name)
        with self.database.read_session() as session:
            row = records.stored_key(session, project.id)
            if row is None:
                return KeyResult(Verdict.NOT_FOUND, project.name)
            key_row = _KeyRow(row.fingerprint, row.masked, row.organization_hint, row.project_hint)
            ciphertext = row.ciphertext
        try:
            api_key = decrypt(self.keyring, ciphertext, binding(actor.workspace, project.id))
        except DecryptionError:
            log.error("stored key of project %d does not decrypt", project.id)
            self._audit(
                actor.workspace, actor.user_id, action, "unreadable", project.name, print_id
            )
            return KeyResult(Verdict.UNREADABLE, project.name, key_row.masked)
        return project, api_key, key_row

    def _held(
        self,
        actor: Actor,
        action: str,
        name: str,
        masked: str,
        print_id: str,
        new_name: str | None = None,
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
        self._audit(
            actor.workspace, actor.user_id, action, hold.outcome, name, print_id, hold.detail
        )
        return KeyResult(Verdict.HELD, name, masked, hold=hold)

    def _missing(self, actor: Actor, action: str, what: str) -> KeyResult:
        self._audit(
            actor.workspace, actor.user_id, action, "not_found", None, None, f"project id {what}"
        )
        return KeyResult(Verdict.NOT_FOUND, "")

    def _audit(
        self,
        workspace: Workspace,
        actor: str,
        action: str,
        outcome: str,
        project_name: str | None,
        print_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        with self.database.session() as session, session.begin():
            records.add_audit(
                session,
                workspace,
                actor=actor,
                action=action,
                outcome=outcome,
                now=self.clock(),
                project_name=project_name,
                fingerprint_id=print_id,
                detail=detail,
            )


@dataclass(frozen=True)
class _KeyRow:
    fingerprint: str
    masked: str
    organization_hint: str | None
    project_hint: str | None


def _detail(result: ValidationResult) -> str:
    parts = [
        f"http {result.http_status}" if result.http_status else None,
        result.error_code,
        f"request {result.request_id}" if result.request_id else None,
    ]
    return ", ".join(p for p in parts if p)
