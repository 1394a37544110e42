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
    if isinstance(element, dict) and element.get("type") == "static_select":
        return _static_select_problems(where, element)
    if not isinstance(element, dict) or element.get("type") != "button":
        return [f"{where}: only buttons and select menus are expected, got {element!r:.80}"]
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


def _static_select_problems(where: str, element: dict[str, Any]) -> list[str]:
    """A ``static_select``: 1..100 options of a plain-text label (≤ 75) and a value (≤ 150);
    an ``initial_option`` is one of them; the placeholder, when there is one, ≤ 150."""
    problems: list[str] = []
    if "placeholder" in element:
        problems += _text_problems(
            f"{where}.placeholder", element.get("placeholder"), 150, {"plain_text"}
        )
    action_id = element.get("action_id")
    if not isinstance(action_id, str) or not 0 < len(action_id) <= 255:
        problems.append(f"{where}: bad action_id {action_id!r}")
    options = element.get("options")
    if not isinstance(options, list) or not 0 < len(options) <= 100:
        return [*problems, f"{where}: a static_select needs 1..100 options"]
    for index, option in enumerate(options):
        problems += _text_problems(
            f"{where}.options[{index}].text", option.get("text"), 75, {"plain_text"}
        )
        value = option.get("value")
        if not isinstance(value, str) or not 0 < len(value) <= 150:
            problems.append(f"{where}.options[{index}]: value must be 1..150 characters")
    initial = element.get("initial_option")
    if initial is not None and initial not in options:
        problems.append(f"{where}: initial_option is not one of the options")
    return problems


def _image_problems(where: str, block: dict[str, Any]) -> list[str]:
    """An ``image`` block: alt text (1..2000) and either an image_url or a slack_file."""
    problems: list[str] = []
    alt = block.get("alt_text")
    if not isinstance(alt, str) or not 0 < len(alt) <= 2000:
        problems.append(f"{where}: alt_text must be 1..2000 characters")
    url, file = block.get("image_url"), block.get("slack_file")
    if (url is None) == (file is None):
        problems.append(f"{where}: needs exactly one of image_url and slack_file")
    if url is not None and (not isinstance(url, str) or not 0 < len(url) <= 3000):
        problems.append(f"{where}: image_url must be 1..3000 characters")
    if file is not None and not (isinstance(file, dict) and (file.get("id") or file.get("url"))):
        problems.append(f"{where}: slack_file needs an id or a url")
    if "title" in block:
        problems += _text_problems(f"{where}.title", block.get("title"), 2000, {"plain_text"})
    return problems


def _block_problems(where: str, block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind == "divider":
        return []
    if kind == "header":
        return _text_problems(f"{where}.text", block.get("text"), 150, {"plain_text"})
    if kind == "image":
        return _image_problems(where, block)
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
