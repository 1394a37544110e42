"""AES-256-GCM at rest: round trips, tamper and move detection, fingerprints and masks."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.keys.crypto import (
    BindingContext,
    DecryptionError,
    decrypt,
    encrypt,
    fingerprint,
    mask,
    stored_key_id,
)
from bot.keys.keyring import Keyring

KEY = "sk-proj-abc123DEF456ghi789JKL012mno345PQR678stu901VWX"
SHORT = "sk-abc"


def test_round_trip(keyring: Keyring, context: BindingContext) -> None:
    stored = encrypt(keyring, KEY, context)
    assert decrypt(keyring, stored, context) == KEY


def test_stored_form_is_versioned_ascii_with_the_key_id(
    keyring: Keyring, context: BindingContext
) -> None:
    stored = encrypt(keyring, KEY, context)
    assert stored.isascii()
    assert re.fullmatch(r"v1\.k-[0-9a-f]{6}\.[A-Za-z0-9_-]+", stored)
    assert stored_key_id(stored) == keyring.active_id
    assert KEY not in stored


def test_fresh_nonce_every_time(keyring: Keyring, context: BindingContext) -> None:
    values = {encrypt(keyring, KEY, context) for _ in range(50)}
    assert len(values) == 50
    nonces = {base64.urlsafe_b64decode(v.split(".")[2] + "==")[:12] for v in values}
    assert len(nonces) == 50


def test_every_bit_flip_is_refused(keyring: Keyring, context: BindingContext) -> None:
    stored = encrypt(keyring, SHORT, context)
    for position, character in enumerate(stored):
        for bit in range(8):
            flipped = chr(ord(character) ^ (1 << bit))
            tampered = stored[:position] + flipped + stored[position + 1 :]
            with pytest.raises(DecryptionError):
                decrypt(keyring, tampered, context)


def test_every_truncation_is_refused(keyring: Keyring, context: BindingContext) -> None:
    stored = encrypt(keyring, SHORT, context)
    for length in range(len(stored)):
        with pytest.raises(DecryptionError):
            decrypt(keyring, stored[:length], context)


def test_every_ciphertext_byte_flip_is_refused(keyring: Keyring, context: BindingContext) -> None:
    stored = encrypt(keyring, SHORT, context)
    head, payload = stored.rsplit(".", 1)
    raw = base64.urlsafe_b64decode(payload + "==")
    for position in range(len(raw)):
        for bit in range(8):
            changed = bytearray(raw)
            changed[position] ^= 1 << bit
            text = base64.urlsafe_b64encode(bytes(changed)).rstrip(b"=").decode()
            with pytest.raises(DecryptionError):
                decrypt(keyring, f"{head}.{text}", context)


@pytest.mark.parametrize("field", ["purpose", "enterprise_id", "team_id", "record_id"])
def test_a_value_moved_elsewhere_does_not_decrypt(
    keyring: Keyring, context: BindingContext, field: str
) -> None:
    stored = encrypt(keyring, KEY, context)
    values = {
        "purpose": context.purpose,
        "enterprise_id": context.enterprise_id,
        "team_id": context.team_id,
        "record_id": context.record_id,
    }
    values[field] = values[field] + "x"
    with pytest.raises(DecryptionError):
        decrypt(keyring, stored, BindingContext(**values))


def test_fields_cannot_slide_into_each_other(keyring: Keyring) -> None:
    stored = encrypt(keyring, KEY, BindingContext("p", "E1", "T12", "3"))
    with pytest.raises(DecryptionError):
        decrypt(keyring, stored, BindingContext("p", "E1", "T1", "23"))
    with pytest.raises(DecryptionError):
        decrypt(keyring, stored, BindingContext("p", "E1T12", "", "3"))


def test_another_keyring_cannot_decrypt(keyring: Keyring, context: BindingContext) -> None:
    stored = encrypt(keyring, KEY, context)
    with pytest.raises(DecryptionError, match="not in the keyring"):
        decrypt(Keyring.generate(), stored, context)
    # Same key id, other key bytes: the tag fails.
    impostor = Keyring(
        {keyring.active_id: b"\x01" * 32}, keyring.active_id, keyring.fingerprint_key
    )
    with pytest.raises(DecryptionError):
        decrypt(impostor, stored, context)


def test_rotation_keeps_old_values_readable(keyring: Keyring, context: BindingContext) -> None:
    old = encrypt(keyring, KEY, context)
    new_id = keyring.add_key()
    new = encrypt(keyring, KEY, context)
    assert stored_key_id(new) == new_id != stored_key_id(old)
    assert decrypt(keyring, old, context) == decrypt(keyring, new, context) == KEY


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "v1",
        "v1..",
        "v2.k-000000.AAAA",
        "v1.k-000000.AAAA.AAAA",
        "v1.bad id.AAAA",
        "v1.k-000000.äöü",
        "v1.k-000000.AAAA====",
        "v1.k-000000.A",
        "\x00\x01",
        "💥",
        "v1.k-000000." + "A" * 10_000,
    ],
)
def test_garbage_raises_only_decryption_error(
    keyring: Keyring, context: BindingContext, garbage: str
) -> None:
    with pytest.raises(DecryptionError):
        decrypt(keyring, garbage, context)


def test_plaintext_that_is_not_utf8_is_refused(keyring: Keyring, context: BindingContext) -> None:
    key_id = keyring.active_id
    nonce = b"\x00" * 12
    sealed = keyring.cipher(key_id).encrypt(nonce, b"\xff\xfe", context.associated_data(key_id))
    payload = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()
    with pytest.raises(DecryptionError):
        decrypt(keyring, f"v1.{key_id}.{payload}", context)


def test_errors_hold_no_secret(keyring: Keyring, context: BindingContext) -> None:
    stored = encrypt(keyring, KEY, context)
    other = BindingContext("other", "", "T2", "1")
    with pytest.raises(DecryptionError) as raised:
        decrypt(keyring, stored, other)
    assert KEY not in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_encrypt_refuses_text_that_is_not_unicode(
    keyring: Keyring, context: BindingContext
) -> None:
    with pytest.raises(ValueError, match="not valid Unicode") as raised:
        encrypt(keyring, "sk-\ud800secret", context)
    assert "secret" not in str(raised.value)


# Hypothesis runs many examples per test: one keyring for all of them (fixtures are per test).
_SHARED_KEYRING = Keyring.generate()
_SHARED_CONTEXT = BindingContext("openai_api_key", "", "T1", "1")
contexts = st.builds(BindingContext, st.text(), st.text(), st.text(), st.text())


@settings(max_examples=200, deadline=None)
@given(plaintext=st.text(), context=contexts)
def test_round_trip_any_text_and_context(plaintext: str, context: BindingContext) -> None:
    keyring = _SHARED_KEYRING
    assert decrypt(keyring, encrypt(keyring, plaintext, context), context) == plaintext


_PAYLOADS = st.from_regex(r"[A-Za-z0-9_-]*", fullmatch=True)


@settings(max_examples=500, deadline=None)
@given(
    garbage=st.text()
    | st.from_regex(r"v1\.k-[0-9a-f]{6}\.[A-Za-z0-9_-]*", fullmatch=True)
    | _PAYLOADS.map(lambda payload: f"v1.{_SHARED_KEYRING.active_id}.{payload}")
)
def test_decrypting_arbitrary_text_raises_only_decryption_error(garbage: str) -> None:
    with pytest.raises(DecryptionError):
        decrypt(_SHARED_KEYRING, garbage, _SHARED_CONTEXT)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_edit_of_a_stored_value_is_refused(data: st.DataObject) -> None:
    stored = encrypt(_SHARED_KEYRING, KEY, _SHARED_CONTEXT)
    position = data.draw(st.integers(0, len(stored) - 1))
    replacement = data.draw(st.characters().filter(lambda c: c != stored[position]))
    edited = stored[:position] + replacement + stored[position + 1 :]
    with pytest.raises(DecryptionError):
        decrypt(_SHARED_KEYRING, edited, _SHARED_CONTEXT)


def test_fingerprint_is_keyed_hmac_hex(keyring: Keyring) -> None:
    first = fingerprint(keyring, KEY)
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert fingerprint(keyring, KEY) == first
    assert fingerprint(keyring, KEY + "x") != first
    assert fingerprint(Keyring.generate(), KEY) != first  # not a plain hash
    assert first != hashlib.sha256(KEY.encode()).hexdigest()


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("sk-proj-" + "a" * 40 + "WXYZ", "sk-proj-…WXYZ"),
        ("sk-svcacct-" + "b" * 40 + "abcd", "sk-svcacct-…abcd"),
        ("sk-admin-" + "c" * 40 + "ab_d", "sk-admin-…ab_d"),
        ("sk-" + "d" * 44 + "9876", "sk-…9876"),
        ("sk-proj-short", "sk-proj-…"),
        ("sk-abcdefgh", "sk-…"),
        ("", "…"),
        ("abc", "…"),
        ("no-prefix-but-long-enough-1234", "…1234"),
        ("sk-" + "e" * 40 + "a<b>", "sk-…"),
    ],
)
def test_mask(key: str, expected: str) -> None:
    assert mask(key) == expected


@given(st.text())
def test_mask_never_shows_more_than_four_secret_characters(text: str) -> None:
    masked = mask(text)
    prefix, _, tail = masked.partition("…")
    assert text.startswith(prefix)
    assert len(tail) <= 4
    assert not tail or text.endswith(tail)
    assert not tail or len(text) - len(prefix) >= 12
