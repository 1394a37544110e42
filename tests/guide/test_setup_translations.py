"""The setup entries (troubleshooting/setup.toml) ship in Simplified Chinese and Spanish.

Each translated entry has exactly the translatable fields, non-empty, for an id the English
file has; every English setup entry is translated in both languages; no text holds a key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.guide.knowledge import TROUBLESHOOTING_DIR, load_entries
from bot.rules.secrets import contains_key

LOCALES_DIR = TROUBLESHOOTING_DIR.parent / "locales"
SHIPPED = ("zh-Hans", "es")
FIELDS = {"id", "title", "cause", "fix"}


def _translated(locale: str) -> list[dict[str, object]]:
    path = LOCALES_DIR / locale / "troubleshooting" / "setup.toml"
    with path.open("rb") as handle:
        entries = tomllib.load(handle).get("entry")
    assert isinstance(entries, list), f"{path}: expected [[entry]] tables"
    return entries


@pytest.mark.parametrize("locale", SHIPPED)
def test_every_setup_entry_is_translated_with_every_field(locale: str) -> None:
    english = [entry for entry in load_entries() if _in_setup_file(entry.id)]
    translated = _translated(locale)

    assert [entry["id"] for entry in translated] == [entry.id for entry in english]
    for entry in translated:
        assert set(entry) == FIELDS, entry.get("id")
        for field in FIELDS:
            value = entry[field]
            assert isinstance(value, str) and value.strip(), (entry["id"], field)
            assert not contains_key(value), (entry["id"], field)


@pytest.mark.parametrize("locale", SHIPPED)
def test_translations_keep_the_commands_of_the_english_fix(locale: str) -> None:
    """Code spans are commands and names a person types: they stay as in English."""
    english = {entry.id: entry for entry in load_entries()}
    for entry in _translated(locale):
        fix = entry["fix"]
        assert isinstance(fix, str)
        original = english[str(entry["id"])].fix
        assert _code_spans(original) <= _code_spans(fix), entry["id"]


def _in_setup_file(entry_id: str) -> bool:
    with (TROUBLESHOOTING_DIR / "setup.toml").open("rb") as handle:
        return any(raw["id"] == entry_id for raw in tomllib.load(handle)["entry"])


def _code_spans(text: str) -> set[str]:
    parts = text.split("`")
    return {parts[index] for index in range(1, len(parts), 2)}


def test_locale_files_sit_beside_the_english_file_they_translate() -> None:
    for locale in SHIPPED:
        for path in (LOCALES_DIR / locale / "troubleshooting").glob("*.toml"):
            assert Path(TROUBLESHOOTING_DIR / path.name).exists(), path
