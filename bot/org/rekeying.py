"""``keys rotate`` for admin keys: re-encrypt each under the active keyring key.

Few rows (one per workspace), so no batches; a row changed meanwhile (reconnected) is left
as it is, and a row that does not decrypt is counted, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, update

from bot.identity import Workspace
from bot.keys.crypto import DecryptionError, decrypt, encrypt
from bot.keys.keyring import Keyring
from bot.org.connection import binding
from bot.store.database import Database
from bot.store.organization_models import OrganizationConnection


@dataclass
class AdminKeyReport:
    rotated: int = 0
    unreadable: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"admin keys: rotated {self.rotated}, unreadable {len(self.unreadable)}"


def rekey_admin_keys(database: Database, keyring: Keyring) -> AdminKeyReport:
    report = AdminKeyReport()
    active = keyring.active_id
    with database.read_session() as session:
        rows = session.execute(
            select(
                OrganizationConnection.enterprise_id,
                OrganizationConnection.team_id,
                OrganizationConnection.ciphertext,
            ).where(OrganizationConnection.keyring_key_id != active)
        ).all()
    for enterprise_id, team_id, old in rows:
        context = binding(Workspace(enterprise_id, team_id))
        try:
            new = encrypt(keyring, decrypt(keyring, old, context), context)
        except DecryptionError:
            report.unreadable.append(team_id)
            continue
        with database.session() as session, session.begin():
            result = session.execute(
                update(OrganizationConnection)
                .where(
                    OrganizationConnection.enterprise_id == enterprise_id,
                    OrganizationConnection.team_id == team_id,
                    OrganizationConnection.ciphertext == old,
                )
                .values(ciphertext=new, keyring_key_id=active)
            )
            report.rotated += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return report


def admin_rows_using(database: Database, key_id: str) -> int:
    with database.read_session() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OrganizationConnection)
                .where(OrganizationConnection.keyring_key_id == key_id)
            )
            or 0
        )
