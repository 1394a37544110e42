"""Load the troubleshooting entries and synonyms from their TOML files, refusing bad content.

Validation happens here, once, so the search can trust every entry: a reviewer who mistypes a
field name or a step number gets an error naming the file and the entry, not a silent miss.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from bot.guide.model import Entry, Link

TROUBLESHOOTING_DIR = Path(__file__).resolve().parent / "troubleshooting"
SYNONYMS_FILE_NAME = "synonyms.toml"

_REQUIRED_TEXT = ("id", "title", "cause", "fix")
_TEXT_LISTS = ("codes", "symptoms", "keywords")
_KNOWN_FIELDS = frozenset((*_REQUIRED_TEXT, *_TEXT_LISTS, "step", "links"))
_ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_STEPS = range(1, 8)


def load_entries(directory: Path | None = None) -> tuple[Entry, ...]:
    """Every entry of every ``*.toml`` file in ``directory`` (the packaged files by default).

    Files are read in name order, entries in file order. Raises ValueError naming the file and
    the entry when an entry is malformed or an id is used twice.
    """
    directory = TROUBLESHOOTING_DIR if directory is None else directory
    paths = sorted(p for p in directory.glob("*.toml") if p.name != SYNONYMS_FILE_NAME)
    if not paths:
        raise ValueError(f"{directory}: no troubleshooting *.toml files found")
    entries: list[Entry] = []
    seen: dict[str, Path] = {}
    for path in paths:
        for entry in _load_file(path):
            if entry.id in seen:
                raise ValueError(
                    f"{path.name}: entry {entry.id!r} duplicates an id already used in "
                    f"{seen[entry.id].name}"
                )
            seen[entry.id] = path
            entries.append(entry)
    return tuple(entries)


def load_synonyms(path: Path | None = None) -> dict[str, str]:
    """The synonym map, variant -> canonical words, from ``synonyms.toml``'s ``[terms]`` table."""
    path = TROUBLESHOOTING_DIR / SYNONYMS_FILE_NAME if path is None else path
    data = _read_toml(path)
    terms = data.get("terms")
    if not isinstance(terms, dict):
        raise ValueError(f"{path.name}: expected a [terms] table")
    synonyms: dict[str, str] = {}
    for canonical, variants in terms.items():
        if not _is_text_list(variants):
            raise ValueError(f"{path.name}: {canonical!r} must list its variants as strings")
        for variant in variants:
            synonyms[variant] = canonical
    return synonyms


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path.name}: not valid TOML: {error}") from error


def _load_file(path: Path) -> list[Entry]:
    raw_entries = _read_toml(path).get("entry")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise ValueError(f"{path.name}: expected one or more [[entry]] tables")
    return [_parse_entry(path, position, raw) for position, raw in enumerate(raw_entries, 1)]


def _parse_entry(path: Path, position: int, raw: Any) -> Entry:
    label = raw.get("id") if isinstance(raw, dict) else None
    where = (
        f"{path.name}: entry {label!r}"
        if isinstance(label, str)
        else (f"{path.name}: entry #{position}")
    )
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: must be a table")
    unknown = sorted(set(raw) - _KNOWN_FIELDS)
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for name in _REQUIRED_TEXT:
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{where}: field {name!r} is required and must be non-empty text")
    if not _ID_PATTERN.fullmatch(raw["id"]):
        raise ValueError(f"{where}: id must be a lowercase slug like 'insufficient-quota'")
    for name in _TEXT_LISTS:
        if not _is_text_list(raw.get(name, [])):
            raise ValueError(f"{where}: field {name!r} must be a list of strings")
    step = raw.get("step")
    if step is not None and (type(step) is not int or step not in _STEPS):
        raise ValueError(f"{where}: step must be a whole number from 1 to 7, got {step!r}")
    return Entry(
        id=raw["id"],
        title=raw["title"].strip(),
        cause=raw["cause"].strip(),
        fix=raw["fix"].strip(),
        step=step,
        codes=tuple(raw.get("codes", ())),
        symptoms=tuple(raw.get("symptoms", ())),
        keywords=tuple(raw.get("keywords", ())),
        links=_parse_links(where, raw.get("links", [])),
    )


def _parse_links(where: str, raw_links: Any) -> tuple[Link, ...]:
    if not isinstance(raw_links, list):
        raise ValueError(f"{where}: links must be a list of {{label, url}} tables")
    links = []
    for raw in raw_links:
        if not isinstance(raw, dict) or set(raw) != {"label", "url"}:
            raise ValueError(f"{where}: each link needs exactly a label and a url")
        label, url = raw["label"], raw["url"]
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"{where}: a link label must be non-empty text")
        if not isinstance(url, str) or not url.startswith("https://"):
            raise ValueError(f"{where}: link {label!r} must have an https:// url")
        links.append(Link(label=label, url=url))
    return tuple(links)


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)
