"""Block Kit for what happened to a team key: check results, refusals, revocation, errors.

These builders only ever receive the masked form of a key (``sk-proj-…abcd``). As a second
line of defence, :func:`shown_key` masks again anything that looks like a whole key.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.guide.model import Step
from bot.keys.crypto import mask
from bot.keys.outcomes import KeyOutcome, note_text, outcome_text
from bot.keys.validation import ValidationResult
from bot.rules.secrets import REDACTION_PATTERN
from bot.rules.submission import MAX_PROJECT_NAME, visible
from bot.ui.blocks import Block, context, section
from bot.ui.messages import text
from bot.ui.mrkdwn import one_line, sanitize, truncate

MAX_REPLY = 300
MAX_SHOWN_KEY = 40
MAX_ID = 100

OUTCOME_MARKS: dict[KeyOutcome, str] = {
    KeyOutcome.VALID: ":white_check_mark:",
    KeyOutcome.RESTRICTED: ":lock:",
    KeyOutcome.INVALID: ":x:",
    KeyOutcome.MISMATCH: ":twisted_rightwards_arrows:",
    KeyOutcome.ACCOUNT_PROBLEM: ":no_entry:",
    KeyOutcome.REGION: ":earth_africa:",
    KeyOutcome.NO_CREDIT: ":credit_card:",
    KeyOutcome.SPEND_CAP: ":billed_cap:",
    KeyOutcome.TRY_LATER: ":hourglass_flowing_sand:",
}


def shown_key(masked: str) -> str:
    """``masked`` as it may be displayed: a whole key that slipped in is masked again."""
    if REDACTION_PATTERN.search(masked):
        masked = mask(masked.strip())
    return truncate(one_line(masked), MAX_SHOWN_KEY)


def project_label(project_name: str) -> str:
    """A project name on one line, at most the stored length (escaped later by ``text``).

    Names stored before the name rules may hold invisible characters: they show as escapes.
    """
    return truncate(one_line(visible(project_name)), MAX_PROJECT_NAME)


def result_blocks(
    project_name: str,
    masked: str,
    result: ValidationResult,
    steps: Sequence[Step],
    *,
    saved_line: str | None = None,
    tested: bool = False,
) -> list[Block]:
    """The outcome of a check: title, explanation, what to do, the fixing step, the facts."""
    words = outcome_text(result.outcome)
    subject = "key_result.test_line" if tested else "key_result.key_line"
    head = text(subject, masked=shown_key(masked), project=project_label(project_name))
    blocks: list[Block] = [
        section(f"{OUTCOME_MARKS[result.outcome]} *{sanitize(words.title)}*\n{head}"),
        section(sanitize(words.explanation)),
        section(f"{text('key_result.what_to_do')} {sanitize(words.action)}"),
    ]
    details = [step_line(result.step, steps, result.outcome)]
    details += [sanitize(note_text(note_id)) for note_id in result.note_ids]
    if any(details):
        blocks.append(context(*details))
    if saved_line:
        blocks.append(section(saved_line))
    belongs = belongs_line(result.organization, result.project)
    if belongs:
        blocks.append(context(belongs))
    if result.reply and result.reply.strip():
        reply = truncate(one_line(result.reply), MAX_REPLY)
        blocks.append(section(text("key_result.reply", reply=reply)))
    if result.request_id:
        request_id = truncate(one_line(result.request_id), MAX_ID)
        blocks.append(context(text("key_result.request_id", request_id=request_id)))
    return blocks


def step_line(number: int | None, steps: Sequence[Step], outcome: KeyOutcome) -> str:
    """ "Fixed in step 5: … — type `/openai-setup 5`" ("Next: step 7" for a working key)."""
    if number is None:
        return ""
    kind = "next_step" if outcome is KeyOutcome.VALID else "fixed_in_step"
    step = next((item for item in steps if item.number == number), None)
    if step is None:
        return text(f"key_result.{kind}_untitled", number=number)
    return text(f"key_result.{kind}", number=number, title=step.title)


def belongs_line(organization: str | None, project: str | None) -> str:
    """ "This key belongs to OpenAI organization `org-…` · OpenAI project `proj_…`", or ""."""
    parts = []
    if organization:
        parts.append(text("keys.openai_organization", organization=_openai_id(organization)))
    if project:
        parts.append(text("keys.openai_project", project=_openai_id(project)))
    return f"{text('key_result.belongs_to')} {' · '.join(parts)}" if parts else ""


def stored_line(
    project_name: str, result: ValidationResult, *, stored: bool, replaced: bool
) -> str:
    """Whether the key was saved for the project, and whether it replaced one."""
    project = project_label(project_name)
    if stored:
        key = "key_result.saved_replaced" if replaced else "key_result.saved"
    elif result.outcome is KeyOutcome.TRY_LATER:
        key = "key_result.not_saved_try_later"
    else:
        key = "key_result.not_saved"
    return text(key, project=project)


def render_test_result(
    project_name: str, masked: str, result: ValidationResult, steps: Sequence[Step]
) -> list[Block]:
    """The reply to the Test button: a "Say hello" request with the stored key."""
    return result_blocks(project_name, masked, result, steps, tested=True)


def render_refused(project_name: str) -> list[Block]:
    """You may not change this project's key; who may; where the masked status is."""
    refused = text("key_result.refused", project=project_label(project_name))
    return [
        section(f"{refused}\n{text('key_result.refused_who')}"),
        context(text("key_result.refused_status")),
    ]


def render_revoked(project_name: str, masked: str) -> list[Block]:
    """The stored copy is gone; the key itself must be deleted on OpenAI's side too."""
    revoked = text(
        "key_result.revoked", masked=shown_key(masked), project=project_label(project_name)
    )
    return [section(revoked), section(text("key_result.revoked_todo"))]


def render_key_unreadable(project_name: str) -> list[Block]:
    """The stored value does not decrypt (changed, or another keyring); others still work."""
    unreadable = text("key_result.unreadable", project=project_label(project_name))
    return [
        section(f"{unreadable}\n{text('key_result.unreadable_why')}"),
        context(text("key_result.unreadable_todo")),
    ]


def render_not_found() -> list[Block]:
    """The project (or its key) is gone, e.g. a button from an old list."""
    return [section(text("key_result.not_found"))]


def _openai_id(value: str) -> str:
    return truncate(one_line(value), MAX_ID)
