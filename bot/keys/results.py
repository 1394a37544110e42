"""What a key operation came to: one ``Verdict`` vocabulary for every job of the key service.

Infrastructure failures (database down) still raise; everything a person or an operator can
cause — not allowed, not found, refused input, a key OpenAI rejected — is a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.keys.limits import Hold
from bot.keys.validation import ValidationResult
from bot.store.models import AuditEvent


class Verdict(StrEnum):
    DONE = "done"
    REJECTED = "rejected"  # OpenAI refused the key, or could not be asked: nothing stored
    REFUSED = "refused"  # not allowed
    NOT_FOUND = "not_found"  # no such project (in this workspace) or no key stored
    UNREADABLE = "unreadable"  # the stored value did not decrypt (tampered, wrong keyring)
    INVALID = "invalid"  # the input breaks the submission rules (bot.rules.submission)
    HELD = "held"  # stopped before OpenAI by a limit or the creation setting (see ``hold``)


@dataclass(frozen=True)
class KeyResult:
    """A submission, test or revocation; ``validation`` is set when OpenAI was asked."""

    verdict: Verdict
    project_name: str
    masked: str | None = None
    validation: ValidationResult | None = None
    stored: bool = False
    replaced: bool = False
    hold: Hold | None = None


@dataclass(frozen=True)
class Exported:
    """An operator's export: the plaintext only when ``verdict`` is DONE."""

    verdict: Verdict
    project_name: str
    api_key: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class AuditTrail:
    """Recent audit rows, for those allowed to read them (REFUSED for anyone else)."""

    verdict: Verdict
    rows: tuple[AuditEvent, ...] = ()
