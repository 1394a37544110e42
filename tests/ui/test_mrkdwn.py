"""Escaping and truncation: user text can never ping, fake a link, or break a limit."""

from __future__ import annotations

from html import unescape  # Slack's three entities are HTML's

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ui.blocks import button, context, header
from bot.ui.mrkdwn import (
    ELLIPSIS,
    MAX_SECTION_TEXT,
    escape,
    link,
    one_line,
    sanitize,
    section,
    truncate,
)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<!here> <!everyone>", "&lt;!here&gt; &lt;!everyone&gt;"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("<#C1|general>", "&lt;#C1|general&gt;"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("&lt;", "&amp;lt;"),
        ("", ""),
    ],
)
def test_escape_neutralises_slack_control_characters(raw: str, escaped: str) -> None:
    assert escape(raw) == escaped
    assert unescape(escaped) == raw


@given(st.text())
def test_escaped_text_has_no_angle_brackets_and_round_trips(raw: str) -> None:
    escaped = escape(raw)
    assert "<" not in escaped
    assert ">" not in escaped
    assert unescape(escaped) == raw


@given(st.text(alphabet="<>&!@#amplgt;| x"))
def test_escape_round_trips_on_entity_like_text(raw: str) -> None:
    assert unescape(escape(raw)) == raw


def test_truncate_keeps_short_text_and_marks_cuts() -> None:
    assert truncate("hello", 5) == "hello"
    assert truncate("hello world", 6) == "hello" + ELLIPSIS
    assert len(truncate("x" * 5000, 3000)) == 3000


def test_truncate_never_leaves_half_an_entity() -> None:
    cut = truncate("ab &amp; cd", 6)
    assert cut == "ab" + ELLIPSIS


def test_truncate_rejects_a_limit_below_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        truncate("x", 0)


@given(st.text(), st.integers(min_value=1, max_value=400))
def test_truncate_respects_the_limit(raw: str, limit: int) -> None:
    cut = truncate(raw, limit)
    assert len(cut) <= limit
    assert cut == raw or cut.endswith(ELLIPSIS)


def test_sanitize_keeps_web_links_and_escapes_the_rest() -> None:
    authored = "Open <https://platform.openai.com/api-keys|API keys> & <!channel> <@U1>"
    assert sanitize(authored) == (
        "Open <https://platform.openai.com/api-keys|API keys> &amp; &lt;!channel&gt; &lt;@U1&gt;"
    )


@given(st.text())
def test_sanitize_never_lets_a_ping_through(raw: str) -> None:
    cleaned = sanitize(raw)
    for ping in ("<!", "<@", "<#"):
        assert ping not in cleaned


def test_link_escapes_its_label() -> None:
    assert link("https://x.test", "a <b> & c") == "<https://x.test|a &lt;b&gt; &amp; c>"
    assert link("https://x.test") == "<https://x.test>"


def test_one_line_collapses_whitespace() -> None:
    assert one_line(" a\n\n b\tc ") == "a b c"


def test_section_truncates_to_the_block_kit_limit() -> None:
    block = section("y" * 10_000)
    assert len(block["text"]["text"]) == MAX_SECTION_TEXT
    assert block["text"]["type"] == "mrkdwn"


def test_primitives_cut_text_to_their_limits() -> None:
    assert len(header("h" * 500)["text"]["text"]) == 150
    assert len(context("c" * 5000)["elements"][0]["text"]) == 2000
    assert len(button("b" * 200, "x")["text"]["text"]) == 75


def test_button_refuses_values_it_cannot_carry() -> None:
    with pytest.raises(ValueError, match="2000"):
        button("Open", "x", "v" * 2001)
    with pytest.raises(ValueError, match="action_id"):
        button("Open", "")
    assert "value" not in button("Open", "x", "")
