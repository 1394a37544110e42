"""Exporting a stored key in tests: the plaintext, or the exception a test expects."""

from __future__ import annotations

from bot.identity import Workspace
from bot.keys.crypto import DecryptionError
from bot.keys.export import KeyExport
from bot.keys.results import Verdict
from bot.keys.service import KeyService


def export_key(service: KeyService, workspace: Workspace, project_name: str) -> str:
    """``keys export`` through the service's database, keyring and audit log.

    LookupError when there is nothing to export (or the name is refused), DecryptionError
    when the stored value does not decrypt: each still leaves its audit row.
    """
    exported = KeyExport(service.database, service.keyring, service.audit).export(
        workspace, project_name
    )
    if exported.verdict is Verdict.UNREADABLE:
        raise DecryptionError("the stored key does not decrypt")
    if exported.verdict is not Verdict.DONE or exported.api_key is None:
        raise LookupError(exported.verdict)
    return exported.api_key
