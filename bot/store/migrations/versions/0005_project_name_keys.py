"""Project name keys: NFKC + case folding, as ``bot.rules.submission`` compares names now.

Until now ``name_key`` was ``casefold(" ".join(name.split()))[:80]``; names now compare in
NFKC form (full-width letters, ligatures, composed and decomposed accents meet) and are
never cut. Rows whose key changes are rewritten. When two legacy projects now fold alike,
the one whose key does not change (e.g. plain "prod" beside a full-width "ｐｒｏｄ") keeps
the name; the other, and a key over 80 characters, get a key no typed name can produce (it
holds U+FFFF, which the name rules refuse): still listed, its buttons work, not nameable.

The fold is copied here on purpose: a migration must keep doing what it did when written.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

KEY_LENGTH = 80
UNNAMEABLE = "\uffff"
_PRESENTATION_SELECTORS = {0xFE0E: None, 0xFE0F: None}

projects = sa.table(
    "key_projects",
    sa.column("id", sa.Integer),
    sa.column("enterprise_id", sa.String),
    sa.column("team_id", sa.String),
    sa.column("name", sa.String),
    sa.column("name_key", sa.String),
)


def nfkc_key(name: str) -> str:
    shown = " ".join(unicodedata.normalize("NFKC", name).split())
    folded = unicodedata.normalize("NFKC", shown.casefold())
    return folded.translate(_PRESENTATION_SELECTORS)


def old_key(name: str) -> str:
    return " ".join(name.split()).casefold()[:KEY_LENGTH]


def upgrade() -> None:
    _rekey(nfkc_key)


def downgrade() -> None:
    _rekey(old_key)


def _rekey(fold: Callable[[str], str]) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            projects.c.id,
            projects.c.enterprise_id,
            projects.c.team_id,
            projects.c.name,
            projects.c.name_key,
        ).order_by(projects.c.id)
    ).all()
    # Rows already in the new form first: they keep their name when another one now folds
    # to it too; then by age.
    rows = sorted(rows, key=lambda row: (fold(row.name) != row.name_key, row.id))
    taken: set[tuple[str, str, str]] = set()
    changes: dict[int, str] = {}
    for row in rows:
        key = fold(row.name)
        if not key or len(key) > KEY_LENGTH or (row.enterprise_id, row.team_id, key) in taken:
            key = f"{key[:60]}{UNNAMEABLE}{row.id}"
        taken.add((row.enterprise_id, row.team_id, key))
        if key != row.name_key:
            changes[row.id] = key
    # Two passes: a row's new key may be another row's old one, and the unique constraint
    # on (enterprise_id, team_id, name_key) holds after every statement.
    for project_id in changes:
        _set_key(connection, project_id, f"{UNNAMEABLE}moving{UNNAMEABLE}{project_id}")
    for project_id, key in changes.items():
        _set_key(connection, project_id, key)


def _set_key(connection: sa.Connection, project_id: int, key: str) -> None:
    connection.execute(sa.update(projects).where(projects.c.id == project_id).values(name_key=key))
