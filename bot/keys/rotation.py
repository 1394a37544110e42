"""Re-encrypt every stored key under the keyring's active key, in batches.

Safe to interrupt and re-run: a batch is rewritten in one short transaction, each row
only if it still holds the ciphertext that was read (a key replaced meanwhile is not
overwritten), and rows already under the active key are skipped. A row that does not
decrypt is reported, left as it is, and does not stop the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select, update

from bot.identity import Workspace
from bot.keys.crypto import DecryptionError, decrypt, encrypt
from bot.keys.key_binding import binding
from bot.keys.keyring import Keyring
from bot.store.database import Database
from bot.store.models import KeyProject, StoredKey

log = logging.getLogger(__name__)


@dataclass
class RotationReport:
    rotated: int = 0
    already_current: int = 0
    changed_meanwhile: int = 0
    unreadable: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"rotated {self.rotated}, changed meanwhile {self.changed_meanwhile}, "
            f"unreadable {len(self.unreadable)}"
        )


def rotate_all(
    database: Database,
    keyring: Keyring,
    *,
    batch_size: int = 500,
    limit: int | None = None,
    before_write: Callable[[list[int]], None] | None = None,
) -> RotationReport:
    """Rotate rows not under the active key; ``limit`` stops early (for tests of resuming).

    ``before_write`` gets each batch's project ids between reading and writing the batch: the
    moment a concurrent replacement races rotation, where tests change a row on purpose.
    """
    report = RotationReport()
    active = keyring.active_id
    after = -1
    while limit is None or report.rotated < limit:
        with database.session() as session:
            batch = session.execute(
                select(
                    StoredKey.project_id,
                    StoredKey.ciphertext,
                    KeyProject.enterprise_id,
                    KeyProject.team_id,
                )
                .join(KeyProject, KeyProject.id == StoredKey.project_id)
                .where(StoredKey.keyring_key_id != active, StoredKey.project_id > after)
                .order_by(StoredKey.project_id)
                .limit(batch_size)
            ).all()
        if not batch:
            break
        updates = []
        for project_id, ciphertext, enterprise_id, team_id in batch:
            after = project_id
            context = binding(Workspace(enterprise_id, team_id), project_id)
            try:
                plaintext = decrypt(keyring, ciphertext, context)
            except DecryptionError:
                log.error("stored key of project %d does not decrypt; left as it is", project_id)
                report.unreadable.append(project_id)
                continue
            updates.append((project_id, ciphertext, encrypt(keyring, plaintext, context)))
            if limit is not None and report.rotated + len(updates) >= limit:
                break
        if before_write is not None:
            before_write([project_id for project_id, _, _ in updates])
        _write(database, updates, active, report)
    return report


def _write(
    database: Database, updates: list[tuple[int, str, str]], active: str, report: RotationReport
) -> None:
    """Swap each row's ciphertext only if it still is the one read (compare-and-swap).

    Every write draws a fresh random nonce, so a ciphertext is never written twice: a key
    replaced, or revoked and set again, since the read no longer matches and is left alone.
    """
    with database.session() as session, session.begin():
        for project_id, old_ciphertext, ciphertext in updates:
            result = session.execute(
                update(StoredKey)
                .where(StoredKey.project_id == project_id, StoredKey.ciphertext == old_ciphertext)
                .values(ciphertext=ciphertext, keyring_key_id=active, version=StoredKey.version + 1)
            )
            if result.rowcount:  # type: ignore[attr-defined]
                report.rotated += 1
            else:
                report.changed_meanwhile += 1


def rows_using(database: Database, key_id: str) -> int:
    from sqlalchemy import func

    with database.session() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(StoredKey)
                .where(StoredKey.keyring_key_id == key_id)
            )
            or 0
        )
