"""Stored ciphertexts altered, moved or read with the wrong keyring are refused, cleanly.

Every test runs on a real SQLite file and a real PostgreSQL schema (``database_url``). Rows
are changed behind the service's back with raw SQL, as someone with write access to the
database (or a bad restore) would.
"""

from __future__ import annotations

import base64
import json
import secrets
import string
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from bot.identity import Actor, Workspace
from bot.keys.crypto import DecryptionError, decrypt, stored_key_id
from bot.keys.key_binding import binding
from bot.keys.keyring import Keyring
from bot.keys.results import Verdict
from bot.keys.rotation import rotate_all, rows_using
from bot.keys.service import KeyService
from bot.store.database import Database
from tests.fakes.openai_server import FakeOpenAI
from tests.support.exports import export_key

ALPHABET = string.ascii_letters + string.digits + "-_"
# Characters a stored value never holds (besides the two dots between its parts).
FOREIGN = ".=+/ ~é\t"

T1 = Actor("", "T1", "U1")
T2 = Actor("", "T2", "U2")
E1_T1 = Actor("E1", "T1", "U3")


@dataclass(frozen=True)
class Stored:
    """One project with a stored key: where it lives, its id and the key's plaintext."""

    actor: Actor
    name: str
    project_id: int
    plaintext: str

    @property
    def workspace(self) -> Workspace:
        return self.actor.workspace


@dataclass(frozen=True)
class Scene:
    service: KeyService
    database: Database
    a: Stored
    b: Stored
    t2: Stored
    e1: Stored

    @property
    def all(self) -> tuple[Stored, ...]:
        return (self.a, self.b, self.t2, self.e1)


def _store(service: KeyService, actor: Actor, name: str) -> Stored:
    plaintext = FakeOpenAI.key_for("valid", secrets.token_hex(6))
    result = service.submit(actor, name, plaintext)
    assert result.verdict is Verdict.DONE and result.stored, result
    project = next(p for p in service.list_projects(actor.workspace) if p.name == name)
    return Stored(actor, name, project.id, plaintext)


@pytest.fixture
def scene(service: KeyService, database: Database) -> Scene:
    """Projects A and B in team T1, one in T2 and one in enterprise E1 / team T1."""
    return Scene(
        service,
        database,
        a=_store(service, T1, "Alpha"),
        b=_store(service, T1, "Beta"),
        t2=_store(service, T2, "Gamma"),
        e1=_store(service, E1_T1, "Delta"),
    )


def _ciphertext(database: Database, project_id: int) -> str:
    with database.engine.connect() as connection:
        value = connection.execute(
            text("SELECT ciphertext FROM stored_keys WHERE project_id = :id"), {"id": project_id}
        ).scalar_one()
    return str(value)


def _write(database: Database, project_id: int, column: str, value: str) -> None:
    assert column in {"ciphertext", "keyring_key_id"}
    with database.engine.begin() as connection:
        changed = connection.execute(
            text(f"UPDATE stored_keys SET {column} = :value WHERE project_id = :id"),  # noqa: S608
            {"value": value, "id": project_id},
        ).rowcount
    assert changed == 1


def _exports(service: KeyService, stored: Stored) -> bool:
    """True when the project's key exports as its original plaintext; False when refused."""
    try:
        exported = export_key(service, stored.workspace, stored.name)
    except DecryptionError:
        return False
    assert exported == stored.plaintext
    return True


def _assert_all_intact(scene: Scene, *, except_for: tuple[Stored, ...] = ()) -> None:
    for stored in scene.all:
        if stored not in except_for:
            assert _exports(scene.service, stored), f"{stored.name} stopped exporting"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _tampered(original: str) -> Iterator[str]:
    """Every single-character change, bit flip of the payload, truncation and a few additions."""
    header, _, payload = original.rpartition(".")
    payload_start = len(header) + 1
    for position, character in enumerate(original):
        if position >= len(original) - 2:
            replacements = [c for c in ALPHABET if c != character]  # non-canonical tails too
        else:
            index = ALPHABET.find(character)
            replacements = [ALPHABET[(index + 1) % 64], ALPHABET[(index + 33) % 64]]
        replacements.append(FOREIGN[position % len(FOREIGN)])
        for replacement in replacements:
            yield original[:position] + replacement + original[position + 1 :]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert _b64(raw) == payload and len(original) - payload_start == len(payload)
    for index in range(len(raw)):
        for bit in range(8):
            flipped = bytearray(raw)
            flipped[index] ^= 1 << bit
            yield f"{header}.{_b64(bytes(flipped))}"
    for length in range(len(original)):
        yield original[:length]
    yield from (original + extra for extra in ("A", "AA", "AAAA", "=", "==", ".", "\n"))
    yield f"{header}.{_b64(raw[:-1])}"  # one byte shorter, canonically encoded
    yield f"{header}.{_b64(raw + bytes(1))}"
    yield f"{header}.{payload}="
    yield original.upper()
    yield original.replace("v1.", "v2.", 1)


