"""Block Kit for the setup guide: the overview, one step in full, and the App Home."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.guide.model import Link, Step
from bot.ui import actions as ids
from bot.ui.blocks import Block, ButtonStyle, actions, button, context, divider, header, section
from bot.ui.messages import text_in
from bot.ui.mrkdwn import (
    MAX_BLOCKS_VIEW,
    MAX_BUTTON_VALUE,
    MAX_SECTION_TEXT,
    link,
    sanitize,
    truncate,
)

DONE_MARK = ":white_check_mark:"
TODO_MARK = ":white_large_square:"
WARNING_MARK = ":warning:"
KEY_STEP = "key"  # the step whose view offers the key dialog


def render_overview(
    steps: Sequence[Step], completed: frozenset[int], *, locale: str = "en"
) -> list[Block]:
    """The `/openai-setup` overview: every step with its state and an Open button."""
    return [
        header(text_in(locale, "overview.title")),
        section(text_in(locale, "overview.intro")),
        divider(),
        *(
            _checklist_row(step, step.number in completed, with_summary=True, locale=locale)
            for step in steps
        ),
        context(progress_line(steps, completed, locale)),
        divider(),
        _key_submission(locale),
        context(text_in(locale, "help.hint")),
    ]


def render_step(
    step: Step, steps: Sequence[Step], *, done: bool, locale: str = "en"
) -> list[Block]:
    """One step in full: instructions, warnings, links and the navigation buttons."""
    blocks: list[Block] = [
        header(
            text_in(locale, "step.header", number=step.number, total=len(steps), title=step.title)
        ),
        section(sanitize(step.body)),
    ]
    if step.warnings:
        lines = [f"{WARNING_MARK} {sanitize(warning)}" for warning in step.warnings]
        blocks.append(section("\n".join([text_in(locale, "step.warnings_label"), *lines])))
    if step.links:
        blocks.append(context(f"{text_in(locale, 'step.links_label')} {links_line(step.links)}"))
    if done:
        blocks.append(context(text_in(locale, "step.done_note")))
    blocks.append(actions(_step_buttons(step, steps, done=done, locale=locale)))
    return blocks


def render_home(
    steps: Sequence[Step],
    completed: frozenset[int],
    *,
    extra_blocks: list[Block] | None = None,
    locale: str = "en",
) -> dict[str, Any]:
    """The App Home tab: the person's checklist, then ``extra_blocks`` (e.g. team keys).

    ``extra_blocks`` that would push the view over Slack's 100 blocks are cut, with a note.
    """
    blocks: list[Block] = [
        header(text_in(locale, "home.title")),
        section(text_in(locale, "home.intro")),
        *(
            _checklist_row(step, step.number in completed, with_summary=False, locale=locale)
            for step in steps
        ),
        context(progress_line(steps, completed, locale)),
        _key_submission(locale),
        context(text_in(locale, "help.hint")),
    ]
    extra = list(extra_blocks or [])
    if extra:
        blocks.append(divider())
        room = MAX_BLOCKS_VIEW - len(blocks)
        if len(extra) > room:
            hidden = len(extra) - (room - 1)
            extra = [
                *extra[: room - 1],
                context(text_in(locale, "home.more_not_shown", count=hidden)),
            ]
        blocks.extend(extra)
    return {"type": "home", "blocks": blocks}


def progress_line(steps: Sequence[Step], completed: frozenset[int], locale: str = "en") -> str:
    """ "3 of 7 steps done", counting only numbers that are real steps."""
    done = sum(1 for step in steps if step.number in completed)
    if steps and done == len(steps):
        return text_in(locale, "overview.progress_complete", total=len(steps))
    return text_in(locale, "overview.progress", done=done, total=len(steps))


def links_line(links: Sequence[Link]) -> str:
    """Links as mrkdwn, separated by middle dots."""
    return " · ".join(link(item.url, item.label) for item in links)


def key_modal_button(
    label: str, project: str = "", *, suffix: int | None = None, primary: bool = False
) -> Block:
    """A button that opens the key dialog, pre-selecting ``project`` when it fits a value."""
    value = project if len(project) <= MAX_BUTTON_VALUE else ""
    style: ButtonStyle | None = "primary" if primary else None
    return button(label, ids.action_id(ids.OPEN_KEY_MODAL, suffix), value, style=style)


def _checklist_row(step: Step, done: bool, *, with_summary: bool, locale: str) -> Block:
    mark = DONE_MARK if done else TODO_MARK
    line = f"{mark} *{step.number}. {sanitize(step.title)}*"
    if with_summary:
        line += f"\n{sanitize(step.summary)}"
    open_button = button(
        text_in(locale, "overview.open_button"),
        ids.action_id(ids.OPEN_STEP, step.number),
        str(step.number),
    )
    return section(truncate(line, MAX_SECTION_TEXT), accessory=open_button)


def _key_submission(locale: str) -> Block:
    return section(
        text_in(locale, "overview.submit_key_intro"),
        accessory=key_modal_button(text_in(locale, "overview.submit_key_button"), primary=True),
    )


def _step_buttons(step: Step, steps: Sequence[Step], *, done: bool, locale: str) -> list[Block]:
    numbers = {item.number for item in steps}
    previous, following = step.number - 1, step.number + 1
    buttons: list[Block] = []
    if previous in numbers:
        buttons.append(_open_step_button(text_in(locale, "step.back_button"), previous))
    if following in numbers:
        buttons.append(
            _open_step_button(text_in(locale, "step.next_button"), following, primary=True)
        )
    label, base = (
        (text_in(locale, "step.mark_undone_button"), ids.MARK_UNDONE)
        if done
        else (text_in(locale, "step.mark_done_button"), ids.MARK_DONE)
    )
    buttons.append(button(label, ids.action_id(base, step.number), str(step.number)))
    buttons.append(button(text_in(locale, "step.overview_button"), ids.SHOW_OVERVIEW))
    if step.key == KEY_STEP:
        buttons.append(key_modal_button(text_in(locale, "step.submit_key_button")))
    return buttons


def _open_step_button(label: str, number: int, *, primary: bool = False) -> Block:
    return button(
        label,
        ids.action_id(ids.OPEN_STEP, number),
        str(number),
        style="primary" if primary else None,
    )
