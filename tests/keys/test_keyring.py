"""The keyring file: generation, atomic 0600 saving, loading, rotation, and clear errors."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import stat
from pathlib import Path

import pytest

from bot.keys.keyring import KEYRING_SETTING, Keyring, KeyringError, load_or_create_keyring


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _material(keyring: Keyring) -> list[str]:
    """Every base64 string in the keyring's file form: none may appear in an error."""
    document = json.loads(keyring.to_json())
    return [*document["keys"].values(), document["fingerprint_key"]]


def test_generate_has_one_active_key_with_a_short_id() -> None:
    keyring = Keyring.generate()
    assert keyring.key_ids == (keyring.active_id,)
    assert keyring.active_id.startswith("k-") and len(keyring.active_id) == 8
    assert len(keyring.fingerprint_key) == 32


def test_save_and_load_round_trip_with_mode_0600(tmp_path: Path) -> None:
    keyring = Keyring.generate()
    path = tmp_path / "nested" / "keyring.json"
    keyring.save(path)
    assert _mode(path) == 0o600
    loaded = Keyring.load(path)
    assert loaded.to_json() == keyring.to_json()
    assert list(tmp_path.joinpath("nested").iterdir()) == [path]  # no temporary file left


def test_save_replaces_a_loose_file_with_a_0600_one(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    path.write_text("old")
    path.chmod(0o644)
    Keyring.generate().save(path)
    assert _mode(path) == 0o600


def test_file_shape(tmp_path: Path) -> None:
    keyring = Keyring.generate()
    document = json.loads(keyring.to_json())
    assert document["version"] == 1
    assert document["active"] == keyring.active_id
    assert set(document["keys"]) == {keyring.active_id}
    assert len(base64.b64decode(document["fingerprint_key"])) == 32


def test_repr_shows_ids_only() -> None:
    keyring = Keyring.generate()
    text = repr(keyring)
    assert keyring.active_id in text
    assert not any(material in text for material in _material(keyring))


def test_add_key_becomes_active_and_old_keys_stay() -> None:
    keyring = Keyring.generate()
    first = keyring.active_id
    second = keyring.add_key()
    assert keyring.active_id == second != first
    assert set(keyring.key_ids) == {first, second}
    keyring.cipher(first)  # still usable for reading


def test_retire_refuses_the_active_key_and_unknown_ids() -> None:
    keyring = Keyring.generate()
    old = keyring.active_id
    with pytest.raises(KeyringError, match="active"):
        keyring.retire(old)
    keyring.add_key()
    keyring.retire(old)
    assert old not in keyring.key_ids
    with pytest.raises(KeyError):
        keyring.cipher(old)
    with pytest.raises(KeyringError):
        keyring.retire("k-000000")


def test_load_or_create_generates_once_and_warns_loudly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    default = tmp_path / "data" / "keyring.json"
    with caplog.at_level(logging.WARNING):
        created, was_created = load_or_create_keyring(None, default)
    assert was_created
    assert _mode(default) == 0o600
    warning = " ".join(record.getMessage() for record in caplog.records)
    assert str(default.resolve()) in warning
    assert "Back this file up" in warning and "unreadable" in warning
    assert not any(material in warning for material in _material(created))

    again, was_created = load_or_create_keyring(None, default)
    assert not was_created
    assert again.to_json() == created.to_json()


def test_load_or_create_uses_the_named_file_and_never_creates_it(tmp_path: Path) -> None:
    named = tmp_path / "mine.json"
    with pytest.raises(KeyringError, match=KEYRING_SETTING):
        load_or_create_keyring(named, tmp_path / "default.json")
    assert not named.exists() and not (tmp_path / "default.json").exists()
    Keyring.generate().save(named)
    _, created = load_or_create_keyring(named, tmp_path / "default.json")
    assert not created


def test_load_or_create_keeps_a_keyring_another_process_wrote_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = tmp_path / "keyring.json"
    theirs = Keyring.generate()
    real_exists = Path.exists

    def exists_but_raced(path: Path) -> bool:
        if path == default and not real_exists(path):
            theirs.save(default)  # the other process wins between our check and our write
            return False
        return real_exists(path)

    monkeypatch.setattr(Path, "exists", exists_but_raced)
    keyring, created = load_or_create_keyring(None, default)
    assert not created
    assert keyring.to_json() == theirs.to_json()


def test_world_readable_file_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "keyring.json"
    Keyring.generate().save(path)
    os.chmod(path, 0o644)
    with caplog.at_level(logging.WARNING):
        Keyring.load(path)
    assert any("chmod 600" in record.getMessage() for record in caplog.records)


def _valid_document() -> dict[str, object]:
    return json.loads(Keyring.generate().to_json())


def _bad_documents() -> dict[str, str]:
    def with_changes(**changes: object) -> str:
        document = _valid_document()
        document.update(changes)
        return json.dumps(document)

    valid = _valid_document()
    active = str(valid["active"])
    key_text = valid["keys"][active]  # type: ignore[index]
    return {
        "bad json": '{"version": 1, "active": ',
        "not an object": "[1, 2]",
        "wrong version": with_changes(version=2),
        "version true": with_changes(version=True),
        "no keys": with_changes(keys={}),
        "active missing": with_changes(active="k-ffffff"),
        "active not an id": with_changes(active=key_text),
        "short key": with_changes(keys={active: _b64(b"x" * 16)}),
        "long key": with_changes(keys={active: _b64(b"x" * 33)}),
        "bad base64": with_changes(keys={active: key_text[:-2] + "!!"}),
        "key not a string": with_changes(keys={active: 12345}),
        "bad key id": with_changes(keys={"a.b": key_text}, active="a.b"),
        "fingerprint key missing": with_changes(fingerprint_key=None),
        "short fingerprint key": with_changes(fingerprint_key=_b64(b"y" * 31)),
    }


@pytest.mark.parametrize("case", sorted(_bad_documents()))
def test_bad_keyring_files_raise_keyring_error_naming_the_setting(
    case: str, tmp_path: Path
) -> None:
    text = _bad_documents()[case]
    path = tmp_path / "keyring.json"
    path.write_text(text)
    with pytest.raises(KeyringError) as raised:
        Keyring.load(path)
    message = str(raised.value)
    assert KEYRING_SETTING in message
    # No chained exception (a JSONDecodeError holds the whole document) shows in tracebacks.
    error = raised.value
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__
    for chunk in _base64_chunks(text):
        assert chunk not in message


def _base64_chunks(text: str) -> list[str]:
    """Long base64 runs in the file (key material, even malformed): 12+ characters."""
    return re.findall(r"[A-Za-z0-9+/=]{12,}", text)


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(KeyringError, match=KEYRING_SETTING):
        Keyring.load(binary)
    with pytest.raises(KeyringError, match=KEYRING_SETTING):
        Keyring.load(tmp_path)  # a directory


def test_save_to_an_unwritable_place_raises_keyring_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(KeyringError, match=KEYRING_SETTING):
        Keyring.generate().save(blocker / "keyring.json")


def test_a_loaded_keyring_follows_a_key_added_to_its_file(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    Keyring.generate().save(path)
    serving = Keyring.load(path)  # a running app's copy
    operator = Keyring.load(path)
    new_id = operator.add_key()
    operator.save(path)
    assert serving.cipher(new_id) is not None
    assert serving.active_id == new_id


def test_a_file_holding_another_keyring_is_not_adopted(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    Keyring.generate().save(path)
    serving = Keyring.load(path)
    stranger = Keyring.generate()
    stranger.save(path)  # someone replaced the file with an unrelated keyring
    with pytest.raises(KeyError):
        serving.cipher(stranger.active_id)
    assert stranger.active_id not in serving.key_ids
