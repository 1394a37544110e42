"""Logging set-up with a redacting filter on the root handlers.

slack-sdk and Bolt log raw request bodies at DEBUG (and Bolt at INFO on a bad signature), and
the openai SDK can log request options: every record passes through ``redact`` before any
handler writes it, whatever its level or origin.
"""

from __future__ import annotations

import logging
import re
import sys

from bot.rules.secrets import REDACTION_PATTERN

SECRET_PATTERNS = (
    # OpenAI keys, as the one secret detector defines them for logs (its widest net).
    REDACTION_PATTERN,
    # Slack tokens: bot/user/app-level/refresh/config tokens.
    re.compile(r"xox[abprse]-[A-Za-z0-9\-]{6,}"),
    re.compile(r"xapp-[A-Za-z0-9\-]{6,}"),
    # Authorization headers of any scheme.
    re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(bearer\s+)?[^\s'\",}]+"),
)
REDACTED = "[REDACTED]"


def redact(text: str) -> str:
    """Replace anything that looks like a secret with ``[REDACTED]``."""
    for pattern in SECRET_PATTERNS:
        if pattern.groups:
            text = pattern.sub(lambda m: (m.group(1) or "") + REDACTED, text)
        else:
            text = pattern.sub(REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """Renders each record once, redacted, so no handler can write the raw values."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def configure_logging(level: str = "INFO", stream: object = None) -> None:
    """Root logging to stderr with the redacting filter on every root handler."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    if not root.handlers:
        handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    install_redaction(root)


def install_redaction(logger: logging.Logger) -> None:
    for handler in logger.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