def test_every_alteration_of_a_stored_value_is_refused(
    scene: Scene, fake_openai: FakeOpenAI
) -> None:
    """One database for all variants: each is written over the previous one with raw SQL,
    and the real value is put back at the end (then everything must work again)."""
    service, database, a = scene.service, scene.database, scene.a
    original = _ciphertext(database, a.project_id)
    variants = list(dict.fromkeys(v for v in _tampered(original) if v != original))
    tried = 0
    accepted: list[str] = []
    requests_before = len(fake_openai.requests)
    started = time.perf_counter()
    for number, variant in enumerate(variants):
        _write(database, a.project_id, "ciphertext", variant)
        tried += 1
        exported = _exports(service, a)
        # The "Test" button on the same row: refused before anything is sent to OpenAI.
        verdict = service.test_key(a.actor, a.project_id).verdict
        if exported or verdict is not Verdict.UNREADABLE:
            accepted.append(f"{variant!r}: exported={exported}, test={verdict}")
        if number % 200 == 0:
            _assert_all_intact(scene, except_for=(a,))
    elapsed = time.perf_counter() - started
    print(
        f"\ntampering [{database.dialect}]: tried {tried}, accepted {len(accepted)} "
        f"(ciphertext {len(original)} chars; {elapsed:.1f} s)"
    )
    assert accepted == []
    assert tried > 1000
    assert len(fake_openai.requests) == requests_before  # nothing undecryptable was sent
    _write(database, scene.a.project_id, "ciphertext", original)
    _assert_all_intact(scene)
    assert service.test_key(a.actor, a.project_id).verdict is Verdict.DONE
    # Every refused "Test" was audited as "unreadable" (refused exports: see the next test).
    assert _audited(database, a.name, "test", "unreadable") == tried


def _audited(database: Database, project_name: str, action: str, outcome: str) -> int:
    with database.engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM audit_events "
                    "WHERE project_name = :name AND action = :action AND outcome = :outcome"
                ),
                {"name": project_name, "action": action, "outcome": outcome},
            ).scalar_one()
        )


def test_a_refused_export_is_audited(scene: Scene) -> None:
    service, database, a = scene.service, scene.database, scene.a
    _write(database, a.project_id, "ciphertext", _ciphertext(database, scene.b.project_id))
    with pytest.raises(DecryptionError):
        export_key(service, a.workspace, a.name)
    with pytest.raises(LookupError):
        export_key(service, a.workspace, "No such project")
    assert _audited(database, a.name, "export", "unreadable") == 1
    assert _audited(database, "No such project", "export", "not_found") == 1


def test_ciphertexts_swapped_between_rows_are_refused(scene: Scene) -> None:
    service, database, a, b = scene.service, scene.database, scene.a, scene.b
    a_value, b_value = _ciphertext(database, a.project_id), _ciphertext(database, b.project_id)
    _write(database, a.project_id, "ciphertext", b_value)
    _write(database, b.project_id, "ciphertext", a_value)
    with pytest.raises(DecryptionError):
        export_key(service, a.workspace, a.name)
    with pytest.raises(DecryptionError):
        export_key(service, b.workspace, b.name)
    assert service.test_key(a.actor, a.project_id).verdict is Verdict.UNREADABLE
    assert service.test_key(b.actor, b.project_id).verdict is Verdict.UNREADABLE
    _assert_all_intact(scene, except_for=(a, b))
    _write(database, a.project_id, "ciphertext", a_value)
    _write(database, b.project_id, "ciphertext", b_value)
    _assert_all_intact(scene)


