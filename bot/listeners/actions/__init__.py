from __future__ import annotations

from slack_bolt import Ack, App

from bot.listeners.actions.answer_feedback import rate_answer
from bot.listeners.actions.guide_navigation import (
    open_step,
    show_entry,
    show_help,
    show_overview,
)
from bot.listeners.actions.guide_progress import mark_done, mark_undone
from bot.listeners.actions.leak_watch_setting import (
    alerts_by_dm,
    change_leak_watch,
    change_live_check,
    pick_alert_channel,
)
from bot.listeners.actions.organization import link_project
from bot.listeners.actions.project_creation import change_project_creation
from bot.listeners.actions.rotation import change_rotation_period, open_rotate_dialog
from bot.listeners.actions.team_keys import open_key_modal, replace_key, revoke_key, test_key
from bot.ui import actions


def register(app: App) -> None:
    """Every button is acknowledged at once and handled as slow work after the ack.

    Slack wants the ack within 3 seconds, and the work (a database write, a Slack call, an
    OpenAI check for Test) may take longer. Running it lazily also puts its failures in
    front of the person (``ReportingLazyListenerRunner``): a Bolt listener that acks and
    then fails at once can lose its acknowledgement (Bolt's runner resets it while
    handling the error, and the request is answered 404).
    """
    for pattern, work in (
        (actions.OPEN_STEP_PATTERN, open_step),
        (actions.SHOW_OVERVIEW_PATTERN, show_overview),
        (actions.SHOW_HELP_PATTERN, show_help),
        (actions.SHOW_ENTRY_PATTERN, show_entry),
        (actions.MARK_DONE_PATTERN, mark_done),
        (actions.MARK_UNDONE_PATTERN, mark_undone),
        (actions.OPEN_KEY_MODAL_PATTERN, open_key_modal),
        (actions.KEYS_REPLACE_PATTERN, replace_key),
        (actions.KEYS_TEST_PATTERN, test_key),
        (actions.KEYS_REVOKE_PATTERN, revoke_key),
        (actions.PROJECT_CREATION_PATTERN, change_project_creation),
        (actions.ANSWER_FIXED_PATTERN, rate_answer),
        (actions.ANSWER_NOT_IT_PATTERN, rate_answer),
        (actions.LEAK_WATCH_PATTERN, change_leak_watch),
        (actions.LEAK_LIVE_CHECK_PATTERN, change_live_check),
        (actions.LEAK_ALERT_CHANNEL_PATTERN, pick_alert_channel),
        (actions.LEAK_ALERT_DM_PATTERN, alerts_by_dm),
        (actions.ORG_LINK_PROJECT_PATTERN, link_project),
        (actions.ORG_ROTATE_PATTERN, open_rotate_dialog),
        (actions.ORG_ROTATION_PERIOD_PATTERN, change_rotation_period),
    ):
        app.action(pattern)(ack=acknowledge, lazy=[work])


def acknowledge(ack: Ack) -> None:
    ack()
