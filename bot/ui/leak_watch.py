"""Block Kit of the leak watch: the private nudge to the author, the alert to maintainers,
the "compromised" line of the key list, and the admins' settings on App Home.

Nothing here gets a key: only its mask. Slack ids become mentions in code (never from
text a person typed), and the permalink is Slack's own answer to ``chat.getPermalink``.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.keys.leak_watch import ACTIVE, REJECTED, Sighting
from bot.store.leaks import WatchSetting
from bot.ui import actions as ids
from bot.ui.blocks import Block, actions, button, context, section
from bot.ui.guide import key_modal_button
from bot.ui.key_list import person, slack_date
from bot.ui.key_results import project_label
from bot.ui.messages import text
from bot.ui.mrkdwn import link

_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,20}\Z")
_PERMALINK = re.compile(r"https://[A-Za-z0-9.-]+\.slack\.com/[^\s<>|]{1,400}\Z")


def render_nudge(masked: str, project_name: str | None, live_status: str | None) -> list[Block]:
    """The ephemeral message to the person who posted a key."""
    blocks = [
        section(text("leak_watch.nudge_title", masked=masked)),
        section(text("leak_watch.nudge_private")),
    ]
    live = _live_line(live_status)
    if live:
        blocks.append(section(live))
    blocks.append(
        section(
            text("leak_watch.nudge_todo"),
            accessory=key_modal_button(
                text("leak_watch.nudge_button"), project_name or "", primary=True
            ),
        )
    )
    if project_name:
        told = text("leak_watch_live.nudge_project", project=project_label(project_name))
        blocks.append(section(told))
    blocks.append(context(text("leak_watch.nudge_delete")))
    return blocks


def render_live_note(masked: str, live_status: str) -> list[Block]:
    """The live check's answer, sent to the author after the nudge (ephemeral messages cannot
    be updated in place)."""
    return [
        context(text("leak_watch_live.about", masked=masked)),
        section(_live_line(live_status) or text("leak_watch.live_unknown")),
    ]


def render_alert(sighting: Sighting, replaced: tuple[str, datetime] | None = None) -> list[Block]:
    """The alert to maintainers and admins (DM or the alert channel); with ``replaced`` (who,
    when) it is the same alert closed, as ``chat.update`` shows it in place."""
    if sighting.project_name:
        title = text(
            "leak_watch.alert_project",
            project=project_label(sighting.project_name),
            masked=sighting.masked,
        )
    else:
        title = text("leak_watch.alert_other", masked=sighting.masked)
    blocks = [section(title), context(where_line(sighting))]
    if replaced is not None:
        who, when = replaced
        project = project_label(sighting.project_name or "")
        done = f"{text('leak_watch.replaced', project=project)} {text('leak_watch.replaced_by')}"
        blocks.append(section(f"{done} {person(who)} · {slack_date(when)}"))
        return blocks
    live = _live_line(sighting.live_status)
    if live:
        blocks.append(section(live))
    blocks.append(section(text("leak_watch.alert_todo")))
    return blocks


def where_line(sighting: Sighting) -> str:
    """Who posted, where, when, how often, and a link to the message — never its text."""
    parts = [f"{text('leak_watch.posted_by')} {person(sighting.posted_by)}"]
    if _CHANNEL_ID.match(sighting.channel_id):
        parts.append(f"<#{sighting.channel_id}>")
    parts.append(slack_date(sighting.created_at))
    if sighting.seen_count > 1:
        parts.append(text("leak_watch.seen_times", count=sighting.seen_count))
    if sighting.permalink and _PERMALINK.match(sighting.permalink):
        parts.append(link(sighting.permalink, text("leak_watch.open_message")))
    return " · ".join(parts)


def compromised_line(sighting: Sighting) -> str:
    """The key list's status line of a compromised project."""
    return f"{text('leak_watch.status_compromised')} · {where_line(sighting)}"


def render_watch_setting(setting: WatchSetting) -> list[Block]:
    """App Home, admins only: the watch on/off, the live check on/off, the alert channel."""
    if setting.enabled:
        watch = section(
            text("leak_watch.setting_on"),
            accessory=button(text("leak_watch.setting_turn_off"), ids.LEAK_WATCH, ids.SETTING_OFF),
        )
    else:
        watch = section(
            text("leak_watch.setting_off"),
            accessory=button(text("leak_watch.setting_turn_on"), ids.LEAK_WATCH, ids.SETTING_ON),
        )
    live_key, flip_key, flip_value = (
        ("leak_watch.setting_live_on", "leak_watch.setting_turn_off", ids.SETTING_OFF)
        if setting.live_check
        else ("leak_watch.setting_live_off", "leak_watch.setting_turn_on", ids.SETTING_ON)
    )
    live = section(
        text(live_key), accessory=button(text(flip_key), ids.LEAK_LIVE_CHECK, flip_value)
    )
    picker: Block = {
        "type": "conversations_select",
        "action_id": ids.LEAK_ALERT_CHANNEL,
        "placeholder": {"type": "plain_text", "text": text("leak_watch.setting_pick_channel")},
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    channel = setting.alert_channel
    if channel and _CHANNEL_ID.match(channel):
        picker["initial_conversation"] = channel
        where = section(text("leak_watch.setting_alert_channel", channel="") + f"<#{channel}>")
        where_blocks = [
            where,
            actions([picker, button(text("leak_watch.setting_use_dm"), ids.LEAK_ALERT_DM)]),
        ]
    else:
        where_blocks = [section(text("leak_watch_live.setting_alert_dm")), actions([picker])]
    return [watch, live, *where_blocks, context(text("leak_watch.setting_note"))]


def _live_line(live_status: str | None) -> str | None:
    if live_status == ACTIVE:
        return text("leak_watch.live_active")
    if live_status == REJECTED:
        return text("leak_watch.live_rejected")
    if live_status is not None:
        return text("leak_watch.live_unknown")
    return None
