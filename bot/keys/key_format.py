"""Shape checks for OpenAI API keys: friendly format errors and spotting keys inside text.

A format check is only a hint (OpenAI changes key shapes); the live check in
``bot.keys.validation`` has the last word. Nothing here ever echoes the text it was given.
"""

from __future__ import annotations

import re
import unicodedata

# Longest first, so "sk-proj-" wins over "sk-".
KNOWN_PREFIXES: tuple[str, ...] = ("sk-svcacct-", "sk-admin-", "sk-proj-", "sk-None-", "sk-")

MIN_KEY_LENGTH = 20
MAX_KEY_LENGTH = 300

# Used to redact logs and to refuse keys pasted in chat. The look-behind keeps words such as
# "task-..." out; over-matching is otherwise fine for redaction.
KEY_PATTERN = re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{16,}")

_KEY_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+\Z")
_SLACK_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?:xox[abpoesr]|xapp)-", re.IGNORECASE)
_OTHER_VENDORS: tuple[tuple[str, str], ...] = (("sk-ant-", "Anthropic"), ("sk-or-", "OpenRouter"))

MESSAGES = {
    "empty": "Paste your OpenAI API key here.",
    "slack_token": (
        "That is a Slack token, not an OpenAI key. Slack tokens are secrets too: if you "
        "pasted it anywhere others can see, rotate it."
    ),
    "whitespace": (
        "The key contains spaces or line breaks. Copy it again as a single line, with "
        "nothing before or after it."
    ),
    "wrapped": (
        "Paste only the key itself, starting with sk-, without OPENAI_API_KEY=, quotes or "
        "other text around it."
    ),
    "typographic_dash": (
        "The key contains a typographic dash instead of a plain '-'. Copy it again straight "
        "from the OpenAI dashboard rather than from a document."
    ),
    "no_prefix": "OpenAI API keys start with sk-. Copy the key again from the API keys page.",
    "other_vendor": "That looks like a {vendor} key. This app needs an OpenAI API key (sk-proj-…).",
    "admin_key": (
        "Admin keys (sk-admin-…) cannot call the normal API endpoints. Create a project or "
        "service-account key on the API keys page instead."
    ),
    "characters": (
        "The key contains characters an OpenAI key never has (only letters, digits, - and _). "
        "Copy it again from the OpenAI dashboard."
    ),
    "too_short": "The key is too short: it looks cut off. Copy the whole key again.",
    "too_long": "That is much longer than an API key. Paste only the key.",
}


def check_key_format(text: str) -> str | None:
    """A short, friendly reason why ``text`` is not an OpenAI key, or None when it looks fine.

    Callers strip the ends first; whitespace inside the key is an error.
    """
    if not text:
        return MESSAGES["empty"]
    if not text.startswith("sk-") and _SLACK_TOKEN.search(text):
        return MESSAGES["slack_token"]
    if any(character.isspace() for character in text):
        return MESSAGES["whitespace"]
    if not text.startswith("sk-"):
        return _missing_prefix_message(text)
    for prefix, vendor in _OTHER_VENDORS:
        if text.startswith(prefix):
            return MESSAGES["other_vendor"].format(vendor=vendor)
    if text.startswith("sk-admin-"):
        return MESSAGES["admin_key"]
    if not _KEY_CHARACTERS.match(text):
        return (
            MESSAGES["typographic_dash"] if _has_typographic_dash(text) else MESSAGES["characters"]
        )
    if len(text) < MIN_KEY_LENGTH:
        return MESSAGES["too_short"]
    if len(text) > MAX_KEY_LENGTH:
        return MESSAGES["too_long"]
    return None


def looks_like_openai_key(text: str) -> bool:
    """Whether ``text`` contains something shaped like an OpenAI key, anywhere inside it.

    Real keys are long random strings, so a match must also contain a digit: that keeps
    prose such as "sk-learn-compatible-estimators" from being refused as a leaked key.
    """
    return any(
        any(character.isdigit() for character in match.group())
        for match in KEY_PATTERN.finditer(text)
    )


def known_prefix(text: str) -> str:
    """The known key prefix ``text`` starts with ("sk-proj-", …, "sk-"), or "" for none."""
    for prefix in KNOWN_PREFIXES:
        if text.startswith(prefix):
            return prefix
    return ""


def _missing_prefix_message(text: str) -> str:
    if text.startswith("sk") and len(text) > 2 and _is_typographic_dash(text[2]):
        return MESSAGES["typographic_dash"]
    if looks_like_openai_key(text):
        return MESSAGES["wrapped"]
    return MESSAGES["no_prefix"]


def _has_typographic_dash(text: str) -> bool:
    return any(_is_typographic_dash(character) for character in text)


def _is_typographic_dash(character: str) -> bool:
    return character != "-" and unicodedata.category(character) == "Pd"
