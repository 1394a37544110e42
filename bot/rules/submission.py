"""What a key submission may contain: the project name, the key's shape, the OpenAI ids.

The one home of these rules: the key dialog, the key service, the store and the command line
all use them. A rule that fails gives a :class:`Problem`, whose words live in
``bot/ui/messages.toml`` under ``[submission]``; nothing here repeats what was typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.rules.secrets import KEY_START, REDACTION_PATTERN, contains_key

MAX_PROJECT_NAME = 80  # characters, of the shown form and of the compared form
MAX_KEY_LENGTH = 300
MIN_KEY_LENGTH = 20
ORGANIZATION_ID = re.compile(r"org-[A-Za-z0-9]{6,64}")
OPENAI_PROJECT_ID = re.compile(r"proj_[A-Za-z0-9]{6,64}")

# Typed whitespace that folds into one space; every other control character is refused.
_FOLDED_CONTROLS = frozenset("\t\n\r")
# Control, format (zero-width, bidi overrides, BOM), surrogate, private use, unassigned.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# Default-ignorable code points outside those categories (Unicode DerivedCoreProperties.txt):
# they render as nothing, so "prod" plus one of them would look exactly like "prod".
_INVISIBLE_RANGES: tuple[tuple[int, int], ...] = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian variation selectors
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0D),  # variation selectors 1-14
    (0xFFA0, 0xFFA0),  # half-width Hangul filler
    (0xE0100, 0xE01EF),  # variation selectors 17-256
)
# Text/emoji presentation selectors: allowed after an emoji, ignored when comparing names.
_PRESENTATION_SELECTORS = {0xFE0E: None, 0xFE0F: None}
# Longer raw input is refused before normalising (NFKC can expand a character 18 times).
_MAX_RAW_NAME = 4 * MAX_PROJECT_NAME

_SLACK_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?:xox[abpoesr]|xapp)-", re.IGNORECASE)
_KEY_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+\Z")
_OTHER_VENDORS: tuple[tuple[str, str], ...] = (("sk-ant-", "Anthropic"), ("sk-or-", "OpenRouter"))


class Field(StrEnum):
    """The dialog's text fields; the values are its input ``block_id``s."""

    PROJECT = "project"
    API_KEY = "api_key"
    ORGANIZATION = "organization"
    OPENAI_PROJECT = "openai_project"


@dataclass(frozen=True)
class Problem:
    """Why a value is refused: ``submission.<code>`` in messages.toml, filled with ``values``.

    ``leaked``: the value held an API key, so the person must revoke it.
    """

    code: str
    values: Mapping[str, str] = field(default_factory=dict)
    leaked: bool = False

    @property
    def message_key(self) -> str:
        return f"submission.{self.code}"


KEY_IN_FIELD = Problem("key_in_field", leaked=True)


@dataclass(frozen=True)
class ProjectName:
    """A valid project name: ``shown`` is displayed and stored, ``key`` decides sameness.

    Build one with :func:`parse_project_name`; "Prod  API" and "ｐｒｏｄ api" share a key.
    """

    shown: str
    key: str


@dataclass(frozen=True)
class Submission:
    """A dialog submission after the rules: the name when valid, and every field's problem."""

    project: ProjectName | None
    problems: Mapping[Field, Problem]

    @property
    def leaked(self) -> bool:
        return any(problem.leaked for problem in self.problems.values())


def check_submission(
    *, project: str, api_key: str, organization: str | None, openai_project: str | None
) -> Submission:
    """Apply every rule; a key typed into any field but the key field is refused as leaked."""
    problems: dict[Field, Problem] = {}
    parsed = parse_project_name(project)
    name = parsed if isinstance(parsed, ProjectName) else None
    if isinstance(parsed, Problem):
        problems[Field.PROJECT] = parsed
    key_problem = check_key(api_key)
    if key_problem is not None:
        problems[Field.API_KEY] = key_problem
    ids = (
        (Field.ORGANIZATION, organization, ORGANIZATION_ID, "organization"),
        (Field.OPENAI_PROJECT, openai_project, OPENAI_PROJECT_ID, "openai_project"),
    )
    for which, value, pattern, code in ids:
        if value and contains_key(value):
            problems[which] = KEY_IN_FIELD
        elif value and not pattern.fullmatch(value):
            problems[which] = Problem(code)
    return Submission(name, problems)


