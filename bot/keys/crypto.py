"""Encryption of API keys at rest (AES-256-GCM), fingerprints and masked display forms.

Stored form: ``v1.<key id>.<base64url(nonce || ciphertext || tag)>``, plain ASCII, so it says
which format and which keyring key it needs. The associated data binds each value to its
purpose, enterprise, team and record: a value copied to another row does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import re
import struct
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag

from bot.keys.keyring import KEY_ID_PATTERN, Keyring, KeyringError
from bot.rules.secrets import known_prefix

__all__ = [
    "BindingContext",
    "DecryptionError",
    "Keyring",
    "KeyringError",
    "decrypt",
    "encrypt",
    "fingerprint",
    "mask",
    "stored_key_id",
]

STORED_VERSION = "v1"
NONCE_SIZE = 12
TAG_SIZE = 16
MASK_TAIL = 4
# Below this many secret characters, showing the last four would give too much away.
_MIN_SECRET_FOR_TAIL = 12
_PAYLOAD_PATTERN = re.compile(r"[A-Za-z0-9_-]+\Z")
_AD_LABEL = b"openai-setup/stored-secret"


class DecryptionError(Exception):
    """A stored value cannot be decrypted: wrong format, key, keyring, context or tampered."""


@dataclass(frozen=True, slots=True)
class BindingContext:
    """Where a ciphertext belongs; it is authenticated with it, so it must match on decrypt."""

    purpose: str
    enterprise_id: str
    team_id: str
    record_id: str
    _encoded: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Length-prefixed fields: ("a", "bc") and ("ab", "c") can never encode alike.
        parts = [_AD_LABEL]
        for value in (self.purpose, self.enterprise_id, self.team_id, self.record_id):
            encoded = value.encode("utf-8", "surrogatepass")
            parts.append(struct.pack(">I", len(encoded)))
            parts.append(encoded)
        object.__setattr__(self, "_encoded", b"".join(parts))

    def associated_data(self, key_id: str) -> bytes:
        """The AEAD associated data: the stored header (version, key id) and this context."""
        return f"{STORED_VERSION}.{key_id}.".encode("ascii") + self._encoded


def encrypt(keyring: Keyring, plaintext: str, context: BindingContext) -> str:
    """Encrypt ``plaintext`` with the active key; a fresh random 96-bit nonce every time."""
    try:
        data = plaintext.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("the text to encrypt is not valid Unicode (lone surrogate)") from None
    key_id = keyring.active_id
    nonce = os.urandom(NONCE_SIZE)
    sealed = keyring.cipher(key_id).encrypt(nonce, data, context.associated_data(key_id))
    payload = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")
    return f"{STORED_VERSION}.{key_id}.{payload}"


def decrypt(keyring: Keyring, stored: str, context: BindingContext) -> str:
    """The plaintext of ``stored``; any failure raises DecryptionError and nothing else."""
    key_id, payload = _parse(stored)
    try:
        cipher = keyring.cipher(key_id)
    except KeyError:
        raise DecryptionError(
            f"the value was encrypted with key {key_id!r}, which is not in the keyring"
        ) from None
    raw = _decode_payload(payload)
    try:
        data = cipher.decrypt(raw[:NONCE_SIZE], raw[NONCE_SIZE:], context.associated_data(key_id))
        return data.decode("utf-8")
    except (InvalidTag, ValueError, OverflowError):
        raise DecryptionError(
            "the value does not authenticate: wrong keyring, moved to another record, or altered"
        ) from None


FINGERPRINT_ID_LENGTH = 12


def stored_key_id(stored: str) -> str:
    """The id of the keyring key a stored value needs (DecryptionError when malformed)."""
    return _parse(stored)[0]


def fingerprint(keyring: Keyring, api_key: str) -> str:
    """HMAC-SHA256 of the key under the keyring's own fingerprint key, as hex.

    Recognises the same key again (duplicates, leaks) without a plain hash anyone could
    compute from a guessed or leaked key.
    """
    return hmac.digest(
        keyring.fingerprint_key, api_key.encode("utf-8", "surrogatepass"), "sha256"
    ).hex()


def fingerprint_id(full_fingerprint: str) -> str:
    """The short form of a fingerprint that audit rows and logs name a key by."""
    return full_fingerprint[:FINGERPRINT_ID_LENGTH]


def mask(api_key: str) -> str:
    """A display form such as ``sk-proj-…abcd``: the known prefix and at most the last 4.

    Short or odd strings show less (never more than four secret characters, and none when
    that would be a large share of the secret or the characters are not key characters).
    """
    prefix = known_prefix(api_key)
    secret = api_key[len(prefix) :]
    tail = secret[-MASK_TAIL:]
    if len(secret) < _MIN_SECRET_FOR_TAIL or not _PAYLOAD_PATTERN.match(tail):
        tail = ""
    return f"{prefix}…{tail}"


def _parse(stored: str) -> tuple[str, str]:
    if not isinstance(stored, str) or not stored.isascii():
        raise DecryptionError("the stored value is not ASCII text in the v1 format")
    parts = stored.split(".")
    if len(parts) != 3:
        raise DecryptionError("the stored value is not in the <version>.<key id>.<data> format")
    version, key_id, payload = parts
    if version != STORED_VERSION:
        raise DecryptionError("the stored value has an unknown format version")
    if not KEY_ID_PATTERN.match(key_id):
        raise DecryptionError("the stored value has a malformed key id")
    return key_id, payload


def _decode_payload(payload: str) -> bytes:
    """Strict, canonical base64url: anything else would let altered text decode alike."""
    if not _PAYLOAD_PATTERN.match(payload):
        raise DecryptionError("the stored data is not base64url")
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("the stored data is not base64url") from None
    if base64.urlsafe_b64encode(raw).rstrip(b"=") != payload.encode("ascii"):
        raise DecryptionError("the stored data is not canonical base64url")
    if len(raw) < NONCE_SIZE + TAG_SIZE:
        raise DecryptionError("the stored data is too short")
    return raw
