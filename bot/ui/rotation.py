"""Messages about rotating keys: the weekly reminder."""

from __future__ import annotations

from bot.keys.reminders import Reminder
from bot.ui.actions import OPEN_KEY_MODAL
from bot.ui.blocks import Block, actions, button, context, section
from bot.ui.messages import text


def render_reminder(reminder: Reminder, *, connected: bool) -> list[Block]:
    blocks = [
        section(
            text(
                "rotation.reminder",
                project=reminder.project_name,
                masked=reminder.masked,
                age=reminder.age_days,
                period=reminder.rotation_days,
            )
        )
    ]
    if connected and reminder.linked:
        blocks.append(section(text("rotation.reminder_connected")))
    else:
        blocks.append(section(text("rotation.reminder_by_hand")))
        blocks.append(
            actions(
                [button(text("rotation.replace_button"), OPEN_KEY_MODAL, reminder.project_name)]
            )
        )
    blocks.append(context(text("rotation.reminder_why", project=reminder.project_name)))
    return blocks
