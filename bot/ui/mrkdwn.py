"""Escaping, truncation and Block Kit size limits for Slack mrkdwn text."""

from __future__ import annotations

import re
from typing import Any

# Block Kit limits (https://docs.slack.dev/reference/block-kit).
MAX_BLOCKS_MESSAGE = 50
MAX_BLOCKS_VIEW = 100  # modals and App Home
MAX_SECTION_TEXT = 3000
MAX_CONTEXT_TEXT = 2000
MAX_CONTEXT_ELEMENTS = 10
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ID = 255
MAX_ACTIONS_ELEMENTS = 25
MAX_MODAL_TITLE = 24

ELLIPSIS = "…"

# A mrkdwn link we write ourselves: <https://url> or <https://url|label>.
_LINK = re.compile(r"<((?:https?|mailto):[^\s<>|]+)(?:\|([^<>]*))?>")
# An entity cut in half by truncation, e.g. "&am" at the very end.
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,4}$")


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control characters in mrkdwn.

    After this, ``<!channel>``, ``<@U123>`` or ``<#C1>`` in user text show literally and
    cannot ping anybody or fake a link.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sanitize(text: str) -> str:
    """Escape authored mrkdwn (steps, troubleshooting entries) but keep its web links.

    Content files may contain ``<https://…|label>`` links and a literal ``&``; anything
    else between angle brackets (``<!here>``, ``<@U1>``) is neutralised.
    """
    parts: list[str] = []
    position = 0
    for found in _LINK.finditer(text):
        parts.append(escape(text[position : found.start()]))
        parts.append(link(found.group(1), found.group(2)))
        position = found.end()
    parts.append(escape(text[position:]))
    return "".join(parts)


def link(url: str, label: str | None = None) -> str:
    """A mrkdwn link ``<url|label>`` with the label escaped (``|`` would end the URL part)."""
    safe_url = url.replace(">", "%3E").replace("<", "%3C").replace("|", "%7C")
    if not label:
        return f"<{safe_url}>"
    return f"<{safe_url}|{escape(label).replace('|', '¦')}>"


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending with "…" when it was cut.

    Never leaves half an HTML entity (``&am…``) behind.
    """
    if limit < 1:
        raise ValueError(f"truncate limit must be at least 1, got {limit}")
    if len(text) <= limit:
        return text
    kept = _PARTIAL_ENTITY.sub("", text[: limit - 1]).rstrip()
    return kept + ELLIPSIS


def one_line(text: str) -> str:
    """Collapse every run of whitespace (newlines included) into one space."""
    return " ".join(text.split())


def mrkdwn(text: str, limit: int) -> dict[str, Any]:
    """A mrkdwn text object, cut to ``limit``, that Slack shows verbatim.

    Without ``verbatim`` Slack turns bare URLs, channel names and some mentions in the text
    into links: a project named "… https://evil.example/login" would become a clickable link
    in an admin's key list. Verbatim text keeps only the links and mentions we write as
    ``<…>`` ourselves, and people's text reaches these objects only escaped (&, <, >).
    """
    return {"type": "mrkdwn", "text": truncate(text, limit), "verbatim": True}


def section(text: str, accessory: dict[str, Any] | None = None) -> dict[str, Any]:
    """A section block with verbatim mrkdwn text cut to the 3000-character limit."""
    block: dict[str, Any] = {"type": "section", "text": mrkdwn(text, MAX_SECTION_TEXT)}
    if accessory is not None:
        block["accessory"] = accessory
    return block
