"""Migration 0005: stored name keys move to NFKC + case folding, collisions stay nameable-safe."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from bot.identity import Workspace
from bot.rules.submission import ProjectName, parse_project_name
from bot.store import schema
from bot.store.database import Database
from bot.store.key_records import find_project

T1, T2 = Workspace("", "T1"), Workspace("", "T2")
# (id, team, stored name, stored key as the old code wrote them)
LEGACY = [
    (1, "T1", "Café", "café"),  # composed: already in the new form
    (2, "T1", "Cafe\u0301", "cafe\u0301"),  # decomposed: now folds like row 1
    (3, "T1", "ＰＲＯＤ", "ｐｒｏｄ"),  # full width: now folds like row 4
    (4, "T1", "prod", "prod"),  # plain, younger than row 3, keeps its name
    (5, "T1", "ß" * 41, ("ss" * 41)[:80]),  # was cut: 82 characters once folded
    (6, "T2", "Cafe\u0301", "cafe\u0301"),  # another team: no collision
    (7, "T1", "victim\u200bproj", "victim\u200bproj"),  # refused today, kept apart
]


def _keys(database: Database) -> dict[int, str]:
    with database.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, name_key FROM key_projects"))
        return {row.id: row.name_key for row in rows}


def _named(database: Database, workspace: Workspace, name: str) -> int | None:
    parsed = parse_project_name(name)
    assert isinstance(parsed, ProjectName)
    with database.session() as session:
        project = find_project(session, workspace, parsed)
        return project.id if project else None


def test_name_keys_are_refolded_and_back(database_url: str) -> None:
    database = Database(database_url)
    schema.upgrade(database, "0004")
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with database.engine.begin() as connection:
        for project_id, team, name, key in LEGACY:
            connection.execute(
                text(
                    "INSERT INTO key_projects (id, enterprise_id, team_id, name, name_key, "
                    "created_by, created_at) VALUES (:id, '', :team, :name, :key, 'U1', :now)"
                ),
                {"id": project_id, "team": team, "name": name, "key": key, "now": now},
            )
    schema.upgrade(database, "0005")
    keys = _keys(database)
    assert keys[1] == "café" and keys[4] == "prod" and keys[6] == "café"
    for unnameable in (2, 3, 5):
        assert "\uffff" in keys[unnameable] and len(keys[unnameable]) <= 80
    assert keys[7] == "victim\u200bproj"
    assert _named(database, T1, "CAFE\u0301") == 1
    assert _named(database, T1, "ｐｒｏｄ") == 4
    assert _named(database, T2, "café") == 6
    assert _named(database, T1, "ß" * 40) is None

    schema.downgrade(database, "0004")
    assert _keys(database) == {project_id: key for project_id, _, _, key in LEGACY}
    schema.upgrade(database)
    assert _keys(database) == keys
    database.dispose()