def parse_project_name(raw: str) -> ProjectName | Problem:
    """The project name ``raw`` stands for, or why it cannot be one.

    NFKC-normalised (full-width and other compatibility forms become plain ones), runs of
    whitespace folded to one space, compared case-folded. Control, format, invisible,
    surrogate, private-use and unassigned characters are refused, and so is a key. Length
    is checked after all that, on both forms, so nothing is ever cut.
    """
    if contains_key(raw):
        return KEY_IN_FIELD
    if len(raw) > _MAX_RAW_NAME:
        return Problem("name_too_long")
    if any(_refused(character) for character in raw):
        return Problem("name_characters")
    normalised = unicodedata.normalize("NFKC", raw)
    if any(_refused(character) for character in normalised):
        return Problem("name_characters")
    shown = " ".join(normalised.split())
    if not shown:
        return Problem("name_empty")
    key = fold_name(shown)
    if len(shown) > MAX_PROJECT_NAME or len(key) > MAX_PROJECT_NAME:
        return Problem("name_too_long")
    return ProjectName(shown, key)


def fold_name(shown: str) -> str:
    """How names compare: case-folded, NFKC again (folding can un-normalise), no selectors."""
    return unicodedata.normalize("NFKC", shown.casefold()).translate(_PRESENTATION_SELECTORS)


def visible(text: str) -> str:
    """``text`` with every refused character written as an escape (``\\u200b``).

    For names stored before these rules: a terminal or a list shows what is really there.
    """
    if not any(_refused(character) for character in text):
        return text
    return "".join(
        character.encode("unicode_escape").decode("ascii") if _refused(character) else character
        for character in text
    )


def check_key(text: str) -> Problem | None:
    """Why ``text`` (ends already stripped) is not an OpenAI key, or None when it looks fine.

    Only a hint: OpenAI changes key shapes, and the live check has the last word.
    """
    if not text:
        return Problem("key_empty")
    if not text.startswith(KEY_START) and _SLACK_TOKEN.search(text):
        return Problem("key_slack_token")
    if any(character.isspace() for character in text):
        return Problem("key_whitespace")
    if not text.startswith(KEY_START):
        return _missing_prefix(text)
    for prefix, vendor in _OTHER_VENDORS:
        if text.startswith(prefix):
            return Problem("key_other_vendor", {"vendor": vendor})
    if text.startswith("sk-admin-"):
        return Problem("key_admin")
    if not _KEY_CHARACTERS.match(text):
        dash = any(_is_typographic_dash(character) for character in text)
        return Problem("key_typographic_dash" if dash else "key_characters")
    if len(text) < MIN_KEY_LENGTH:
        return Problem("key_too_short")
    if len(text) > MAX_KEY_LENGTH:
        return Problem("key_too_long")
    return None


def _missing_prefix(text: str) -> Problem:
    if text.startswith("sk") and len(text) > 2 and _is_typographic_dash(text[2]):
        return Problem("key_typographic_dash")
    if REDACTION_PATTERN.search(text):
        return Problem("key_wrapped")
    return Problem("key_no_prefix")


def _is_typographic_dash(character: str) -> bool:
    return character != "-" and unicodedata.category(character) == "Pd"


def _refused(character: str) -> bool:
    if character in _FOLDED_CONTROLS:
        return False
    if unicodedata.category(character) in _REFUSED_CATEGORIES:
        return True
    code = ord(character)
    return any(low <= code <= high for low, high in _INVISIBLE_RANGES)
