"""A question as the app may keep or repeat it: every secret-shaped string removed.

Questions that hold a real key are refused before they are answered (``contains_key``); this
catches what gets past that on purpose: cut keys, placeholders that look half real, Slack
tokens. Used for what is stored and for the "You asked: …" echo.
"""

from __future__ import annotations

import unicodedata

from bot.log_redaction import REDACTED, redact
from bot.rules.secrets import find_keys

MAX_QUESTION = 500  # characters kept of a question, after redaction
MAX_READ = 4000  # characters read at all (a Slack message may hold 40,000)


def redact_question(text: str, limit: int = MAX_QUESTION) -> str:
    """``text`` on one line, key-shaped strings replaced, cut to ``limit`` characters.

    Read in NFKC form, so a key typed in full-width letters is caught too; the log filter's
    wide net (cut keys, Slack tokens) runs after the key detector.
    """
    read = unicodedata.normalize("NFKC", text[:MAX_READ])
    for key in find_keys(read):
        read = read.replace(key.value, REDACTED)
    kept = " ".join(redact(read).split())
    return kept if len(kept) <= limit else kept[: limit - 1] + "…"
