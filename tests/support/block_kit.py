"""Block Kit checks for the UI tests: Slack's size limits and the shapes we rely on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Blocks = list[dict[str, Any]]
Checker = Callable[..., None]

TEXT_TYPES = {"plain_text", "mrkdwn"}


def _text_problems(where: str, obj: Any, limit: int, types: set[str] = TEXT_TYPES) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in types:
        return [f"{where}: not a text object of type {sorted(types)}: {obj!r:.80}"]
    value = obj.get("text")
    if not isinstance(value, str) or not value.strip():
        return [f"{where}: empty text"]
    if len(value) > limit:
        return [f"{where}: {len(value)} characters > {limit}"]
    return []


def _button_problems(where: str, element: dict[str, Any]) -> list[str]:
    problems = _text_problems(f"{where}.text", element.get("text"), 75, {"plain_text"})
    action_id = element.get("action_id")
    if not isinstance(action_id, str) or not 0 < len(action_id) <= 255:
        problems.append(f"{where}: bad action_id {action_id!r}")
    if "value" in element:
        value = element["value"]
        if not isinstance(value, str) or not 0 < len(value) <= 2000:
            problems.append(f"{where}: value must be 1..2000 characters")
    if element.get("style") not in (None, "primary", "danger"):
        problems.append(f"{where}: bad style {element.get('style')!r}")
    return problems


def _element_problems(where: str, element: Any) -> list[str]:
    if isinstance(element, dict) and element.get("type") == "conversations_select":
        return _select_problems(where, element)
    if not isinstance(element, dict) or element.get("type") != "button":
        return [f"{where}: only buttons and conversation pickers are expected, got {element!r:.80}"]
    return _button_problems(where, element)


def _select_problems(where: str, element: dict[str, Any]) -> list[str]:
    """A ``conversations_select``: a plain-text placeholder of at most 150 characters."""
    problems = _text_problems(
        f"{where}.placeholder", element.get("placeholder"), 150, {"plain_text"}
    )
    action_id = element.get("action_id")
    if not isinstance(action_id, str) or not 0 < len(action_id) <= 255:
        problems.append(f"{where}: bad action_id {action_id!r}")
    return problems


def _block_problems(where: str, block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind == "divider":
        return []
    if kind == "header":
        return _text_problems(f"{where}.text", block.get("text"), 150, {"plain_text"})
    if kind == "section":
        problems = _text_problems(f"{where}.text", block.get("text"), 3000)
        if "accessory" in block:
            problems += _element_problems(f"{where}.accessory", block["accessory"])
        return problems
    if kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 0 < len(elements) <= 10:
            return [f"{where}: a context needs 1..10 elements"]
        return [
            problem
            for index, element in enumerate(elements)
            for problem in _text_problems(f"{where}.elements[{index}]", element, 2000)
        ]
    if kind == "actions":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 0 < len(elements) <= 25:
            return [f"{where}: an actions block needs 1..25 elements"]
        return [
            problem
            for index, element in enumerate(elements)
            for problem in _element_problems(f"{where}.elements[{index}]", element)
        ]
    return [f"{where}: unexpected block type {kind!r}"]


def interactive_elements(blocks: Blocks) -> Iterator[dict[str, Any]]:
    for block in blocks:
        if isinstance(block.get("accessory"), dict):
            yield block["accessory"]
        if block.get("type") == "actions":
            yield from block["elements"]


def block_kit_problems(blocks: Blocks, *, max_blocks: int = 50) -> list[str]:
    """Everything Slack would reject (or we promised not to do) in ``blocks``."""
    if not isinstance(blocks, list) or not blocks:
        return ["blocks must be a non-empty list"]
    problems = [f"{len(blocks)} blocks > {max_blocks}"] if len(blocks) > max_blocks else []
    for index, block in enumerate(blocks):
        problems += _block_problems(f"blocks[{index}]", block)
    action_ids = [element.get("action_id") for element in interactive_elements(blocks)]
    duplicates = sorted({str(item) for item in action_ids if action_ids.count(item) > 1})
    if duplicates:
        problems.append(f"duplicate action_ids: {duplicates}")
    return problems


def all_strings(node: Any) -> Iterator[str]:
    """Every string inside a Block Kit structure."""
    if isinstance(node, dict):
        for value in node.values():
            yield from all_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from all_strings(value)
    elif isinstance(node, str):
        yield node
