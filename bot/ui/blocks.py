"""Small constructors for the Block Kit pieces the views use, each within Slack's limits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from bot.ui.mrkdwn import (
    MAX_ACTION_ID,
    MAX_ACTIONS_ELEMENTS,
    MAX_BUTTON_TEXT,
    MAX_BUTTON_VALUE,
    MAX_CONTEXT_ELEMENTS,
    MAX_CONTEXT_TEXT,
    MAX_HEADER_TEXT,
    mrkdwn,
    section,
    truncate,
)

Block = dict[str, Any]
ButtonStyle = Literal["primary", "danger"]

__all__ = ["Block", "actions", "button", "context", "divider", "header", "plain", "section"]


def plain(text: str, limit: int) -> dict[str, Any]:
    """A plain_text object cut to ``limit`` characters; emoji codes like :tada: render."""
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def header(text: str) -> Block:
    """A header block (plain text, at most 150 characters)."""
    return {"type": "header", "text": plain(text, MAX_HEADER_TEXT)}


def divider() -> Block:
    return {"type": "divider"}


def context(*texts: str) -> Block:
    """A context block: small grey verbatim mrkdwn lines, at most 10 elements of 2000
    characters."""
    elements = [mrkdwn(text, MAX_CONTEXT_TEXT) for text in texts if text]
    if not elements:
        raise ValueError("a context block needs at least one non-empty text")
    return {"type": "context", "elements": elements[:MAX_CONTEXT_ELEMENTS]}


def button(
    text: str, action_id: str, value: str | None = None, *, style: ButtonStyle | None = None
) -> Block:
    """A button. An empty or missing ``value`` is left out (Slack rejects empty strings).

    Raises ValueError for a value over 2000 characters or an action_id over 255: a cut value
    would silently point at the wrong thing.
    """
    if not action_id or len(action_id) > MAX_ACTION_ID:
        raise ValueError(f"action_id must be 1..{MAX_ACTION_ID} characters: {action_id[:40]!r}")
    element: Block = {
        "type": "button",
        "text": plain(text, MAX_BUTTON_TEXT),
        "action_id": action_id,
    }
    if value:
        if len(value) > MAX_BUTTON_VALUE:
            raise ValueError(f"button value for {action_id} exceeds {MAX_BUTTON_VALUE} characters")
        element["value"] = value
    if style is not None:
        element["style"] = style
    return element


def actions(elements: Iterable[Block]) -> Block:
    """An actions block holding up to 25 interactive elements."""
    kept = list(elements)
    if not kept:
        raise ValueError("an actions block needs at least one element")
    if len(kept) > MAX_ACTIONS_ELEMENTS:
        raise ValueError(f"an actions block holds at most {MAX_ACTIONS_ELEMENTS} elements")
    return {"type": "actions", "elements": kept}
