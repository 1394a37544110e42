"""Re-encrypt stored Slack tokens under the keyring's active key (after ``keyring add``).

The companion of ``bot.keys.rotation`` for the installation tables: a keyring key may only be
retired once neither API keys nor Slack tokens use it (``token_rows_using``). Safe to re-run:
rows already under the active key are skipped, and a row is rewritten only if its secrets are
still the ones read (Bolt may have saved a rotated token meanwhile). A row that does not
decrypt is reported by id and left as it is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, and_, func, or_, select

from bot.keys.crypto import DecryptionError, decrypt, encrypt, stored_key_id
from bot.keys.keyring import Keyring
from bot.oauth.sealing import BOT_FIELDS, USER_FIELDS, binding, record_for
from bot.store.database import Database
from bot.store.slack_installations import slack_bots, slack_installations

log = logging.getLogger(__name__)

TABLES: tuple[tuple[Table, tuple[str, ...]], ...] = (
    (slack_installations, BOT_FIELDS + USER_FIELDS),
    (slack_bots, BOT_FIELDS),
)


@dataclass
class TokenRekeyReport:
    rotated: int = 0
    changed_meanwhile: int = 0
    unreadable: list[str] = field(default_factory=list)  # "<table>:<row id>"

    def summary(self) -> str:
        return (
            f"Slack tokens: rotated {self.rotated} rows, changed meanwhile "
            f"{self.changed_meanwhile}, unreadable {len(self.unreadable)}"
        )


def rekey_tokens(
    database: Database, keyring: Keyring, *, batch_size: int = 500
) -> TokenRekeyReport:
    """Rewrite every installation and bot row with a secret not under the active key."""
    report = TokenRekeyReport()
    for table, fields in TABLES:
        after = -1
        while True:
            with database.engine.connect() as connection:
                query = select(table).where(table.c.id > after).order_by(table.c.id)
                rows = connection.execute(query.limit(batch_size)).mappings().all()
            if not rows:
                break
            for row in rows:
                after = row["id"]
                _rekey_row(database, keyring, table, fields, row, report)
    return report


def token_rows_using(database: Database, key_id: str) -> int:
    """How many installation and bot rows still hold a secret encrypted with ``key_id``."""
    total = 0
    with database.engine.connect() as connection:
        for table, fields in TABLES:
            uses = or_(*(table.c[name].like(f"v1.{key_id}.%") for name in fields))
            total += int(
                connection.scalar(select(func.count()).select_from(table).where(uses)) or 0
            )
    return total


def _rekey_row(
    database: Database,
    keyring: Keyring,
    table: Table,
    fields: tuple[str, ...],
    row: Any,
    report: TokenRekeyReport,
) -> None:
    changes: dict[str, str] = {}
    try:
        for name in fields:
            value = row[name]
            if value is None or stored_key_id(value) == keyring.active_id:
                continue
            context = binding(
                name, row["enterprise_id"], row["team_id"], record_for(name, row.get("user_id"))
            )
            changes[name] = encrypt(keyring, decrypt(keyring, value, context), context)
    except DecryptionError:
        log.error(
            "a Slack token in %s row %s does not decrypt; left as it is", table.name, row["id"]
        )
        report.unreadable.append(f"{table.name}:{row['id']}")
        return
    if not changes:
        return
    unchanged = and_(table.c.id == row["id"], *(table.c[name] == row[name] for name in changes))
    with database.engine.begin() as connection:
        result = connection.execute(table.update().where(unchanged).values(**changes))
    if result.rowcount:
        report.rotated += 1
    else:
        report.changed_meanwhile += 1
