"""User-facing sentences, kept in messages.toml so they can be reviewed without code."""

from __future__ import annotations

import functools
import string
import tomllib
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.ui.mrkdwn import escape

MESSAGES_FILE = Path(__file__).with_name("messages.toml")


def text(key: str, **values: object) -> str:
    """The message ``key`` ("table.name") with ``values`` escaped and substituted.

    Raises KeyError for an unknown key or a placeholder without a value.
    """
    templates = all_templates()
    try:
        template = templates[key]
    except KeyError:
        raise KeyError(f"unknown message {key!r}") from None
    try:
        return template.format(**{name: escape(str(value)) for name, value in values.items()})
    except KeyError as missing:
        raise KeyError(f"message {key!r} needs a value for {missing.args[0]!r}") from None


def placeholders(key: str) -> frozenset[str]:
    """The names a template expects, e.g. ``{"done", "total"}`` for "overview.progress"."""
    fields = string.Formatter().parse(all_templates()[key])
    return frozenset(name for _, name, _, _ in fields if name)


@functools.cache
def all_templates() -> Mapping[str, str]:
    """Every template by dotted key, read once from messages.toml."""
    with MESSAGES_FILE.open("rb") as file:
        return types.MappingProxyType(_flatten(tomllib.load(file)))


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{key}."))
        elif isinstance(value, str):
            flat[key] = value
        else:
            raise ValueError(f"{MESSAGES_FILE.name}: {key} must be a string")
    return flat
