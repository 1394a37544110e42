"""User-facing sentences, kept in messages.toml so they can be reviewed without code.

messages.toml is English and complete. A shipped locale may translate some of its labels in
``bot/guide/locales/<locale>/messages.toml`` (same tables and names, same placeholders);
:func:`text_in` falls back to the English template for every label a locale lacks.
"""

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
LOCALES_DIR = Path(__file__).resolve().parent.parent / "guide" / "locales"


def text(key: str, **values: object) -> str:
    """The message ``key`` ("table.name") with ``values`` escaped and substituted.

    Raises KeyError for an unknown key or a placeholder without a value.
    """
    return text_in("en", key, **values)


def text_in(locale: str, key: str, **values: object) -> str:
    """:func:`text` in ``locale`` when it translates ``key``, else in English."""
    templates = all_templates()
    if key not in templates:
        raise KeyError(f"unknown message {key!r}")
    template = locale_templates(locale).get(key, templates[key])
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


@functools.cache
def locale_templates(locale: str) -> Mapping[str, str]:
    """The labels ``locale`` translates, checked against the English: each key must exist in
    messages.toml and use exactly its placeholders. English or an unknown locale: empty."""
    path = LOCALES_DIR / locale / "messages.toml"
    if locale == "en" or "/" in locale or not path.is_file():
        return types.MappingProxyType({})
    with path.open("rb") as file:
        translated = _flatten(tomllib.load(file))
    english = all_templates()
    for key, template in translated.items():
        if key not in english:
            raise ValueError(f"{path}: {key} is not a message of {MESSAGES_FILE.name}")
        if _names(template) != _names(english[key]):
            raise ValueError(f"{path}: {key} must use the placeholders of the English message")
    return types.MappingProxyType(translated)


def _names(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


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
