"""The one definition of "an OpenAI API key inside some text".

Every place that must not keep or repeat a key asks this module: the key dialog's other
fields, slash command text, direct messages, mentions, the leak watch on channel messages,
and (through :data:`REDACTION_PATTERN`) the log filter.

Shapes (checked 2026-11): ``sk-proj-…`` project keys, ``sk-svcacct-…`` service-account keys
(older ones ``sk-service-…``), ``sk-admin-…`` admin keys, ``sk-None-…`` and legacy ``sk-`` +
48 characters user keys; characters ``[A-Za-z0-9_-]``. Real keys are random: every one
issued since 2021 carries ``T3BlbkFJ`` (base64 of "OpenAI"), so it has upper and lower case
letters and digits. Masked or example forms (``sk-…abcd``, ``sk-***``, ``sk-proj-XXXX``,
``sk-...``, ``sk-proj-****…GDYA`` as OpenAI's own errors print them) are not keys.

Every pattern is linear: one character class repeated once, nothing nested, so a 40,000
character message costs one pass. The scan jumps from one "sk-" to the next with
``str.find`` and matches only there (the leak watch reads every channel message), and reads
the NFKC form only when a character in the text turns into a key character under NFKC.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

KEY_START = "sk-"
# Longest first, so "sk-proj-" wins over "sk-".
KEY_PREFIXES: tuple[str, ...] = (
    "sk-svcacct-",
    "sk-service-",
    "sk-admin-",
    "sk-proj-",
    "sk-None-",
    KEY_START,
)
# What follows the type prefix: fewer characters than this is a fragment or a placeholder.
MIN_SECRET_LENGTH = 20
# Six times the same character in a row: a mask ("sk-proj-ab12XXXXXXXX…9wxy") or a
# placeholder. In a random key that happens about once in a billion keys.
_PLACEHOLDER_RUN = re.compile(r"([A-Za-z0-9_-])\1{5}")

# A candidate: "sk-" not glued to a word before it ("task-…", "risk-…"), then key characters.
# The definition; ``_candidates`` finds the same matches faster (a property test checks it).
_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{" + str(MIN_SECRET_LENGTH) + ",}")
_KEY_RUN = re.compile(r"sk-[A-Za-z0-9_-]{" + str(MIN_SECRET_LENGTH) + ",}")
_WORD_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
_KEY_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")

# For log redaction: a wider net on purpose. No look-behind (URL-encoded bodies put "%22" or
# "%20" right before a key), no shape checks, and cut keys count: a log line that loses a
# word is cheap, a key in a log file is not.
REDACTION_PATTERN = re.compile(r"sk-[A-Za-z0-9_\-]{8,}")


class KeyKind(StrEnum):
    PROJECT = "project"
    SERVICE_ACCOUNT = "service_account"
    ADMIN = "admin"
    USER = "user"  # sk-None-… and the legacy sk-… form


_KIND_OF_PREFIX = {
    "sk-svcacct-": KeyKind.SERVICE_ACCOUNT,
    "sk-service-": KeyKind.SERVICE_ACCOUNT,
    "sk-admin-": KeyKind.ADMIN,
    "sk-proj-": KeyKind.PROJECT,
    "sk-None-": KeyKind.USER,
    KEY_START: KeyKind.USER,
}


@dataclass(frozen=True)
class FoundKey:
    """A key found in text. ``value`` is the secret itself: hash or mask it, never show it."""

    value: str = field(repr=False)
    kind: KeyKind

    @property
    def prefix(self) -> str:
        return known_prefix(self.value)


def find_keys(text: str) -> list[FoundKey]:
    """Every distinct key in ``text``, in order of appearance.

    Text that is not plain ASCII is also read in NFKC form, where full-width letters and
    other compatibility characters become the ASCII key they stand for.
    """
    found: dict[str, FoundKey] = {}
    for variant in _variants(text):
        if KEY_START not in variant:
            continue
        for candidate in _candidates(variant):
            if candidate not in found and is_key_shaped(candidate):
                found[candidate] = FoundKey(candidate, _KIND_OF_PREFIX[known_prefix(candidate)])
    return list(found.values())


def contains_key(text: str) -> bool:
    """Whether ``text`` holds an OpenAI key anywhere inside it (see :func:`find_keys`)."""
    for variant in _variants(text):
        if KEY_START not in variant:
            continue
        if any(is_key_shaped(candidate) for candidate in _candidates(variant)):
            return True
    return False


def is_key_shaped(candidate: str) -> bool:
    """Whether a whole ``sk-…`` string has the randomness of a real key.

    The part after the type prefix must be long, mix upper case, lower case and digits, and
    not repeat one character six times in a row: prose ("sk-learn-compatible-estimators-v2")
    and placeholders ("sk-proj-XXXXXXXXXXXXXXXXXXXXXXXX", "sk-xxxxxxxxxxxxxxxxxxxx1A") fail.
    """
    secret = candidate[len(known_prefix(candidate)) :]
    if len(secret) < MIN_SECRET_LENGTH or not candidate.startswith(KEY_START):
        return False
    return (
        any(character.isdigit() for character in secret)
        and any("a" <= character <= "z" for character in secret)
        and any("A" <= character <= "Z" for character in secret)
        and _PLACEHOLDER_RUN.search(secret) is None
    )


def known_prefix(text: str) -> str:
    """The key type prefix ``text`` starts with ("sk-proj-", …, "sk-"), or "" for none."""
    for prefix in KEY_PREFIXES:
        if text.startswith(prefix):
            return prefix
    return ""


def _candidates(text: str) -> Iterator[str]:
    """What ``_CANDIDATE.finditer`` finds, in order, without trying every position."""
    start = text.find(KEY_START)
    while start != -1:
        if start == 0 or text[start - 1] not in _WORD_CHARACTERS:
            match = _KEY_RUN.match(text, start)
            if match is not None:
                yield match.group()
                start = text.find(KEY_START, match.end())
                continue
        start = text.find(KEY_START, start + 1)


def _variants(text: str) -> tuple[str, ...]:
    if text.isascii():
        return (text,)
    # NFKC can only change what is found when some character turns into key characters
    # (a full-width "ｓｋ") or composes with the letter before it (a combining accent);
    # "…", "é" or emoji change nothing, and are common.
    others = set(_ASCII_RUNS.sub("", text))  # several times faster than set(text)
    if not any(_adds_key_characters(character) for character in others):
        return (text,)
    normalised = unicodedata.normalize("NFKC", text)
    return (text,) if normalised == text else (text, normalised)


@functools.lru_cache(maxsize=4096)
def _adds_key_characters(character: str) -> bool:
    if unicodedata.combining(character):
        return True
    return any(part in _KEY_CHARACTERS for part in unicodedata.normalize("NFKC", character))
