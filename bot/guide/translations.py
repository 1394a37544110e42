"""Translations of the guide's content: the seven steps and the troubleshooting entries.

One directory per shipped locale, ``locales/<locale>/``, mirrors the English files:

* ``steps.toml``: ``[[steps]]`` with ``number`` and the translated ``title``, ``summary``,
  ``body``, ``warnings`` (as many as the English step) and optional ``link_labels`` (one per
  English link, in the same order; the URLs stay in the English file).
* ``troubleshooting/<English file stem>.toml``: ``[[entry]]`` with ``id`` and the translated
  ``title``, ``cause`` and ``fix``. The id must be one of that English file's entries.
* ``messages.toml``: the labels around a step or an answer, read by :mod:`bot.ui.messages`.

Everything is read once and checked against the English content: an unknown step number or
id, a field the format does not have, or a warnings list of the wrong length is an error at
load time, naming the file. A translation may leave a field out; that text is then shown in
English (per field, never a half-translated field).
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.guide.knowledge import SYNONYMS_FILE_NAME, TROUBLESHOOTING_DIR
from bot.guide.model import Answer, Entry, Match, Step
from bot.guide.steps import default_steps

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
ENGLISH = "en"
SHIPPED = ("zh-Hans", "es")
STEP_TEXT_FIELDS = ("title", "summary", "body")
ENTRY_TEXT_FIELDS = ("title", "cause", "fix")
_STEP_FIELDS = frozenset(("number", *STEP_TEXT_FIELDS, "warnings", "link_labels"))
_ENTRY_FIELDS = frozenset(("id", *ENTRY_TEXT_FIELDS))

# The question's language (bot.guide.language, ISO 639-1) -> the shipped locale answering it.
_LANGUAGE_LOCALE = {"zh": "zh-Hans", "es": "es", "en": ENGLISH}


def slack_locale_to_shipped(locale: object) -> str:
    """The shipped locale for a Slack ``user.locale`` ("zh-CN" -> "zh-Hans", "es-LA" -> "es").

    Simplified Chinese locales (zh-CN, zh-SG, zh-Hans…) get zh-Hans; every Spanish one (es-ES,
    es-LA, es-419…) gets es. Traditional Chinese (zh-TW, zh-HK, zh-Hant) has no translation
    yet and, like anything else unknown or malformed, gets English.
    """
    if not isinstance(locale, str):
        return ENGLISH
    parts = locale.strip().replace("_", "-").casefold().split("-")
    language, rest = parts[0], parts[1:]
    if language == "es":
        return "es"
    if language == "zh":
        if not rest or rest[0] in {"cn", "sg", "hans"}:
            return "zh-Hans"
        return ENGLISH  # zh-TW, zh-HK, zh-Hant: no Traditional Chinese translation yet
    return ENGLISH


def answer_locale(question_language: str, person_locale: str) -> str:
    """The locale of an answer: the question's language when it has a translation (a
    Chinese question from someone whose Slack is in English gets Chinese), else the person's.
    """
    from_question = _LANGUAGE_LOCALE.get(question_language)
    if from_question is not None and from_question != ENGLISH:
        return from_question
    return person_locale if person_locale in SHIPPED else ENGLISH


@dataclass(frozen=True)
class StepText:
    """A step's translated texts; None means "show the English one"."""

    title: str | None = None
    summary: str | None = None
    body: str | None = None
    warnings: tuple[str, ...] | None = None
    link_labels: tuple[str, ...] | None = None


@dataclass(frozen=True)
class EntryText:
    """An entry's translated texts; None means "show the English one"."""

    title: str | None = None
    cause: str | None = None
    fix: str | None = None


@dataclass(frozen=True)
class Catalog:
    """The translated content of one locale."""

    locale: str
    steps: Mapping[int, StepText]
    entries: Mapping[str, EntryText]

    def step(self, step: Step) -> Step:
        found = self.steps.get(step.number)
        if found is None:
            return step
        links = step.links
        if found.link_labels is not None:
            links = tuple(
                dataclasses.replace(link, label=label)
                for link, label in zip(step.links, found.link_labels, strict=True)
            )
        return dataclasses.replace(
            step,
            title=found.title or step.title,
            summary=found.summary or step.summary,
            body=found.body or step.body,
            warnings=step.warnings if found.warnings is None else found.warnings,
            links=links,
        )

    def entry(self, entry: Entry) -> Entry:
        found = self.entries.get(entry.id)
        if found is None:
            return entry
        return dataclasses.replace(
            entry,
            title=found.title or entry.title,
            cause=found.cause or entry.cause,
            fix=found.fix or entry.fix,
        )


class Translations:
    """Every shipped catalog; asking for English or an unknown locale gives the English."""

    def __init__(self, catalogs: Mapping[str, Catalog]) -> None:
        self._catalogs = dict(catalogs)

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(self._catalogs)

    def catalog(self, locale: str) -> Catalog | None:
        return self._catalogs.get(locale)

    def steps(self, steps: Sequence[Step], locale: str) -> tuple[Step, ...]:
        catalog = self._catalogs.get(locale)
        return tuple(steps) if catalog is None else tuple(catalog.step(s) for s in steps)

    def step(self, step: Step, locale: str) -> Step:
        catalog = self._catalogs.get(locale)
        return step if catalog is None else catalog.step(step)

    def entries(self, entries: Sequence[Entry], locale: str) -> tuple[Entry, ...]:
        catalog = self._catalogs.get(locale)
        return tuple(entries) if catalog is None else tuple(catalog.entry(e) for e in entries)

    def answer(self, answer: Answer, locale: str) -> Answer:
        """``answer`` with its entries' texts in ``locale`` (ranking and scores untouched)."""
        catalog = self._catalogs.get(locale)
        if catalog is None:
            return answer
        matches = tuple(
            Match(catalog.entry(match.entry), match.score, match.reason) for match in answer.matches
        )
        return dataclasses.replace(answer, matches=matches)


