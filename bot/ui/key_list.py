"""Block Kit for the team's keys: the `/openai-setup keys` list, the App Home part, the audit.

Everyone sees the masked status; only people allowed to manage a project get its buttons
(listeners check the permission again on every click).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from bot.store.key_records import ProjectRow, StoredKeyFacts
from bot.store.models import AuditEvent
from bot.ui import actions as ids
from bot.ui.blocks import Block, actions, button, context, header, plain, section
from bot.ui.guide import key_modal_button
from bot.ui.key_results import belongs_line, project_label, shown_key
from bot.ui.messages import all_templates, text
from bot.ui.mrkdwn import (
    MAX_BLOCKS_MESSAGE,
    MAX_SECTION_TEXT,
    escape,
    mrkdwn,
    one_line,
    truncate,
)

MAX_HOME_BLOCKS = 40
MAX_AUDIT_EVENTS = 100
STALE_AFTER = timedelta(days=30)
MAX_CONFIRM_TITLE = 100
MAX_CONFIRM_BUTTON = 30
MAX_CONFIRM_TEXT = 300

STATUS_MARKS = {
    "valid": ":white_check_mark:",
    "restricted": ":lock:",
    "needs_credit": ":credit_card:",
    "spend_capped": ":billed_cap:",
    "rejected": ":x:",
    "none": ":heavy_minus_sign:",
}
UNKNOWN_STATUS_MARK = ":grey_question:"

# Slack user ids; anything else (an operator's "cli", "slack") is shown literally.
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}\Z")


def render_keys_list(
    projects: Sequence[ProjectRow],
    *,
    manageable: Collection[int],
    now: datetime,
    notes: Mapping[int, str] | None = None,
) -> list[Block]:
    """`/openai-setup keys`: every project with its masked key and status, within 50 blocks.

    ``notes``: an extra mrkdwn line per project id (the leak watch's "compromised").
    """
    submit = section(
        text("overview.submit_key_intro"),
        accessory=key_modal_button(text("overview.submit_key_button"), primary=True),
    )
    if not projects:
        return [header(text("keys.list_header")), section(text("keys.list_empty")), submit]
    footer = [submit, context(text("keys.list_footer"))]
    room = MAX_BLOCKS_MESSAGE - 1 - len(footer)
    rows, hidden = _fit_rows(projects, manageable, now, room, notes or {})
    more = [context(text("keys.list_more", count=hidden))] if hidden else []
    return [header(text("keys.list_header")), *rows, *more, *footer]


def home_keys_blocks(
    projects: Sequence[ProjectRow],
    *,
    manageable: Collection[int],
    now: datetime,
    notes: Mapping[int, str] | None = None,
) -> list[Block]:
    """The "Team keys" part of the App Home (its own Submit button is elsewhere on the tab)."""
    if not projects:
        return [header(text("keys.list_header")), context(text("keys.home_empty"))]
    footer = [context(text("keys.list_footer"))]
    room = MAX_HOME_BLOCKS - 1 - len(footer)
    rows, hidden = _fit_rows(projects, manageable, now, room, notes or {})
    more = [context(text("keys.home_more", count=hidden))] if hidden else []
    return [header(text("keys.list_header")), *rows, *more, *footer]


def render_audit(
    events: Sequence[AuditEvent], project_name: str | None, *, now: datetime
) -> list[Block]:
    """Recent audit rows, newest first as given, packed into a few sections."""
    intro = [header(text("key_audit.header"))]
    if project_name:
        intro.append(context(text("key_audit.project", project=project_label(project_name))))
    if not events:
        key, values = ("key_audit.empty", {})
        if project_name:
            key, values = ("key_audit.empty_project", {"project": project_label(project_name)})
        return [*intro, section(text(key, **values))]
    intro.append(context(f"{text('key_audit.as_of')} {slack_date(now)}"))
    lines = [_audit_line(event) for event in events[:MAX_AUDIT_EVENTS]]
    room = MAX_BLOCKS_MESSAGE - len(intro) - 1  # one left for "and N more"
    sections, shown = _pack(lines, room)
    hidden = len(events) - shown
    more = [context(text("key_audit.more", count=hidden))] if hidden else []
    return [*intro, *sections, *more]


def render_audit_refused() -> list[Block]:
    """For people who may not read the audit trail."""
    return [section(text("key_audit.refused"))]


def slack_date(moment: datetime) -> str:
    """Slack's date token: shown in the reader's time zone, with a UTC fallback.

    A naive datetime (as SQLite returns them) is taken to be UTC.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    fallback = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def person(actor: str) -> str:
    """A Slack user id as a mention, anything else (``cli``) escaped as written."""
    actor = actor.strip()
    if _USER_ID.match(actor):
        return f"<@{actor}>"
    return escape(truncate(one_line(actor), 64)) or "?"


def status_label(status: str | None) -> str:
    """The emoji and words for a stored key's status (``None``: no key)."""
    name = status or "none"
    if name in STATUS_MARKS and f"key_status.{name}" in all_templates():
        return f"{STATUS_MARKS[name]} {text(f'key_status.{name}')}"
    return f"{UNKNOWN_STATUS_MARK} {text('key_status.unknown', status=truncate(name, 40))}"


def _fit_rows(
    projects: Sequence[ProjectRow],
    manageable: Collection[int],
    now: datetime,
    room: int,
    notes: Mapping[int, str],
) -> tuple[list[Block], int]:
    """The rows of the first projects that fit in ``room`` blocks and how many were left out.

    When not all fit, one block of ``room`` is kept for the "and N more" line.
    """
    rows = [
        _project_blocks(project, project.id in manageable, now, notes.get(project.id))
        for project in projects
    ]
    if sum(len(row) for row in rows) <= room:
        return [block for row in rows for block in row], 0
    room -= 1
    kept: list[Block] = []
    for count, row in enumerate(rows):
        if len(kept) + len(row) > room:
            return kept, len(rows) - count
        kept.extend(row)
    return kept, 0


def _project_blocks(
    project: ProjectRow, manageable: bool, now: datetime, note: str | None = None
) -> list[Block]:
    facts = project.key
    name = f"*{escape(project_label(project.name))}*"
    lines = [f"{name} · `{escape(shown_key(facts.masked))}`" if facts else name]
    if note:
        lines.append(note)
    lines.append(_status_line(facts, now))
    if facts is not None:
        belongs = belongs_line(
            facts.openai_organization or facts.organization_hint,
            facts.openai_project or facts.project_hint,
        )
        if belongs:
            lines.append(belongs)
    blocks = [section(truncate("\n".join(lines), MAX_SECTION_TEXT))]
    if manageable:
        blocks.append(actions(_project_buttons(project)))
    return blocks


def _status_line(facts: StoredKeyFacts | None, now: datetime) -> str:
    if facts is None:
        return status_label(None)
    parts = [status_label(facts.status)]
    if facts.last_checked_at is None:
        parts.append(text("keys.never_checked"))
    else:
        parts.append(f"{text('keys.last_checked')} {slack_date(facts.last_checked_at)}")
        days = (_aware(now) - _aware(facts.last_checked_at)).days
        if days > STALE_AFTER.days:
            parts.append(text("keys.stale", days=days))
    parts.append(f"{text('keys.set_by')} {person(facts.set_by)}")
    return " · ".join(parts)


def _project_buttons(project: ProjectRow) -> list[Block]:
    value = str(project.id)
    if project.key is None:
        return [button(text("keys.add_button"), ids.action_id(ids.KEYS_REPLACE, project.id), value)]
    revoke = button(
        text("keys.revoke_button"),
        ids.action_id(ids.KEYS_REVOKE, project.id),
        value,
        style="danger",
    )
    revoke["confirm"] = {
        "title": plain(text("keys.revoke_confirm_title"), MAX_CONFIRM_TITLE),
        "text": mrkdwn(
            text("keys.revoke_confirm_text", masked=shown_key(project.key.masked)),
            MAX_CONFIRM_TEXT,
        ),
        "confirm": plain(text("keys.revoke_confirm_button"), MAX_CONFIRM_BUTTON),
        "deny": plain(text("keys.revoke_deny_button"), MAX_CONFIRM_BUTTON),
        "style": "danger",
    }
    return [
        button(text("keys.test_button"), ids.action_id(ids.KEYS_TEST, project.id), value),
        button(text("keys.replace_button"), ids.action_id(ids.KEYS_REPLACE, project.id), value),
        revoke,
    ]


def _audit_line(event: AuditEvent) -> str:
    parts = [slack_date(event.created_at), person(event.actor), f"`{escape(event.action)}`"]
    if event.project_name:
        parts.append(f"*{escape(project_label(event.project_name))}*")
    parts.append(f"`{escape(event.outcome)}`")
    if event.fingerprint_id:
        parts.append(f"{text('key_audit.key_id')} `{escape(event.fingerprint_id)}`")
    return " · ".join(parts)


def _pack(lines: Sequence[str], max_sections: int) -> tuple[list[Block], int]:
    """Lines joined into sections of at most 3000 characters; (sections, lines used)."""
    sections: list[Block] = []
    chunk: list[str] = []
    used = 0
    for line in lines:
        if chunk and len("\n".join([*chunk, line])) > MAX_SECTION_TEXT:
            if len(sections) + 1 == max_sections:
                break
            sections.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(truncate(line, MAX_SECTION_TEXT))
        used += 1
    if chunk:
        sections.append(section("\n".join(chunk)))
    return sections, used


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
