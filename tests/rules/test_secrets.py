"""The one secret detector: every OpenAI key form is found, masked and example forms are not."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.keys.crypto import mask
from bot.log_redaction import redact
from bot.rules.secrets import (
    REDACTION_PATTERN,
    KeyKind,
    contains_key,
    find_keys,
    is_key_shaped,
)

MARKER = "T3BlbkFJ"  # base64 of "OpenAI", inside every key issued since 2021
RANDOM = "Xq7Lm2Pz9Rt4Vb6Nc8Jk"  # 20 characters, mixed case and digits
URL_SAFE = "A1b_C2d-E3f_G4h-J5k_L6m-N7p_Q8r"

# One of each key form, shaped like the real ones (lengths as OpenAI issues them).
KEYS = {
    "legacy": ("sk-" + RANDOM + MARKER + RANDOM, KeyKind.USER),
    "none": ("sk-None-" + URL_SAFE + MARKER + URL_SAFE, KeyKind.USER),
    "project": ("sk-proj-" + (URL_SAFE * 4)[:100] + MARKER + URL_SAFE + "x9", KeyKind.PROJECT),
    "service_account": ("sk-svcacct-" + URL_SAFE * 3 + MARKER + URL_SAFE, KeyKind.SERVICE_ACCOUNT),
    "service_old": ("sk-service-ci-bot-" + RANDOM + MARKER + RANDOM, KeyKind.SERVICE_ACCOUNT),
    "admin": ("sk-admin-" + URL_SAFE * 3 + MARKER + URL_SAFE, KeyKind.ADMIN),
    "named_project_2023": ("sk-Keyshade-" + RANDOM + MARKER + RANDOM, KeyKind.USER),
    "test_fake": ("sk-proj-testvalid_0123456789abcdefghijklmnopqrstABCDEFGHIJ", KeyKind.PROJECT),
}


@pytest.mark.parametrize("name", sorted(KEYS))
def test_every_key_form_is_found_whole(name: str) -> None:
    key, kind = KEYS[name]
    (found,) = find_keys(f"here: {key} ok")
    assert found.value == key
    assert found.kind is kind
    assert contains_key(key)


def test_the_legacy_form_is_sk_and_48_characters() -> None:
    key, _ = KEYS["legacy"]
    assert len(key) == 51


@pytest.mark.parametrize(
    "template",
    [
        "my key is {key} please help",
        "OPENAI_API_KEY={key}",
        'export OPENAI_API_KEY="{key}"',
        "```\nclient = OpenAI(api_key='{key}')\n```",
        "Authorization: Bearer {key}",
        '{{"api_key": "{key}", "model": "gpt-4o-mini"}}',
        "https://example.com/run?key={key}&x=1",
        "_{key}_",
        "*{key}*",
        "`{key}`",
        "(key:{key})",
        "line one\n{key}\nline three",
    ],
)
def test_keys_inside_text_are_found(template: str) -> None:
    for key, _ in KEYS.values():
        text = template.format(key=key)
        assert contains_key(text), text
        assert find_keys(text)[0].value.startswith(key[:30])


@pytest.mark.parametrize(
    "text",
    [
        "sk-…abcd",
        "sk-proj-…abcd",
        "the prefix is sk-proj-… and then stuff",
        "sk-***",
        "sk-proj-XXXX",
        "sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1234",
        "sk-proj-ab12XXXXXXXXXXXXXXXXXXXXXXXXXXXX9wxy",
        "OPENAI_API_KEY=sk-...",
        "sk-abc...def",
        "Incorrect API key provided: sk-proj-" + "*" * 120 + "GDYA. You can find your API key",
        "sk-or-v1****de5d",
        "why do I get 429 insufficient_quota?",
        "my-task-management-system-for-everyone-2024",
        "sk-learn-compatible-estimators-v2",
        "risk-assessment-2024-Q3-Report-Final-Draft",
        "ask-Me-Anything-Session-2024-Recording",
        "sk-short1",
        "sk-your-api-key-here",
        "sk-xxxxxxxxxxxxxxxxxxxx1A",
        "sk-proj-Abc123000000000000000000000000",
        "",
    ],
)
def test_masked_example_and_prose_forms_are_not_keys(text: str) -> None:
    assert not contains_key(text)
    assert find_keys(text) == []


def test_full_width_and_compatibility_forms_are_read_as_the_key() -> None:
    key, _ = KEYS["project"]
    full_width = "".join(chr(ord(character) + 0xFEE0) for character in key)
    assert full_width != key
    (found,) = find_keys(f"name {full_width}")
    assert found.value == key


def test_the_same_key_twice_is_found_once() -> None:
    key, _ = KEYS["admin"]
    assert len(find_keys(f"{key} and again {key}")) == 1


def test_repr_never_shows_the_key() -> None:
    key, _ = KEYS["project"]
    (found,) = find_keys(key)
    assert key not in repr(found) and key[10:40] not in repr(found)


def test_a_key_cut_short_by_a_glued_word_is_not_found_but_is_redacted() -> None:
    """Words such as "task-…" are not keys; logs still lose anything shaped like one."""
    key, _ = KEYS["legacy"]
    glued = "x" + key
    assert not contains_key(glued)
    assert key[3:] not in redact(glued)


_KEY_BODY = st.text(alphabet=string.ascii_letters + string.digits + "_-", min_size=20, max_size=200)
_PREFIXES = st.sampled_from(["sk-", "sk-proj-", "sk-svcacct-", "sk-admin-", "sk-None-"])
_SEPARATORS = st.sampled_from([" ", "\n", "\t", '"', "'", "`", "=", ":", "(", ",", "*"])


@st.composite
def real_keys(draw: st.DrawFn) -> str:
    """Random keys with what every real one has: upper, lower and digits, no long runs."""
    body = draw(_KEY_BODY.filter(lambda body: not re.search(r"(.)\1{5}", body)))
    return draw(_PREFIXES) + "aZ9" + MARKER + body


@given(real_keys(), st.text(max_size=200), st.text(max_size=200), _SEPARATORS, _SEPARATORS)
def test_a_real_key_is_found_in_any_text(
    key: str, before: str, after: str, left: str, right: str
) -> None:
    text = f"{before}{left}{key}{right}{after}"
    assert contains_key(text)
    assert any(found.value == key for found in find_keys(text))


@given(real_keys())
def test_logs_redact_every_key_the_detector_finds(key: str) -> None:
    assert REDACTION_PATTERN.fullmatch(key)
    assert key[3:] not in redact(f"POST body text={key}&user=U1")


@given(real_keys())
def test_the_masked_form_of_a_key_is_never_a_key(key: str) -> None:
    assert not contains_key(mask(key))
    assert not contains_key(f"Key `{mask(key)}` for *prod*")


@given(st.text(max_size=300))
def test_whatever_is_found_is_in_the_text_and_key_shaped(text: str) -> None:
    import unicodedata

    normalised = unicodedata.normalize("NFKC", text)
    for found in find_keys(text):
        assert found.value in text or found.value in normalised
        assert is_key_shaped(found.value)


def _reference_find(text: str) -> list[str]:
    """The detector as first written: the regex at every position, NFKC for any non-ASCII.

    The scan in ``bot.rules.secrets`` skips work (``str.find`` between candidates, NFKC only
    when it can matter) for the leak watch's speed; it must find exactly the same keys.
    """
    import unicodedata

    from bot.rules.secrets import _CANDIDATE

    variants = [text]
    if not text.isascii():
        normalised = unicodedata.normalize("NFKC", text)
        if normalised != text:
            variants.append(normalised)
    found: list[str] = []
    for variant in variants:
        for match in _CANDIDATE.finditer(variant):
            if match.group() not in found and is_key_shaped(match.group()):
                found.append(match.group())
    return found


# Text rich in the pieces that matter: "sk-" starts, key characters, word characters glued
# before, runs, and non-ASCII that NFKC changes (full-width letters, accents, "…", ligatures).
_PIECES = st.sampled_from(
    [
        "sk-",
        "sk-proj-",
        "task-",
        "s",
        "k",
        "-",
        "_",
        "a",
        "Z",
        "9",
        "aaaaa",
        "Xq7Lm2Pz9Rt4Vb6Nc8Jk",
        MARKER,
        " ",
        "\n",
        "…",
        "é",
        "e\u0301",
        "\u0301",
        "ｓｋ－",
        "ｓ",
        "Ａ",
        "９",
        "ﬁ",
        "`",
        "=",
        ":",
    ]
)


@given(st.lists(_PIECES, max_size=60).map("".join))
def test_the_fast_scan_finds_what_the_reference_finds(text: str) -> None:
    assert [found.value for found in find_keys(text)] == _reference_find(text)
    assert contains_key(text) == bool(_reference_find(text))


@given(st.text(max_size=300), real_keys(), st.text(max_size=50))
def test_the_fast_scan_agrees_around_real_keys(before: str, key: str, after: str) -> None:
    text = f"{before}{key}{after}"
    assert [found.value for found in find_keys(text)] == _reference_find(text)


@pytest.mark.parametrize(
    "text",
    [
        "sk-…abcd",
        "sk-***",
        "sk-proj-XXXX",
        "sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "sk-...",
        "OPENAI_API_KEY=sk-... # from the guide",
        "sk-proj-****************************GDYA",
    ],
)
def test_the_issues_masked_forms_are_not_keys(text: str) -> None:
    assert find_keys(text) == []
    assert find_keys(f"log line key={text} " * 50) == []
