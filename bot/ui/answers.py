"""Block Kit for troubleshooting: answers, the topic list, and the leaked-key warning."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from bot.guide.model import Answer, Entry, Match, Step
from bot.rules.question_text import redact_question
from bot.ui import actions as ids
from bot.ui.blocks import Block, actions, button, context, divider, header, section
from bot.ui.feedback import feedback_actions
from bot.ui.guide import links_line
from bot.ui.messages import text, text_in
from bot.ui.mrkdwn import MAX_SECTION_TEXT, one_line, sanitize, truncate

MAX_MATCHES_SHOWN = 3
MIN_CANDIDATES = 2  # one weak match is no choice: below this the topic list is shown instead
MAX_QUERY_ECHO = 200
MAX_TOPIC_TITLE = 150
MAX_TOPIC_SECTIONS = 12
MAX_FALLBACK_TEXT = 300

_MRKDWN_LINK = re.compile(r"<([^<>|]+)\|([^<>]*)>|<([^<>|]+)>")
_EMOJI_CODE = re.compile(r":[a-z0-9_+-]+:")
# Bold, strike and code markers; underscores only at word edges (keep insufficient_quota).
_FORMATTING = re.compile(r"[*~`]|(?<!\w)_|_(?!\w)")
# What Slack would turn into a link or a mention in a message's top-level text, which has
# no "verbatim": URLs, host names (evil.example), e-mail addresses, @names.
_LINKABLE = re.compile(r"://|www\.|@|[A-Za-z0-9]\.[A-Za-z]{2}")


def render_answer(
    answer: Answer,
    steps: Sequence[Step],
    *,
    entries: Sequence[Entry] = (),
    feedback_token: str | None = None,
    locale: str = "en",
) -> list[Block]:
    """The reply to a question: the best matches with their fixes, or an honest "not sure".

    ``entries`` are all troubleshooting entries; they are listed as topics when no match is
    good enough. ``feedback_token``: a confident answer then ends with "That fixed it" /
    "Not it" buttons carrying it.
    """
    if not answer.confident or not answer.matches:
        return _render_not_sure(answer, steps, entries, locale)
    by_number = {step.number: step for step in steps}
    blocks: list[Block] = []
    echo = _query_echo(answer, locale)
    if echo:
        blocks.append(context(echo))
    shown = answer.matches[:MAX_MATCHES_SHOWN]
    for position, match in enumerate(shown, 1):
        blocks.extend(_match_blocks(match, position, by_number, locale))
        if position < len(shown):
            blocks.append(divider())
    blocks.append(context(text_in(locale, "answer.not_it")))
    if feedback_token:
        blocks.append(feedback_actions(feedback_token))
    return blocks


def entries_on_screen(answer: Answer) -> tuple[str, ...]:
    """The entry ids the benchmarks count as on screen for ``answer``: the confident answer's
    first entry, or the buttons of "Is it one of these?", which ``_render_not_sure`` offers
    only from ``MIN_CANDIDATES`` options on (with fewer it lists every topic)."""
    shown = answer.matches[:1] if answer.confident else _choices(answer)
    return tuple(match.entry.id for match in shown)


def _choices(answer: Answer) -> Sequence[Match]:
    """The matches "Is it one of these?" offers as buttons: none below ``MIN_CANDIDATES``."""
    candidates = answer.matches[:MAX_MATCHES_SHOWN]
    return candidates if len(candidates) >= MIN_CANDIDATES else ()


def render_help(
    entries: Sequence[Entry], *, steps: Sequence[Step] = (), locale: str = "en"
) -> list[Block]:
    """Every troubleshooting topic by title (grouped by step when ``steps`` are given)."""
    return [
        header(text_in(locale, "help.topics_header")),
        section(text_in(locale, "help.topics_intro")),
        *topic_blocks(entries, steps, locale),
        context(text_in(locale, "help.examples")),
    ]


def render_key_in_text_warning() -> list[Block]:
    """What to do after someone typed an API key into a message: it is leaked, revoke it."""
    return [
        section(f"{text('key_warning.title')}\n{text('key_warning.body')}"),
        section(text("key_warning.todo")),
        context(text("key_warning.handover")),
    ]


def fallback_text(blocks: Sequence[Block]) -> str:
    """A short plain line for chat.postMessage's ``text`` (notifications, screen readers).

    Takes the first header, else the first section, else the first context text. The
    top-level text cannot be verbatim, so words Slack would make a link of (a URL a member
    typed into a project name or a question) are left out.
    """
    for kind in ("header", "section", "context"):
        for block in blocks:
            if block.get("type") == kind:
                found = _block_text(block)
                if found:
                    return truncate(_unlinkable(_plain(found)), MAX_FALLBACK_TEXT)
    return text("fallback.default")


def topic_blocks(
    entries: Sequence[Entry], steps: Sequence[Step] = (), locale: str = "en"
) -> list[Block]:
    """Entry titles as bullet lines packed into a few sections of at most 3000 characters."""
    if not entries:
        return [context(text_in(locale, "help.topics_empty"))]
    blocks: list[Block] = []
    chunk: list[str] = []
    listed = 0
    for heading, titles in _grouped(entries, steps, locale):
        lines = ([heading] if heading else []) + [f"• {title}" for title in titles]
        for line in lines:
            if len("\n".join([*chunk, line])) > MAX_SECTION_TEXT:
                if len(blocks) + 1 == MAX_TOPIC_SECTIONS:
                    return [*blocks, *_last_topics(chunk, len(entries) - listed, locale)]
                carried = [chunk.pop()] if chunk and not chunk[-1].startswith("•") else []
                blocks.append(section("\n".join(chunk)))
                chunk = carried
            chunk.append(line)
            listed += line.startswith("•")
    blocks.append(section("\n".join(chunk)))
    return blocks


def _last_topics(chunk: list[str], remaining: int, locale: str) -> list[Block]:
    while chunk and not chunk[-1].startswith("•"):
        chunk.pop()  # a group heading with no titles under it
    return [
        section("\n".join(chunk)),
        context(text_in(locale, "help.topics_more", count=remaining)),
    ]


def _grouped(
    entries: Sequence[Entry], steps: Sequence[Step], locale: str
) -> list[tuple[str, list[str]]]:
    """(heading, titles) pairs: one group per step that has entries, then "Other"."""
    if not steps:
        return [("", [_topic_title(entry) for entry in entries])]
    groups: list[tuple[str, list[str]]] = []
    for step in steps:
        members = [_topic_title(entry) for entry in entries if entry.step == step.number]
        if members:
            heading = text_in(locale, "help.group_step", number=step.number, title=step.title)
            groups.append((heading, members))
    known = {step.number for step in steps}
    others = [_topic_title(entry) for entry in entries if entry.step not in known]
    if others:
        groups.append((text_in(locale, "help.group_other"), others))
    return groups


def _topic_title(entry: Entry) -> str:
    return truncate(one_line(sanitize(entry.title)), MAX_TOPIC_TITLE)


def _render_not_sure(
    answer: Answer, steps: Sequence[Step], entries: Sequence[Entry], locale: str
) -> list[Block]:
    lines = [text_in(locale, "answer.not_sure")]
    echo = _query_echo(answer, locale)
    if echo:
        lines.append(echo)
    candidates = _choices(answer)
    if candidates:
        # The engine ranked a few entries close together: offer those, not all the topics.
        buttons = [
            button(
                one_line(match.entry.title),  # the builder cuts it to Slack's button limit
                ids.action_id(ids.SHOW_ENTRY, position),
                match.entry.id,
            )
            for position, match in enumerate(candidates, 1)
        ]
        return [
            section("\n".join(lines)),
            section(text_in(locale, "answer.one_of_these")),
            actions(buttons),
            context(text_in(locale, "answer.none_of_these")),
            actions(
                [
                    button(text_in(locale, "help.button"), ids.SHOW_HELP),
                    button(text_in(locale, "answer.overview_button"), ids.SHOW_OVERVIEW),
                ]
            ),
        ]
    if entries:
        topics = [
            context(text_in(locale, "answer.not_sure_next")),
            *topic_blocks(entries, steps, locale),
        ]
    else:
        topics = [context(text_in(locale, "answer.not_sure_ask_help"))]
    return [
        section("\n".join(lines)),
        *topics,
        context(text_in(locale, "help.examples")),
        actions(
            [
                button(text_in(locale, "help.button"), ids.SHOW_HELP),
                button(text_in(locale, "answer.overview_button"), ids.SHOW_OVERVIEW),
            ]
        ),
    ]


def _match_blocks(match: Match, position: int, steps: dict[int, Step], locale: str) -> list[Block]:
    entry = match.entry
    step = steps.get(entry.step) if entry.step is not None else None
    fix = sanitize(entry.fix).lstrip()
    # A fix written as bullets starts on its own line, so every bullet lines up in Slack.
    fix_separator = "\n" if fix.startswith("•") else " "
    lines = [
        f"*{sanitize(entry.title)}*",
        f"{text_in(locale, 'answer.cause_label')} {sanitize(entry.cause)}",
        f"{text_in(locale, 'answer.fix_label')}{fix_separator}{fix}",
    ]
    accessory = None
    details: list[str] = []
    if step is not None:
        accessory = button(
            text_in(locale, "answer.open_step_button", number=step.number),
            ids.action_id(ids.OPEN_STEP, position),
            str(step.number),
        )
        details.append(
            text_in(locale, "answer.fixed_in_step", number=step.number, title=step.title)
        )
    if entry.links:
        details.append(f"{text_in(locale, 'answer.links_label')} {links_line(entry.links)}")
    blocks = [section("\n".join(lines), accessory=accessory)]
    if details:
        blocks.append(context(*details))
    return blocks


def _query_echo(answer: Answer, locale: str) -> str:
    """The question, on one line, cut to 200 characters and escaped; "" when blank."""
    query = redact_question(answer.query, MAX_QUERY_ECHO)
    if not query:
        return ""
    echo = text_in(locale, "answer.you_asked", query=truncate(query, MAX_QUERY_ECHO))
    if answer.matched_codes:
        codes = ", ".join(answer.matched_codes[:5])
        echo += " · " + text_in(locale, "answer.matched_code", code=truncate(codes, MAX_QUERY_ECHO))
    return echo


def _block_text(block: Block) -> str:
    if block.get("type") == "context":
        elements: Iterable[Any] = block.get("elements", [])
        return next((element.get("text", "") for element in elements if "text" in element), "")
    text_object = block.get("text")
    return text_object.get("text", "") if isinstance(text_object, dict) else ""


def _unlinkable(line: str) -> str:
    return " ".join("…" if _LINKABLE.search(word) else word for word in line.split())


def _plain(mrkdwn: str) -> str:
    """mrkdwn made readable as plain text; entities stay escaped (``text`` is mrkdwn too)."""
    readable = _MRKDWN_LINK.sub(
        lambda found: found.group(2) or found.group(1) or found.group(3), mrkdwn
    )
    readable = _EMOJI_CODE.sub("", readable)
    return one_line(_FORMATTING.sub("", readable))
