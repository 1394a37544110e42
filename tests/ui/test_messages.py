"""messages.toml: every template renders, every key used in code exists, values are escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bot
from bot.ui.messages import all_templates, placeholders, text

BOT_ROOT = Path(bot.__file__).parent
LINK = re.compile(r"<https://[^\s<>|]+\|[^<>]+>")
BARE_AMPERSAND = re.compile(r"&(?!(amp|lt|gt);)")
TEXT_CALL = re.compile(r"""\btext\(\s*["']([a-z_]+\.[a-z_]+)["']""")


def test_substituted_values_are_escaped() -> None:
    rendered = text("answer.you_asked", query="<!channel> & <@U123>")
    assert rendered == "You asked: &lt;!channel&gt; &amp; &lt;@U123&gt;"


def test_non_string_values_are_accepted() -> None:
    assert text("overview.progress", done=3, total=7) == "3 of 7 steps done"


@given(st.text())
def test_no_value_can_smuggle_a_ping(value: str) -> None:
    rendered = text("errors.unknown_command", command=value)
    assert "<" not in rendered
    assert ">" not in rendered


def test_braces_in_values_are_not_formatted_again() -> None:
    assert text("answer.you_asked", query="{query} {0}") == "You asked: {query} {0}"


def test_unknown_key_and_missing_value_fail_clearly() -> None:
    with pytest.raises(KeyError, match="unknown message"):
        text("nope.nothing")
    with pytest.raises(KeyError, match="needs a value for 'done'"):
        text("overview.progress", total=7)


@pytest.mark.parametrize("key", sorted(all_templates()))
def test_every_template_renders(key: str) -> None:
    values = {name: "x" for name in placeholders(key)}
    rendered = text(key, **values)
    assert rendered.strip()
    assert "{" not in rendered.replace("{x}", "")


@pytest.mark.parametrize("key", sorted(all_templates()))
def test_templates_are_escaped_mrkdwn(key: str) -> None:
    """Outside web links, a raw < > would be read by Slack as a mention or a link."""
    outside_links = LINK.sub("", all_templates()[key])
    assert "<" not in outside_links
    assert ">" not in outside_links
    assert not BARE_AMPERSAND.search(outside_links)


def test_every_message_used_in_the_code_exists() -> None:
    templates = all_templates()
    missing = []
    for source in BOT_ROOT.rglob("*.py"):
        content = source.read_text(encoding="utf-8")
        if "bot.ui.messages" not in content and source.parent.name != "ui":
            continue
        missing += [
            f"{source.relative_to(BOT_ROOT)}: {key}"
            for key in TEXT_CALL.findall(content)
            if key not in templates
        ]
    assert missing == []
