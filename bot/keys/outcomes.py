"""The outcomes of a key check: how OpenAI's answers map to them, and the words for each.

Both the recognition tables (error codes, types, message hints) and the sentences live in
``outcomes.toml``, so they can be reviewed and extended without touching logic. The HTTP
side is in ``bot.keys.validation``; :func:`classify` here is pure.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any, Literal

OUTCOMES_FILE = "outcomes.toml"
MODEL_NOT_FOUND = "model_not_found"

# "none": an HTTP 2xx; "status": an HTTP error with a JSON body; "non_json": an HTTP answer
# whose body is not OpenAI's JSON (an HTML page from a proxy); "timeout"/"connection": no answer.
ExceptionKind = Literal["none", "status", "non_json", "timeout", "connection"]


class KeyOutcome(StrEnum):
    """What a live check of a key concluded."""

    VALID = "valid"
    RESTRICTED = "restricted"
    INVALID = "invalid"
    MISMATCH = "mismatch"
    ACCOUNT_PROBLEM = "account_problem"
    REGION = "region"
    NO_CREDIT = "no_credit"
    SPEND_CAP = "spend_cap"
    TRY_LATER = "try_later"

    @property
    def stores_key(self) -> bool:
        """Whether a key with this outcome is saved: it authenticated, even if it cannot spend."""
        return self in STORED_OUTCOMES


STORED_OUTCOMES = frozenset(
    {KeyOutcome.VALID, KeyOutcome.RESTRICTED, KeyOutcome.NO_CREDIT, KeyOutcome.SPEND_CAP}
)


@dataclass(frozen=True)
class OutcomeText:
    """The title, explanation and what-to-do of one outcome, and the guide step that fixes it."""

    outcome: KeyOutcome
    title: str
    explanation: str
    action: str
    step: int | None


@dataclass(frozen=True)
class _Catalogue:
    texts: dict[KeyOutcome, OutcomeText]
    notes: dict[str, str]
    by_code: dict[str, KeyOutcome]
    by_type: dict[str, KeyOutcome]
    hints: tuple[tuple[str, KeyOutcome], ...]


def outcome_text(outcome: KeyOutcome) -> OutcomeText:
    """The words for ``outcome``."""
    return _catalogue().texts[outcome]


def note_text(note_id: str) -> str:
    """One of the extra lines from the ``[notes]`` table (KeyError for an unknown id)."""
    return _catalogue().notes[note_id]


def classify(
    status: int | None,
    code: str | None,
    type_: str | None,
    message: str | None,
    exception_kind: ExceptionKind,
) -> tuple[KeyOutcome, int | None]:
    """Map one OpenAI answer to an outcome and the guide step that fixes it (DESIGN.md §4).

    No answer, a 5xx, a rate limit or a body that is not OpenAI's JSON is TRY_LATER: such
    failures say nothing about the key. ``model_not_found`` means the key works but the test
    model is not available to it: VALID, pointing at step 6 (try it in the Playground).
    """
    outcome = _classify_outcome(status, code, type_, message, exception_kind)
    if outcome is KeyOutcome.VALID and code == MODEL_NOT_FOUND:
        return outcome, 6
    return outcome, outcome_text(outcome).step


def _classify_outcome(
    status: int | None,
    code: str | None,
    type_: str | None,
    message: str | None,
    exception_kind: ExceptionKind,
) -> KeyOutcome:
    if exception_kind in ("timeout", "connection", "non_json") or status is None:
        return KeyOutcome.TRY_LATER
    if 200 <= status < 300:
        return KeyOutcome.VALID
    if status >= 500 or status < 400:
        return KeyOutcome.TRY_LATER
    catalogue = _catalogue()
    if code is not None and code in catalogue.by_code:
        return catalogue.by_code[code]
    if type_ is not None and type_ in catalogue.by_type:
        return catalogue.by_type[type_]
    lowered = (message or "").lower()
    for hint, outcome in catalogue.hints:
        if hint in lowered:
            return outcome
    if status == 401:
        return KeyOutcome.INVALID
    if status == 403:
        return KeyOutcome.ACCOUNT_PROBLEM
    # 429 rate limits and anything unexpected: retrying may help, and it is not the key.
    return KeyOutcome.TRY_LATER


@cache
def _catalogue() -> _Catalogue:
    raw = resources.files("bot.keys").joinpath(OUTCOMES_FILE).read_text(encoding="utf-8")
    document = tomllib.loads(raw)
    unknown = set(document) - {outcome.value for outcome in KeyOutcome} - {"notes"}
    if unknown:
        raise ValueError(f"{OUTCOMES_FILE}: unknown tables {sorted(unknown)}")
    notes = document.get("notes", {})
    if not isinstance(notes, dict) or not all(isinstance(v, str) for v in notes.values()):
        raise ValueError(f"{OUTCOMES_FILE}: [notes] must map ids to strings")
    texts: dict[KeyOutcome, OutcomeText] = {}
    by_code: dict[str, KeyOutcome] = {}
    by_type: dict[str, KeyOutcome] = {}
    hints: list[tuple[str, KeyOutcome]] = []
    for outcome in KeyOutcome:
        table = document.get(outcome.value)
        if not isinstance(table, dict):
            raise ValueError(f"{OUTCOMES_FILE}: missing table [{outcome.value}]")
        texts[outcome] = _parse_text(outcome, table)
        for code in _strings(outcome, table, "codes"):
            _add_once(by_code, code, outcome)
        for type_ in _strings(outcome, table, "types"):
            _add_once(by_type, type_, outcome)
        hints.extend((hint.lower(), outcome) for hint in _strings(outcome, table, "message_hints"))
    return _Catalogue(texts, dict(notes), by_code, by_type, tuple(hints))


def _parse_text(outcome: KeyOutcome, table: dict[str, Any]) -> OutcomeText:
    for name in ("title", "explanation", "action"):
        if not isinstance(table.get(name), str) or not table[name].strip():
            raise ValueError(f"{OUTCOMES_FILE}: [{outcome.value}] needs a non-empty {name!r}")
    step = table.get("step")
    if step is not None and (type(step) is not int or not 1 <= step <= 7):
        raise ValueError(f"{OUTCOMES_FILE}: [{outcome.value}] step must be 1-7")
    return OutcomeText(outcome, table["title"], table["explanation"], table["action"], step)


def _strings(outcome: KeyOutcome, table: dict[str, Any], name: str) -> list[str]:
    values = table.get(name, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise ValueError(f"{OUTCOMES_FILE}: [{outcome.value}] {name} must be a list of strings")
    return values


def _add_once(index: dict[str, KeyOutcome], value: str, outcome: KeyOutcome) -> None:
    if index.setdefault(value, outcome) is not outcome:
        raise ValueError(f"{OUTCOMES_FILE}: {value!r} is listed under two outcomes")
