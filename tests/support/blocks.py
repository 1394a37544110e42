"""Reading Block Kit JSON in assertions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any


def iter_elements(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for block in blocks:
        yield block
        yield from block.get("elements", []) or []
        if isinstance(block.get("accessory"), dict):
            yield block["accessory"]


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [element for element in iter_elements(blocks) if element.get("type") == "button"]


def button_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [str(button.get("action_id")) for button in buttons(blocks)]


def find_button(
    blocks: list[dict[str, Any]], prefix: str, value: str | None = None
) -> dict[str, Any]:
    for button in buttons(blocks):
        if str(button.get("action_id", "")).startswith(prefix) and (
            value is None or button.get("value") == value
        ):
            return button
    raise AssertionError(f"no button {prefix!r} (value {value!r}) in {button_ids(blocks)}")


def all_text(blocks: list[dict[str, Any]]) -> str:
    """Every string in the blocks, joined: for "does this message mention X" checks."""
    strings: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            strings.append(node)

    walk(blocks)
    return "\n".join(strings)


def response_blocks(body: bytes) -> list[dict[str, Any]]:
    parsed = json.loads(body)
    return list(parsed.get("blocks") or [])
