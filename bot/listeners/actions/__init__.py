from __future__ import annotations

from slack_bolt import App

from bot.listeners.actions.guide_navigation import open_step, show_help, show_overview
from bot.listeners.actions.guide_progress import mark_done, mark_undone
from bot.listeners.actions.project_creation import change_project_creation
from bot.listeners.actions.team_keys import (
    acknowledge,
    open_key_modal,
    replace_key,
    revoke_key,
    test_key,
)
from bot.ui import actions


def register(app: App) -> None:
    app.action(actions.OPEN_STEP_PATTERN)(open_step)
    app.action(actions.SHOW_OVERVIEW_PATTERN)(show_overview)
    app.action(actions.SHOW_HELP_PATTERN)(show_help)
    app.action(actions.MARK_DONE_PATTERN)(mark_done)
    app.action(actions.MARK_UNDONE_PATTERN)(mark_undone)
    app.action(actions.OPEN_KEY_MODAL_PATTERN)(open_key_modal)
    app.action(actions.KEYS_REPLACE_PATTERN)(replace_key)
    # The test sends a request to OpenAI: ack at once, run it on the slow-work pool.
    app.action(actions.KEYS_TEST_PATTERN)(ack=acknowledge, lazy=[test_key])
    app.action(actions.KEYS_REVOKE_PATTERN)(revoke_key)
    app.action(actions.PROJECT_CREATION_PATTERN)(change_project_creation)
