"""Block Kit for "Rotate now": the button, the dialog, its answers and the announcement."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.keys.reminders import ROTATION_CHOICES
from bot.org.key_rotation import Announcement, Start
from bot.ui.actions import ORG_ROTATE, ORG_ROTATION_PERIOD, action_id
from bot.ui.blocks import Block, button, context, plain, section
from bot.ui.messages import text
from bot.ui.mrkdwn import MAX_MODAL_TITLE

ROTATE_CALLBACK_ID = "org_rotate_modal"
ROTATE_RESULT_CALLBACK_ID = "org_rotate_result"
BLOCK_GRACE = "grace"
BLOCK_EXPIRY = "expiry"
EXPIRY_OPTIONS = (
    ("none", "rotate.expiry_never"),
    ("30", "rotate.expiry_30"),
    ("90", "rotate.expiry_90"),
)
INPUT_ACTION_ID = "value"
GRACE_OPTIONS = (("0", "rotate.grace_now"), ("1", "rotate.grace_day"), ("7", "rotate.grace_week"))
START_MESSAGES = {
    Start.REFUSED: "rotate.refused",
    Start.NOT_CONNECTED: "rotate.not_connected",
    Start.NOT_LINKED: "rotate.not_linked",
    Start.NO_KEY: "rotate.no_key",
    Start.IN_PROGRESS: "rotate.in_progress",
    Start.INVALID: "rotate.not_linked",
}


def rotate_blocks(linked: Sequence[tuple[int, str, str]]) -> list[Block]:
    """For admins: a "Rotate now" button per linked project with a stored key."""
    if not linked:
        return []
    blocks: list[Block] = [section(text("rotate.section"))]
    for project_id, name, openai_id in linked:
        blocks.append(
            section(
                text("rotate.project_line", project=name, openai_id=openai_id),
                accessory=button(
                    text("rotate.button"), action_id(ORG_ROTATE, project_id), str(project_id)
                ),
            )
        )
    return blocks


def rotation_period_block(days: int) -> Block:
    options = [
        {"text": plain(text("rotate.period_option", days=choice), 75), "value": str(choice)}
        for choice in ROTATION_CHOICES
    ]
    selected = next((o for o in options if o["value"] == str(days)), None)
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": ORG_ROTATION_PERIOD,
        "options": options,
    }
    if selected is not None:
        element["initial_option"] = selected
    return section(text("rotate.period_label"), accessory=element)


def render_rotate_modal(project_id: int, project: str, openai_id: str) -> dict[str, Any]:
    options = [{"text": plain(text(label), 75), "value": value} for value, label in GRACE_OPTIONS]
    expiry = [{"text": plain(text(label), 75), "value": value} for value, label in EXPIRY_OPTIONS]
    blocks: list[Block] = [
        section(text("rotate.intro", project=project, openai_id=openai_id)),
        {
            "type": "input",
            "block_id": BLOCK_GRACE,
            "label": plain(text("rotate.grace_label"), 2000),
            "element": {
                "type": "radio_buttons",
                "action_id": INPUT_ACTION_ID,
                "options": options,
                "initial_option": options[1],
            },
        },
        {
            "type": "input",
            "block_id": BLOCK_EXPIRY,
            "optional": True,
            "label": plain(text("rotate.expiry_label"), 2000),
            "element": {
                "type": "radio_buttons",
                "action_id": INPUT_ACTION_ID,
                "options": expiry,
                "initial_option": expiry[0],
            },
        },
    ]
    view = _modal(blocks, ROTATE_CALLBACK_ID)
    view["private_metadata"] = str(project_id)
    view["submit"] = plain(text("rotate.submit"), MAX_MODAL_TITLE)
    view["close"] = plain(text("rotate.cancel"), MAX_MODAL_TITLE)
    return view


def chosen_grace(values: Mapping[str, Any]) -> int | None:
    block = values.get(BLOCK_GRACE)
    state = block.get(INPUT_ACTION_ID) if isinstance(block, Mapping) else None
    option = state.get("selected_option") if isinstance(state, Mapping) else None
    value = option.get("value") if isinstance(option, Mapping) else None
    return int(value) if value in ("0", "1", "7") else None


def chosen_expiry(values: Mapping[str, Any]) -> int | None:
    """Days until the new key expires; None (never) for anything but 30 or 90."""
    block = values.get(BLOCK_EXPIRY)
    state = block.get(INPUT_ACTION_ID) if isinstance(block, Mapping) else None
    option = state.get("selected_option") if isinstance(state, Mapping) else None
    value = option.get("value") if isinstance(option, Mapping) else None
    return int(value) if value in ("30", "90") else None


def render_rotate_message(message_key: str, **values: object) -> dict[str, Any]:
    return _modal([section(text(message_key, **values))])


def render_announcement(announcement: Announcement) -> list[Block]:
    if not announcement.old_key_known:
        old = text("rotate.old_unknown")
    elif announcement.grace_days == 0:
        old = text("rotate.old_now")
    else:
        old = text("rotate.old_later", days=announcement.grace_days)
    return [
        section(
            text(
                "rotate.announced",
                project=announcement.project_name,
                masked=announcement.masked,
                team=announcement.workspace.team_id,
            )
        ),
        context(old),
    ]


def _modal(blocks: list[Block], callback_id: str = ROTATE_RESULT_CALLBACK_ID) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(text("rotate.modal_title"), MAX_MODAL_TITLE),
        "close": plain(text("rotate.close"), MAX_MODAL_TITLE),
        "blocks": blocks,
    }
