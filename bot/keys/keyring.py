"""The keyring: named 256-bit encryption keys (one active) and a fingerprint key, in a JSON file.

File shape: ``{"version": 1, "active": "k-3f9a1c", "keys": {"k-3f9a1c": "<base64 32 bytes>"},
"fingerprint_key": "<base64 32 bytes>"}``. Losing the file makes every stored key unreadable,
so errors here name the ``KEYRING_FILE`` setting and the problem, and never any key material.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.keys.private_file import write_private_file

log = logging.getLogger(__name__)

KEYRING_SETTING = "KEYRING_FILE"
KEY_SIZE = 32
RELOAD_INTERVAL_SECONDS = 1.0
FORMAT_VERSION = 1
# Ids appear in the stored form "v1.<id>.<payload>", so they may never contain a dot.
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}\Z")


class KeyringError(Exception):
    """The keyring cannot be used. The message names KEYRING_FILE, never any key material."""


class Keyring:
    """Encryption keys by id, the id of the active one, and the HMAC key for fingerprints."""

    __slots__ = (
        "_active_id",
        "_ciphers",
        "_fingerprint_key",
        "_keys",
        "_next_reload_at",
        "_reload_lock",
        "_source",
    )

    def __init__(self, keys: Mapping[str, bytes], active_id: str, fingerprint_key: bytes) -> None:
        for key_id, key in keys.items():
            _check_key_id(key_id)
            _check_key_size(f"key {key_id!r}", key)
        _check_key_size("fingerprint_key", fingerprint_key)
        _check_key_id(active_id)
        if active_id not in keys:
            raise KeyringError(f"{KEYRING_SETTING}: the active key {active_id!r} is not in 'keys'")
        self._keys = dict(keys)
        self._active_id = active_id
        self._fingerprint_key = fingerprint_key
        self._ciphers: dict[str, AESGCM] = {}
        # The file this keyring came from: re-read when a stored value names a key id this
        # process has not seen (`keyring add` + `keys rotate` ran while it served).
        self._source: Path | None = None
        self._reload_lock = threading.Lock()
        self._next_reload_at = 0.0

    @classmethod
    def generate(cls) -> Keyring:
        """A fresh keyring with one random active key and a random fingerprint key."""
        key_id = _new_key_id(())
        return cls({key_id: secrets.token_bytes(KEY_SIZE)}, key_id, secrets.token_bytes(KEY_SIZE))

    @classmethod
    def load(cls, path: Path) -> Keyring:
        """Read a keyring file; warns when other users can read it."""
        try:
            text = path.read_text(encoding="utf-8")
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise KeyringError(
                f"{KEYRING_SETTING}: the keyring file {path} does not exist"
            ) from None
        except (OSError, UnicodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
            raise KeyringError(f"{KEYRING_SETTING}: cannot read {path}: {reason}") from None
        if os.name == "posix" and mode & 0o077:
            log.warning(
                "%s: %s can be read by other users (mode %o); run `chmod 600` on it",
                KEYRING_SETTING,
                path,
                mode & 0o777,
            )
        keyring = cls.from_json(text, source=str(path))
        keyring._source = path
        return keyring

    @classmethod
    def from_json(cls, text: str, *, source: str = "the keyring") -> Keyring:
        """Parse the JSON form; ``source`` (a path) only appears in error messages."""
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise KeyringError(
                f"{KEYRING_SETTING}: {source} is not valid JSON "
                f"(line {exc.lineno}, column {exc.colno})"
            ) from None
        if not isinstance(document, dict):
            raise KeyringError(f"{KEYRING_SETTING}: {source} must hold a JSON object")
        version = document.get("version")
        if type(version) is not int or version != FORMAT_VERSION:
            raise KeyringError(f'{KEYRING_SETTING}: {source} must have "version": {FORMAT_VERSION}')
        keys = document.get("keys")
        if not isinstance(keys, dict) or not keys:
            raise KeyringError(f'{KEYRING_SETTING}: {source} needs a non-empty "keys" object')
        active = document.get("active")
        if not isinstance(active, str):
            raise KeyringError(f'{KEYRING_SETTING}: {source} needs an "active" key id')
        for key_id in keys:
            _check_key_id(key_id)
        decoded = {key_id: _decode_key(source, f"key {key_id!r}", v) for key_id, v in keys.items()}
        fingerprint_key = _decode_key(source, "fingerprint_key", document.get("fingerprint_key"))
        try:
            return cls(decoded, active, fingerprint_key)
        except KeyringError as exc:
            raise KeyringError(f"{exc} ({source})") from None

    def to_json(self) -> str:
        """The JSON file form (it holds key material: write it only to a 0600 file)."""
        document: dict[str, Any] = {
            "version": FORMAT_VERSION,
            "active": self._active_id,
            "keys": {key_id: _encode_key(key) for key_id, key in self._keys.items()},
            "fingerprint_key": _encode_key(self._fingerprint_key),
        }
        return json.dumps(document, indent=2) + "\n"

    def save(self, path: Path) -> None:
        """Write the file atomically (temporary file + rename), readable by its owner only."""
        try:
            write_private_file(path, self.to_json(), replace=True)
        except OSError as exc:
            raise KeyringError(f"{KEYRING_SETTING}: cannot write {path}: {exc.strerror}") from None

    @property
    def active_id(self) -> str:
        return self._active_id

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    @property
    def fingerprint_key(self) -> bytes:
        return self._fingerprint_key

    def cipher(self, key_id: str) -> AESGCM:
        """The AES-GCM object for ``key_id``, built once (KeyError when the id is unknown).

        An unknown id makes a keyring loaded from a file re-read it once first, so every
        user of this one object (stored keys, Slack tokens) follows a rotation at once.
        """
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            key = self._keys.get(key_id)
            if key is None:
                key = self._reload_for(key_id)
            cipher = self._ciphers.setdefault(key_id, AESGCM(key))
        return cipher

    def _reload_for(self, key_id: str) -> bytes:
        """Re-read the source file for ``key_id``; KeyError when it is not there either.

        At most one read per ``RELOAD_INTERVAL_SECONDS``: a tampered value naming a made-up
        id must not turn every request into a file read. A file whose fingerprint key
        changed is another keyring altogether, and is refused.
        """
        if self._source is None:
            raise KeyError(key_id)
        with self._reload_lock:
            if key_id in self._keys:  # another thread reloaded meanwhile
                return self._keys[key_id]
            now = time.monotonic()
            if now < self._next_reload_at:
                raise KeyError(key_id)
            self._next_reload_at = now + RELOAD_INTERVAL_SECONDS
            try:
                fresh = Keyring.load(self._source)
            except KeyringError as error:
                log.error("could not re-read the keyring: %s", error)
                raise KeyError(key_id) from None
            if fresh._fingerprint_key != self._fingerprint_key:
                log.error(
                    "%s: %s now holds a different keyring (another fingerprint key); "
                    "keeping the one loaded at start",
                    KEYRING_SETTING,
                    self._source,
                )
                raise KeyError(key_id)
            # A new active key in the file is the operator's `keyring add`: write with it too.
            adopt_active = fresh._active_id not in self._keys
            self._keys = {**self._keys, **fresh._keys}
            if adopt_active:
                self._active_id = fresh._active_id
            log.info("keyring re-read: key ids %s, active %s", list(self._keys), self._active_id)
            if key_id not in self._keys:
                raise KeyError(key_id)
            return self._keys[key_id]

    def add_key(self) -> str:
        """Add a random key and make it active; older keys stay readable. Returns its id."""
        key_id = _new_key_id(self._keys)
        self._keys[key_id] = secrets.token_bytes(KEY_SIZE)
        self._active_id = key_id
        return key_id

    def retire(self, key_id: str) -> None:
        """Drop a key that nothing is encrypted with any more; the active key cannot go."""
        if key_id == self._active_id:
            raise KeyringError(
                f"{KEYRING_SETTING}: {key_id!r} is the active key; add a new one first"
            )
        if key_id not in self._keys:
            raise KeyringError(f"{KEYRING_SETTING}: there is no key {key_id!r} to retire")
        del self._keys[key_id]
        self._ciphers.pop(key_id, None)

    def __repr__(self) -> str:
        return f"Keyring(active_id={self._active_id!r}, key_ids={list(self._keys)!r})"


def load_or_create_keyring(path: Path | None, default_path: Path) -> tuple[Keyring, bool]:
    """The keyring named by KEYRING_FILE, else the one at ``default_path``, else a new one.

    Returns ``(keyring, created)``. A new keyring is announced with a loud warning, because
    nobody will back up a file they do not know exists.
    """
    if path is not None:
        return Keyring.load(path), False
    if default_path.exists():
        return Keyring.load(default_path), False
    keyring = Keyring.generate()
    try:
        write_private_file(default_path, keyring.to_json(), replace=False)
    except FileExistsError:
        # Another process created it between our check and our write: use theirs.
        return Keyring.load(default_path), False
    except OSError as exc:
        raise KeyringError(
            f"{KEYRING_SETTING} is not set and {default_path} cannot be created: {exc.strerror}"
        ) from None
    keyring._source = default_path
    log.warning(
        "%s is not set: generated a NEW keyring at %s. Back this file up now and keep it "
        "secret. Losing it makes every stored API key unreadable. Set %s to use another path.",
        KEYRING_SETTING,
        default_path.resolve(),
        KEYRING_SETTING,
    )
    return keyring, True


def _decode_key(source: str, name: str, value: object) -> bytes:
    if not isinstance(value, str):
        raise KeyringError(f"{KEYRING_SETTING}: {name} in {source} must be a base64 string")
    try:
        key = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeError):
        raise KeyringError(f"{KEYRING_SETTING}: {name} in {source} is not valid base64") from None
    _check_key_size(f"{name} in {source}", key)
    return key


def _encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def _check_key_size(name: str, key: bytes) -> None:
    if len(key) != KEY_SIZE:
        raise KeyringError(
            f"{KEYRING_SETTING}: {name} is {len(key)} bytes long; it must be {KEY_SIZE} bytes"
        )


def _check_key_id(key_id: str) -> None:
    if not KEY_ID_PATTERN.match(key_id):
        raise KeyringError(f"{KEYRING_SETTING}: key ids must be 1-32 letters, digits, '-' or '_'")


def _new_key_id(existing: Mapping[str, bytes] | tuple[str, ...]) -> str:
    while True:
        key_id = f"k-{secrets.token_hex(3)}"
        if key_id not in existing:
            return key_id
