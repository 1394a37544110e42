"""``python -m bot keys export``: the one way a plaintext key leaves the app, always audited."""

from __future__ import annotations

from bot.identity import Workspace
from bot.keys.audit import AuditLog
from bot.keys.crypto import DecryptionError, decrypt, fingerprint_id
from bot.keys.key_binding import binding
from bot.keys.keyring import Keyring
from bot.keys.results import Exported, Verdict
from bot.rules.submission import Field, Problem, parse_project_name
from bot.store import key_records as records
from bot.store.database import Database


class KeyExport:
    def __init__(self, database: Database, keyring: Keyring, audit: AuditLog) -> None:
        self.database = database
        self.keyring = keyring
        self.audit = audit

    def export(self, workspace: Workspace, project_name: str, operator: str = "cli") -> Exported:
        """The project's key for the operator's terminal; every attempt is an audit row."""
        parsed = parse_project_name(project_name)
        if isinstance(parsed, Problem):
            self.audit.refuse_input(
                workspace, operator, None, {Field.PROJECT: parsed}, action="export"
            )
            return Exported(Verdict.INVALID, "")
        with self.database.read_session() as session:
            project = records.find_project(session, workspace, parsed)
            row = records.stored_key(session, project.id) if project else None
            found = (
                (project.id, project.name, row.ciphertext, fingerprint_id(row.fingerprint))
                if (project is not None and row is not None)
                else None
            )
        if found is None:
            self.audit.record(workspace, operator, "export", "not_found", parsed.shown)
            return Exported(Verdict.NOT_FOUND, parsed.shown)
        project_id, name, ciphertext, print_id = found
        try:
            api_key = decrypt(self.keyring, ciphertext, binding(workspace, project_id))
        except DecryptionError:
            self.audit.record(workspace, operator, "export", "unreadable", name, print_id)
            return Exported(Verdict.UNREADABLE, name)
        self.audit.record(workspace, operator, "export", "exported", name, print_id)
        return Exported(Verdict.DONE, name, api_key)
