"""The key audit trail: every write, test, export, refusal and failure is a row.

Rows say who, what, when, which project and which key (its fingerprint id), never a key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from bot.identity import Actor, Workspace
from bot.keys.access import may_read_audit
from bot.keys.results import AuditTrail, Verdict
from bot.keys.validation import ValidationResult
from bot.rules.submission import Field, Problem, ProjectName, parse_project_name
from bot.store import key_records as records
from bot.store.database import Database


class AuditLog:
    def __init__(
        self, database: Database, clock: Callable[[], datetime], key_admins: frozenset[str]
    ) -> None:
        self.database = database
        self.clock = clock
        self.key_admins = key_admins

    def record(
        self,
        workspace: Workspace,
        actor: str,
        action: str,
        outcome: str,
        project_name: str | None,
        fingerprint_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        """One row, in its own transaction (a refusal is kept even when nothing else is)."""
        with self.database.session() as session, session.begin():
            records.add_audit(
                session,
                workspace,
                actor=actor,
                action=action,
                outcome=outcome,
                now=self.clock(),
                project_name=project_name,
                fingerprint_id=fingerprint_id,
                detail=detail,
            )

    def refuse_input(
        self,
        workspace: Workspace,
        actor: str,
        project: ProjectName | None,
        problems: Mapping[Field, Problem],
        *,
        action: str = "set",
    ) -> None:
        """Input the submission rules refused: which fields and why, never the values.

        ``project``: the name, only when it was valid (a refused name is not written down).
        """
        leaked = any(problem.leaked for problem in problems.values())
        self.record(
            workspace,
            actor,
            action,
            "refused:leaked_key" if leaked else "refused:input",
            project.shown if project else None,
            detail=", ".join(f"{which}: {problem.code}" for which, problem in problems.items()),
        )

    def trail(self, actor: Actor, project_name: str | None = None) -> AuditTrail:
        """Recent rows for admins; REFUSED (and a row saying so) for anyone else.

        A ``project_name`` the name rules refuse matches nothing and is never written down.
        """
        name = parse_project_name(project_name) if project_name else None
        shown = name.shown if isinstance(name, ProjectName) else None
        if not may_read_audit(actor, self.key_admins):
            self.record(actor.workspace, actor.user_id, "audit", "refused", shown)
            return AuditTrail(Verdict.REFUSED)
        if isinstance(name, Problem):
            return AuditTrail(Verdict.DONE)
        with self.database.read_session() as session:
            rows = records.recent_audit(session, actor.workspace, shown)
        return AuditTrail(Verdict.DONE, tuple(rows))


def audit_detail(result: ValidationResult) -> str:
    """What OpenAI said, for an audit row: status, error code, request id (never a key)."""
    parts = [
        f"http {result.http_status}" if result.http_status else None,
        result.error_code,
        f"request {result.request_id}" if result.request_id else None,
    ]
    return ", ".join(p for p in parts if p)
