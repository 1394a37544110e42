"""Key rotation (``rotate_all``) on a real SQLite file and a real PostgreSQL schema.

Rows are inserted in bulk with the service's own code path (``encrypt`` with ``binding``,
the ORM models) rather than through ``submit``, which would ask the fake OpenAI thousands of
times. Every check decrypts every row and compares it with the plaintext it was given.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select, text

from bot.identity import Actor, Workspace
from bot.keys.crypto import DecryptionError, decrypt, encrypt, fingerprint, mask, stored_key_id
from bot.keys.key_binding import binding
from bot.keys.keyring import Keyring
from bot.keys.results import Verdict
from bot.keys.rotation import rotate_all, rows_using
from bot.keys.service import KeyService
from bot.store.database import Database
from bot.store.models import KeyProject, ProjectMaintainer, StoredKey
from tests.fakes.openai_server import FakeOpenAI
from tests.support.exports import export_key

OWNER = "UBULK"
WORKSPACES = (Workspace("", "T1"), Workspace("", "T2"), Workspace("E1", "T1"))


def _insert(database: Database, keyring: Keyring, count: int) -> dict[int, str]:
    """``count`` projects with a stored key each, spread over three workspaces.

    Returns project id -> plaintext key. Rows look exactly like ``KeyService.submit``'s.
    """
    now = datetime.now(UTC)
    plaintexts: dict[int, str] = {}
    with database.session() as session, session.begin():
        projects = [
            KeyProject(
                enterprise_id=WORKSPACES[n % 3].enterprise_id,
                team_id=WORKSPACES[n % 3].team_id,
                name=f"Project {n}",
                name_key=f"project {n}",
                created_by=OWNER,
                created_at=now,
            )
            for n in range(count)
        ]
        session.add_all(projects)
        session.flush()
        session.add_all(
            ProjectMaintainer(project_id=p.id, user_id=OWNER, added_by=OWNER, added_at=now)
            for p in projects
        )
        rows = []
        for project in projects:
            plaintext = FakeOpenAI.key_for("valid", f"{project.id}x{secrets.token_hex(6)}")
            workspace = Workspace(project.enterprise_id, project.team_id)
            rows.append(
                StoredKey(
                    project_id=project.id,
                    ciphertext=encrypt(keyring, plaintext, binding(workspace, project.id)),
                    keyring_key_id=keyring.active_id,
                    masked=mask(plaintext),
                    fingerprint=fingerprint(keyring, plaintext),
                    status="valid",
                    set_by=OWNER,
                    set_at=now,
                    last_checked_at=now,
                    last_outcome="valid",
                    version=1,
                )
            )
            plaintexts[project.id] = plaintext
        session.add_all(rows)
    return plaintexts


def _verify(
    database: Database, keyring: Keyring, expected: dict[int, str], active: str
) -> list[int]:
    """Project ids whose row does not decrypt to ``expected`` or is not under ``active``."""
    wrong: list[int] = []
    with database.session() as session:
        rows = session.execute(
            select(
                StoredKey.project_id,
                StoredKey.ciphertext,
                StoredKey.keyring_key_id,
                KeyProject.enterprise_id,
                KeyProject.team_id,
            ).join(KeyProject, KeyProject.id == StoredKey.project_id)
        ).all()
    assert {row.project_id for row in rows} == set(expected), "rows lost or added"
    for project_id, ciphertext, key_id, enterprise_id, team_id in rows:
        context = binding(Workspace(enterprise_id, team_id), project_id)
        try:
            plaintext = decrypt(keyring, ciphertext, context)
        except DecryptionError:
            wrong.append(project_id)
            continue
        if (
            plaintext != expected[project_id]
            or key_id != active
            or stored_key_id(ciphertext) != active
        ):
            wrong.append(project_id)
    return wrong


def _actor(database: Database, project_id: int) -> tuple[Actor, str]:
    """The bulk owner as an actor in the project's workspace, and the project's name."""
    with database.session() as session:
        project = session.get(KeyProject, project_id)
        assert project is not None
        return Actor(project.enterprise_id, project.team_id, OWNER), project.name


def _copy(keyring: Keyring) -> Keyring:
    return Keyring.from_json(keyring.to_json())


def test_rotating_3000_keys_loses_and_changes_nothing(database: Database, keyring: Keyring) -> None:
    count = 3000
    plaintexts = _insert(database, keyring, count)
    old = keyring.active_id
    new = keyring.add_key()
    assert rows_using(database, old) == count
    assert rows_using(database, new) == 0
    # Retiring the old key now would strand every row: that is what rows_using prevents.
    premature = _copy(keyring)
    premature.retire(old)
    assert len(_verify(database, premature, plaintexts, new)) == count

    started = time.perf_counter()
    report = rotate_all(database, keyring)
    elapsed = time.perf_counter() - started
    mismatches = _verify(database, keyring, plaintexts, new)
    print(
        f"\nrotation [{database.dialect}]: {report.rotated} rows in {elapsed:.2f} s "
        f"({report.rotated / elapsed:,.0f} rows/s), mismatches {len(mismatches)}"
    )
    assert (report.rotated, report.changed_meanwhile, report.unreadable) == (count, 0, [])
    assert mismatches == []
    assert rows_using(database, old) == 0
    assert rows_using(database, new) == count

    keyring.retire(old)
    assert old not in keyring.key_ids
    assert _verify(database, keyring, plaintexts, new) == []
    again = rotate_all(database, keyring)
    assert (again.rotated, again.changed_meanwhile, again.unreadable) == (0, 0, [])


def test_an_interrupted_rotation_resumes_without_loss(database: Database, keyring: Keyring) -> None:
    count = 1500
    plaintexts = _insert(database, keyring, count)
    old = keyring.active_id
    new = keyring.add_key()
    # 300-row batches: the limit falls in the middle of the fourth batch.
    first = rotate_all(database, keyring, batch_size=300, limit=1000)
    assert (first.rotated, first.changed_meanwhile, first.unreadable) == (1000, 0, [])
    assert rows_using(database, new) == 1000
    assert rows_using(database, old) == count - 1000
    # Half-way, every row is readable: some under the old key, some under the new one.
    with database.engine.connect() as connection:
        key_ids: dict[str, int] = dict(
            connection.execute(
                text("SELECT keyring_key_id, count(*) FROM stored_keys GROUP BY keyring_key_id")
            ).all()
        )
    assert key_ids == {new: 1000, old: count - 1000}
    second = rotate_all(database, keyring, batch_size=300)
    assert (second.rotated, second.changed_meanwhile, second.unreadable) == (count - 1000, 0, [])
    assert first.rotated + second.rotated == count
    assert _verify(database, keyring, plaintexts, new) == []
    assert rows_using(database, old) == 0
    keyring.retire(old)
    assert _verify(database, keyring, plaintexts, new) == []


def _racing_write(
    meanwhile: Callable[[int], None],
) -> tuple[list[int], Callable[[list[int]], None]]:
    """A ``before_write`` for rotation that calls ``meanwhile(project_id)`` between reading
    its first batch and writing it, for a project in the middle of that batch. Returns the ids
    raced and the hook."""
    raced: list[int] = []

    def before_write(project_ids: list[int]) -> None:
        if not raced and project_ids:
            raced.append(project_ids[len(project_ids) // 2])
            meanwhile(raced[0])

    return raced, before_write


def test_a_key_replaced_during_rotation_is_not_overwritten(
    database: Database, keyring: Keyring, service: KeyService
) -> None:
    plaintexts = _insert(database, keyring, 30)
    new = keyring.add_key()
    replacement = FakeOpenAI.key_for("valid", "replacement")

    def replace(project_id: int) -> None:
        actor, name = _actor(database, project_id)
        result = service.submit(actor, name, replacement)
        assert (result.verdict, result.stored, result.replaced) == (Verdict.DONE, True, True)
        plaintexts[project_id] = replacement

    raced, before_write = _racing_write(replace)
    report = rotate_all(database, keyring, batch_size=10, before_write=before_write)
    assert len(raced) == 1
    assert (report.rotated, report.changed_meanwhile, report.unreadable) == (29, 1, [])
    assert _verify(database, keyring, plaintexts, new) == []
    actor, name = _actor(database, raced[0])
    assert export_key(service, actor.workspace, name) == replacement


def test_a_key_revoked_and_set_again_during_rotation_is_not_overwritten(
    database: Database, keyring: Keyring, service: KeyService
) -> None:
    plaintexts = _insert(database, keyring, 30)
    new = keyring.add_key()
    replacement = FakeOpenAI.key_for("valid", "afterrevoke")

    def revoke_and_set(project_id: int) -> None:
        actor, name = _actor(database, project_id)
        assert service.revoke(actor, project_id).verdict is Verdict.DONE
        result = service.submit(actor, name, replacement)
        assert (result.verdict, result.stored, result.replaced) == (Verdict.DONE, True, False)
        plaintexts[project_id] = replacement

    raced, before_write = _racing_write(revoke_and_set)
    report = rotate_all(database, keyring, batch_size=10, before_write=before_write)
    actor, name = _actor(database, raced[0])
    assert export_key(service, actor.workspace, name) == replacement
    assert report.changed_meanwhile == 1
    assert _verify(database, keyring, plaintexts, new) == []


def test_keys_replaced_by_another_thread_during_rotation_survive(
    database: Database, keyring: Keyring, service: KeyService
) -> None:
    """A real concurrent writer: replacements through ``submit`` while rotation runs."""
    count = 400
    plaintexts = _insert(database, keyring, count)
    old = keyring.active_id
    new = keyring.add_key()
    ids = sorted(plaintexts)
    expected = dict(plaintexts)
    warmed_up = threading.Event()
    done = threading.Event()
    errors: list[BaseException] = []
    replaced: list[int] = []

    def writer() -> None:
        try:
            n = 0
            while not done.is_set():
                project_id = ids[(n * 37) % count]
                plaintext = FakeOpenAI.key_for("valid", f"thread{n}")
                actor, name = _actor(database, project_id)
                result = service.submit(actor, name, plaintext)
                assert result.stored, result
                expected[project_id] = plaintext
                replaced.append(project_id)
                n += 1
                warmed_up.set()
        except BaseException as error:  # reported in the main thread
            errors.append(error)
            warmed_up.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert warmed_up.wait(10)
        # Small batches: many short write transactions for the writer to slip between.
        report = rotate_all(database, keyring, batch_size=5)
        during = len(replaced)
    finally:
        done.set()
        thread.join(30)
    assert not thread.is_alive() and errors == []
    assert report.unreadable == []
    # Rows replaced before rotation read them were already under the new key (skipped).
    assert report.rotated + report.changed_meanwhile <= count
    rest = rotate_all(database, keyring)
    assert rest.unreadable == [] and rows_using(database, old) == 0
    assert _verify(database, keyring, expected, new) == []
    print(
        f"\nconcurrent rotation [{database.dialect}]: {during} replacements meanwhile, "
        f"{report.summary()}; then {rest.summary()}"
    )


def test_an_unreadable_row_is_reported_and_the_others_rotate(
    database: Database, keyring: Keyring
) -> None:
    plaintexts = _insert(database, keyring, 60)
    old = keyring.active_id
    ids = sorted(plaintexts)
    altered, foreign = ids[7], ids[42]
    with database.engine.begin() as connection:
        value = connection.execute(
            text("SELECT ciphertext FROM stored_keys WHERE project_id = :id"), {"id": altered}
        ).scalar_one()
        flipped = value[:-5] + ("A" if value[-5] != "A" else "B") + value[-4:]
        connection.execute(
            text("UPDATE stored_keys SET ciphertext = :value WHERE project_id = :id"),
            {"value": flipped, "id": altered},
        )
        # A value naming a keyring key that does not exist (another installation's).
        connection.execute(
            text("UPDATE stored_keys SET ciphertext = :value WHERE project_id = :id"),
            {"value": "v1.k-ffffff." + "A" * 80, "id": foreign},
        )
    new = keyring.add_key()
    report = rotate_all(database, keyring, batch_size=25)
    assert sorted(report.unreadable) == [altered, foreign]
    assert (report.rotated, report.changed_meanwhile) == (58, 0)
    healthy = {k: v for k, v in plaintexts.items() if k not in (altered, foreign)}
    wrong = _verify(database, keyring, {**healthy, altered: "", foreign: ""}, new)
    assert sorted(wrong) == [altered, foreign]
    # The bad rows are left exactly as they were, still counted under the old key: the
    # operator's `keyring retire` refuses while rows_using > 0.
    with database.engine.connect() as connection:
        left: dict[int, str] = dict(
            connection.execute(
                text("SELECT project_id, ciphertext FROM stored_keys WHERE project_id IN (:a, :b)"),
                {"a": altered, "b": foreign},
            ).all()
        )
    assert left[altered] == flipped
    assert left[foreign].startswith("v1.k-ffffff.")
    assert rows_using(database, old) == 2
    # Running again reports them again and rotates nothing else.
    again = rotate_all(database, keyring)
    assert (again.rotated, sorted(again.unreadable)) == (0, [altered, foreign])
