"""Scheduled re-checks of every stored key with the cheap ``GET /v1/models``.

A change of status (a key revoked, or working again) is returned for the caller to tell the
maintainers; nothing here talks to Slack. The free listing says nothing about credit, so a
key stored as "needs credit" or "spend capped" keeps that status while the listing works:
only the billing probe (the Test button) can clear it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.identity import Workspace
from bot.keys.crypto import DecryptionError, decrypt, fingerprint_id
from bot.keys.key_binding import binding
from bot.keys.keyring import Keyring
from bot.keys.probe import OpenAIProbe
from bot.keys.service import REJECTED_STATUS, STATUS_OF
from bot.keys.validation import KeyOutcome, ValidationResult
from bot.store import key_records as records
from bot.store.database import Database
from bot.store.models import KeyProject, StoredKey

log = logging.getLogger(__name__)

ACTOR = "scheduler"
WORKING = frozenset({"valid", "restricted"})
FAILING_OUTCOMES = frozenset(
    {KeyOutcome.INVALID, KeyOutcome.ACCOUNT_PROBLEM, KeyOutcome.REGION, KeyOutcome.MISMATCH}
)


@dataclass(frozen=True)
class HealthChange:
    """A stored key whose status changed at a re-check."""

    workspace: Workspace
    project_id: int
    project_name: str
    masked: str
    before: str
    after: str
    result: ValidationResult
    maintainers: frozenset[str]

    @property
    def recovered(self) -> bool:
        return self.after in WORKING and self.before not in WORKING


@dataclass(frozen=True)
class _Due:
    workspace: Workspace
    project_id: int
    project_name: str
    ciphertext: str
    fingerprint: str
    masked: str
    status: str
    organization_hint: str | None
    project_hint: str | None


class KeyHealth:
    def __init__(
        self,
        database: Database,
        keyring: Keyring,
        probe: OpenAIProbe,
        *,
        pace: Callable[[Workspace], None] = lambda _workspace: None,
    ) -> None:
        self.database = database
        self.keyring = keyring
        self.probe = probe
        self.pace = pace

    def check_all(self, now: datetime) -> list[HealthChange]:
        changes = []
        for due in self._stored_keys():
            change = self._check(due, now)
            if change is not None:
                changes.append(change)
        return changes

    def _check(self, due: _Due, now: datetime) -> HealthChange | None:
        try:
            api_key = decrypt(self.keyring, due.ciphertext, binding(due.workspace, due.project_id))
        except DecryptionError:
            log.error("stored key of project %d does not decrypt", due.project_id)
            return None
        self.pace(due.workspace)
        result = self.probe.validate(
            api_key,
            organization=due.organization_hint,
            project=due.project_hint,
            check_billing=False,
        )
        if result.outcome is KeyOutcome.TRY_LATER:
            return None  # says nothing about the key: the next run asks again
        status = _status_after(due.status, result.outcome)
        with self.database.session() as session, session.begin():
            records.record_check(
                session,
                due.project_id,
                due.fingerprint,
                outcome=str(result.outcome),
                status=status,
                now=now,
            )
            maintainers = records.maintainers(session, due.project_id)
            if status != due.status:
                records.add_audit(
                    session,
                    due.workspace,
                    actor=ACTOR,
                    action="health",
                    outcome=f"{due.status}->{status}",
                    now=now,
                    project_name=due.project_name,
                    fingerprint_id=fingerprint_id(due.fingerprint),
                )
        if status == due.status:
            return None
        return HealthChange(
            due.workspace,
            due.project_id,
            due.project_name,
            due.masked,
            due.status,
            status,
            result,
            maintainers,
        )

    def _stored_keys(self) -> list[_Due]:
        with self.database.read_session() as session:
            rows = session.execute(
                select(KeyProject, StoredKey)
                .join(StoredKey, StoredKey.project_id == KeyProject.id)
                .order_by(KeyProject.team_id, KeyProject.id)
            ).all()
            return [
                _Due(
                    Workspace(project.enterprise_id, project.team_id),
                    project.id,
                    project.name,
                    key.ciphertext,
                    key.fingerprint,
                    key.masked,
                    key.status,
                    key.organization_hint,
                    key.project_hint,
                )
                for project, key in rows
            ]


def _status_after(before: str, outcome: KeyOutcome) -> str:
    if outcome in FAILING_OUTCOMES:
        return REJECTED_STATUS
    if before not in WORKING and before != REJECTED_STATUS:
        # "needs credit", "spend capped": the listing cannot tell whether credit came back;
        # "compromised" (a leak) stays until someone replaces the key.
        return before
    return STATUS_OF.get(outcome, before)