@functools.cache
def default_translations() -> Translations:
    """The packaged translations, read and checked once per process."""
    from bot.guide.knowledge import load_entries

    return load_translations(LOCALES_DIR, default_steps(), load_entries())


def load_translations(
    directory: Path,
    steps: Sequence[Step],
    entries: Sequence[Entry],
    *,
    english_dir: Path = TROUBLESHOOTING_DIR,
    locales: Sequence[str] = SHIPPED,
) -> Translations:
    """Read ``directory/<locale>/`` for each of ``locales``, checked against the English.

    Raises ValueError naming the file for anything that does not fit the English content.
    """
    ids_by_stem = _english_ids_by_file(english_dir)
    known_ids = {entry.id for entry in entries}
    catalogs = {}
    for locale in locales:
        root = directory / locale
        if not root.is_dir():
            raise ValueError(f"{root}: no translations for shipped locale {locale!r}")
        catalogs[locale] = Catalog(
            locale=locale,
            steps=_load_steps(root / "steps.toml", steps),
            entries=_load_entries(root / "troubleshooting", ids_by_stem, known_ids),
        )
    return Translations(catalogs)


def _english_ids_by_file(english_dir: Path) -> dict[str, frozenset[str]]:
    ids: dict[str, frozenset[str]] = {}
    for path in sorted(english_dir.glob("*.toml")):
        if path.name == SYNONYMS_FILE_NAME:
            continue
        raw = _read(path).get("entry", [])
        ids[path.stem] = frozenset(e["id"] for e in raw if isinstance(e, dict) and "id" in e)
    return ids


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: not valid TOML: {error}") from error


def _load_steps(path: Path, english: Sequence[Step]) -> dict[int, StepText]:
    if not path.exists():
        return {}
    data = _read(path)
    unknown_tables = sorted(set(data) - {"steps"})
    if unknown_tables:
        raise ValueError(f"{path}: unknown table(s) {', '.join(unknown_tables)}")
    raw_steps = data.get("steps", [])
    if not isinstance(raw_steps, list):
        raise ValueError(f"{path}: expected a [[steps]] array")
    by_number = {step.number: step for step in english}
    texts: dict[int, StepText] = {}
    for position, raw in enumerate(raw_steps, 1):
        where = f"{path}: step #{position}"
        if not isinstance(raw, dict):
            raise ValueError(f"{where}: must be a table")
        number = raw.get("number")
        if type(number) is not int or number not in by_number:
            raise ValueError(f"{where}: 'number' must be an English step's number, got {number!r}")
        where = f"{path}: step {number}"
        if number in texts:
            raise ValueError(f"{where}: translated twice")
        _check_fields(raw, _STEP_FIELDS, where)
        step = by_number[number]
        warnings = _optional_list(raw, "warnings", where, len(step.warnings))
        labels = _optional_list(raw, "link_labels", where, len(step.links))
        body = _optional_text(raw, "body", where)
        texts[number] = StepText(
            title=_optional_text(raw, "title", where),
            summary=_optional_text(raw, "summary", where),
            body=body.strip() if body is not None else None,
            warnings=warnings,
            link_labels=labels,
        )
    return texts


def _load_entries(
    directory: Path, ids_by_stem: Mapping[str, frozenset[str]], known_ids: set[str]
) -> dict[str, EntryText]:
    texts: dict[str, EntryText] = {}
    if not directory.is_dir():
        return texts
    for path in sorted(directory.glob("*.toml")):
        if path.stem not in ids_by_stem:
            raise ValueError(f"{path}: no English troubleshooting file {path.stem}.toml")
        data = _read(path)
        unknown_tables = sorted(set(data) - {"entry"})
        if unknown_tables:
            raise ValueError(f"{path}: unknown table(s) {', '.join(unknown_tables)}")
        raw_entries = data.get("entry", [])
        if not isinstance(raw_entries, list):
            raise ValueError(f"{path}: expected an [[entry]] array")
        for position, raw in enumerate(raw_entries, 1):
            where = f"{path}: entry #{position}"
            if not isinstance(raw, dict):
                raise ValueError(f"{where}: must be a table")
            entry_id = raw.get("id")
            if not isinstance(entry_id, str) or entry_id not in known_ids:
                raise ValueError(f"{where}: id {entry_id!r} is not an English entry")
            where = f"{path}: entry {entry_id!r}"
            if entry_id not in ids_by_stem[path.stem]:
                raise ValueError(f"{where}: belongs in the file of its English entry")
            if entry_id in texts:
                raise ValueError(f"{where}: translated twice")
            _check_fields(raw, _ENTRY_FIELDS, where)
            fields = {name: _optional_text(raw, name, where) for name in ENTRY_TEXT_FIELDS}
            texts[entry_id] = EntryText(
                **{name: value.strip() if value else None for name, value in fields.items()}
            )
    return texts


def _check_fields(raw: Mapping[str, Any], known: frozenset[str], where: str) -> None:
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(unknown)}")


def _optional_text(raw: Mapping[str, Any], name: str, where: str) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {name!r} must be non-empty text")
    return value


def _optional_list(
    raw: Mapping[str, Any], name: str, where: str, count: int
) -> tuple[str, ...] | None:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{where}: {name!r} must be a list of non-empty strings")
    if len(value) != count:
        raise ValueError(f"{where}: {name!r} has {len(value)} items, the English has {count}")
    return tuple(value)
