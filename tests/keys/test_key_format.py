"""Format hints for pasted keys, and spotting keys inside longer text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.keys.key_format import KEY_PATTERN, MESSAGES, check_key_format, looks_like_openai_key

GOOD = [
    "sk-proj-" + "Ab3_" * 30 + "x-Yz",
    "sk-svcacct-" + "Q9w-" * 20,
    "sk-" + "a1B2c3D4e5" * 5,
    "sk-None-" + "z" * 40,
]


@pytest.mark.parametrize("key", GOOD)
def test_good_shapes_pass(key: str) -> None:
    assert check_key_format(key) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("xoxb-1234-5678-abcdefghijklmnop", "slack_token"),
        ("xoxp-1234-5678-abcdefghijklmnop", "slack_token"),
        ("xapp-1-A0123-456-abcdef", "slack_token"),
        ("xoxe.xoxp-1-abc", "slack_token"),
        ("SLACK_BOT_TOKEN=xoxb-123-456-abc", "slack_token"),
        ("sk-proj-abc def0123456789012345", "whitespace"),
        ("sk-proj-abc\ndef0123456789012345", "whitespace"),
        ("OPENAI_API_KEY=sk-proj-abcdef0123456789abcdef", "wrapped"),
        ('"sk-proj-abcdef0123456789abcdef"', "wrapped"),
        ("sk\u2011proj-abcdef0123456789abcdef", "typographic_dash"),
        ("sk-proj\u2013abcdef0123456789abcdef", "typographic_dash"),
        ("pk-live-abcdef0123456789abcdef", "no_prefix"),
        ("hello", "no_prefix"),
        ("sk-admin-abcdef0123456789abcdef0123", "admin_key"),
        ("sk-proj-abc$def0123456789012345", "characters"),
        ("sk-proj-abcé0123456789012345", "characters"),
        ("sk-proj-abc", "too_short"),
        ("sk-" + "a" * 16, "too_short"),
        ("sk-" + "a" * 400, "too_long"),
    ],
)
def test_format_errors(text: str, reason: str) -> None:
    assert check_key_format(text) == MESSAGES[reason]


def test_other_vendors_are_named() -> None:
    anthropic = check_key_format("sk-ant-api03-" + "a" * 40)
    assert anthropic is not None and "Anthropic" in anthropic


def test_xoxe_refresh_token() -> None:
    assert check_key_format("xoxe-1-abcdef") == MESSAGES["slack_token"]


@given(st.text(min_size=1, max_size=80))
def test_messages_never_echo_the_input(text: str) -> None:
    message = check_key_format(text)
    # Words of our own sentences ("keys", "API") can be typed too; anything else must not show.
    ours = " ".join(MESSAGES.values())
    if message is not None and len(text) >= 4 and text not in ours:
        assert text not in message


@pytest.mark.parametrize(
    "text",
    [
        "my key is sk-proj-abcdef0123456789abcdef please help",
        "OPENAI_API_KEY=sk-abc123def456ghi789jkl",
        "```\nsk-svcacct-Q9w-Q9w-Q9w-Q9w-Q9w-\n```",
        "Bearer sk-admin-0123456789abcdef0123",
    ],
)
def test_keys_inside_text_are_found(text: str) -> None:
    assert looks_like_openai_key(text)
    assert KEY_PATTERN.search(text)


@pytest.mark.parametrize(
    "text",
    [
        "why do I get 429 insufficient_quota?",
        "my-task-management-system-for-everyone",
        "sk-learn-compatible-estimators",
        "the prefix is sk-proj-… and then stuff",
        "sk-short1",
    ],
)
def test_prose_is_not_mistaken_for_a_key(text: str) -> None:
    assert not looks_like_openai_key(text)


def test_pattern_covers_every_key_shape() -> None:
    for key in [*GOOD, "sk-admin-" + "k" * 30]:
        match = KEY_PATTERN.search(f"x {key} y")
        assert match is not None and match.group() == key