@pytest.mark.parametrize("target", ["t2", "e1"])
def test_a_ciphertext_moved_to_another_workspace_is_refused(scene: Scene, target: str) -> None:
    service, database, a = scene.service, scene.database, scene.a
    other: Stored = getattr(scene, target)
    own = _ciphertext(database, other.project_id)
    _write(database, other.project_id, "ciphertext", _ciphertext(database, a.project_id))
    with pytest.raises(DecryptionError):
        export_key(service, other.workspace, other.name)
    assert service.test_key(other.actor, other.project_id).verdict is Verdict.UNREADABLE
    _assert_all_intact(scene, except_for=(other,))
    _write(database, other.project_id, "ciphertext", own)
    _assert_all_intact(scene)


@pytest.mark.parametrize(("enterprise_id", "team_id"), [("", "T2"), ("E1", "T1"), ("E9", "T9")])
def test_a_project_row_moved_to_another_workspace_is_refused(
    scene: Scene, enterprise_id: str, team_id: str
) -> None:
    """Same project id, same ciphertext, other team: the binding covers the workspace too."""
    service, database, a = scene.service, scene.database, scene.a
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE key_projects SET enterprise_id = :e, team_id = :t, "
                "name = 'Moved', name_key = 'moved' WHERE id = :id"
            ),
            {"e": enterprise_id, "t": team_id, "id": a.project_id},
        )
    with pytest.raises(DecryptionError):
        export_key(service, Workspace(enterprise_id, team_id), "Moved")
    with pytest.raises(LookupError):
        export_key(service, a.workspace, a.name)
    _assert_all_intact(scene, except_for=(a,))


def test_a_wrong_keyring_is_refused_without_key_material(
    scene: Scene, keyring: Keyring, make_service: Callable[..., KeyService]
) -> None:
    a = scene.a
    stored = _ciphertext(scene.database, a.project_id)
    same_id = Keyring(
        {keyring.active_id: secrets.token_bytes(32)}, keyring.active_id, secrets.token_bytes(32)
    )
    for wrong in (Keyring.generate(), same_id):
        other = make_service(keyring=wrong)
        with pytest.raises(DecryptionError):
            export_key(other, a.workspace, a.name)
        # The error the export met and refused on: what crypto raises for a wrong keyring.
        with pytest.raises(DecryptionError) as caught:
            decrypt(wrong, stored, binding(a.workspace, a.project_id))
        message = str(caught.value) + repr(caught.value)
        secrets_in_play = [a.plaintext, a.plaintext[8:], stored.rpartition(".")[2]]
        for json_keyring in (keyring.to_json(), wrong.to_json()):
            document = json.loads(json_keyring)
            secrets_in_play += [*document["keys"].values(), document["fingerprint_key"]]
        for secret in secrets_in_play:
            assert secret not in message
        assert caught.value.__cause__ is None and caught.value.__suppress_context__
        assert other.test_key(a.actor, a.project_id).verdict is Verdict.UNREADABLE
    _assert_all_intact(scene)


def test_the_key_id_column_is_not_what_decryption_trusts(scene: Scene, keyring: Keyring) -> None:
    """Observed: ``keyring_key_id`` is a denormalised copy; decryption reads the key id from
    the self-describing stored value (``v1.<key id>.<data>``), so a changed column still
    decrypts. Rotation and ``rows_using`` do trust the column, though (see the last part)."""
    service, database, a = scene.service, scene.database, scene.a
    under_first_key = _ciphertext(database, a.project_id)
    for bogus in ("k-000000", "", "x" * 32):
        _write(database, a.project_id, "keyring_key_id", bogus)
        assert _exports(service, a)
        assert service.test_key(a.actor, a.project_id).verdict is Verdict.DONE
    # A column that is not the active id makes rotation re-encrypt the row, which repairs it.
    report = rotate_all(database, keyring)
    assert (report.rotated, report.unreadable) == (1, [])
    assert rows_using(database, keyring.active_id) == 4
    assert _exports(service, a)
    # The other way round: the column names the active key while the value needs an old one.
    old = keyring.active_id
    keyring.add_key()
    assert rotate_all(database, keyring).rotated == 4
    _write(database, a.project_id, "ciphertext", under_first_key)  # column left as active
    assert stored_key_id(_ciphertext(database, a.project_id)) == old
    assert _exports(service, a)  # the stored form names its key: still readable
    # ...but rows are counted by the column, so the old key looks unused and rotation skips
    # the row: retiring the old key then makes project A unreadable. Only reachable by
    # writing the column behind the service's back; documented here, not changed.
    assert rows_using(database, old) == 0
    assert rotate_all(database, keyring).rotated == 0
    keyring.retire(old)
    assert not _exports(service, a)
    _assert_all_intact(scene, except_for=(a,))
