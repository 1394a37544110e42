"""Block Kit for a key submission or Test stopped before OpenAI: a limit, or new projects
kept to admins (``bot.keys.limits``), with the Home tab's setting for that choice."""

from __future__ import annotations

from bot.keys.limits import Hold, HoldReason
from bot.ui import actions as ids
from bot.ui.blocks import Block, button, context, section
from bot.ui.key_results import project_label
from bot.ui.messages import text


def render_held(hold: Hold, project_name: str) -> list[Block]:
    """Why nothing was checked, and what to do; the limit's number, never anyone's usage."""
    if hold.reason is HoldReason.CREATION_CLOSED:
        closed = text("key_hold.creation_closed", project=project_label(project_name))
        return [section(closed), context(text("key_hold.creation_closed_who"))]
    return [
        section(text(f"key_hold.{hold.reason}", limit=hold.limit)),
        context(text("key_hold.nothing_sent")),
    ]


def render_creation_setting(members_may_create: bool) -> list[Block]:
    """App Home, admins only: who may add projects, and a button that flips it.

    The button's value is the state it asks for (``members`` / ``admins``), so a click on an
    old Home tab cannot flip the setting back by accident.
    """
    if members_may_create:
        state = text("workspace_setting.creation_open")
        flip = button(
            text("workspace_setting.close_button"), ids.PROJECT_CREATION, ids.CREATION_ADMINS
        )
    else:
        state = text("workspace_setting.creation_closed")
        flip = button(
            text("workspace_setting.open_button"), ids.PROJECT_CREATION, ids.CREATION_MEMBERS
        )
    return [section(state, accessory=flip), context(text("workspace_setting.admins_only"))]
