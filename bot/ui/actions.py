"""Action ids of the buttons the views render, and the patterns listeners register.

Slack wants action ids unique within a message, so when a message holds several buttons of
one kind they get a numeric suffix: ``guide_open_step:3``. The suffix only keeps ids apart;
listeners read what to do from the button's ``value`` and match the id with the patterns
below, e.g. ``app.action(OPEN_STEP_PATTERN)(open_step)``.
"""

from __future__ import annotations

import re

OPEN_STEP = "guide_open_step"  # value: the step number, e.g. "3"
MARK_DONE = "guide_mark_done"  # value: the step number
MARK_UNDONE = "guide_mark_undone"  # value: the step number
SHOW_OVERVIEW = "guide_show_overview"  # no value
SHOW_HELP = "guide_show_help"  # no value
SHOW_ENTRY = "guide_show_entry"  # value: a troubleshooting entry id, e.g. "key-leaked"
OPEN_KEY_MODAL = "keys_open_modal"  # value: a project name, or absent when none is known
KEYS_TEST = "keys_test"  # value: the project id, e.g. "12"
KEYS_REPLACE = "keys_replace"  # value: the project id
KEYS_REVOKE = "keys_revoke"  # value: the project id (the button asks for confirmation)
PROJECT_CREATION = "workspace_project_creation"  # value: CREATION_MEMBERS or CREATION_ADMINS
CREATION_MEMBERS = "members"  # anyone may create a project
CREATION_ADMINS = "admins"  # only admins may
ANSWER_FIXED = "answer_fixed"  # value: the opaque token of the asked question
ANSWER_NOT_IT = "answer_not_it"  # value: the opaque token of the asked question
FEEDBACK_BLOCK = "answer_feedback"  # block_id of the actions block holding the two above
ORG_LINK_PROJECT = "org_link_project"  # a static select; the suffix is the project id
ORG_ROTATE = "org_rotate"  # value: the project id (opens the rotation dialog)
ORG_ROTATION_PERIOD = "org_rotation_period"  # a static select; option value: days


_ASCII_DIGITS = re.compile(r"[0-9]+")


def _pattern(base: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(base)}(:[0-9]{{1,11}})?\Z")


OPEN_STEP_PATTERN = _pattern(OPEN_STEP)
MARK_DONE_PATTERN = _pattern(MARK_DONE)
MARK_UNDONE_PATTERN = _pattern(MARK_UNDONE)
SHOW_OVERVIEW_PATTERN = _pattern(SHOW_OVERVIEW)
SHOW_HELP_PATTERN = _pattern(SHOW_HELP)
SHOW_ENTRY_PATTERN = _pattern(SHOW_ENTRY)
OPEN_KEY_MODAL_PATTERN = _pattern(OPEN_KEY_MODAL)
KEYS_TEST_PATTERN = _pattern(KEYS_TEST)
KEYS_REPLACE_PATTERN = _pattern(KEYS_REPLACE)
KEYS_REVOKE_PATTERN = _pattern(KEYS_REVOKE)
PROJECT_CREATION_PATTERN = _pattern(PROJECT_CREATION)
ANSWER_FIXED_PATTERN = _pattern(ANSWER_FIXED)
ANSWER_NOT_IT_PATTERN = _pattern(ANSWER_NOT_IT)
ORG_LINK_PROJECT_PATTERN = _pattern(ORG_LINK_PROJECT)
ORG_ROTATE_PATTERN = _pattern(ORG_ROTATE)
ORG_ROTATION_PERIOD_PATTERN = _pattern(ORG_ROTATION_PERIOD)


def action_id(base: str, suffix: int | None = None) -> str:
    """``base`` alone, or ``base:suffix`` when a message holds several such buttons."""
    return base if suffix is None else f"{base}:{suffix}"


def number_in_value(value: object, *, max_digits: int) -> int | None:
    """The whole number a button's ``value`` carries, or None for anything else.

    Values come back from Slack as the button was drawn, but a forged request may carry any
    string: only plain ASCII digits, at most ``max_digits`` of them, make a number (``int``
    accepts "²" and other digits, and is slow on thousands of them).
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not 0 < len(value) <= max_digits or not _ASCII_DIGITS.fullmatch(value):
        return None
    return int(value)


# The leak watch's settings on App Home (admins only).
LEAK_WATCH = "leak_watch_toggle"  # value: SETTING_ON or SETTING_OFF, the state asked for
LEAK_LIVE_CHECK = "leak_watch_live_check"  # value: SETTING_ON or SETTING_OFF
LEAK_ALERT_CHANNEL = "leak_watch_alert_channel"  # a conversations_select, no value
LEAK_ALERT_DM = "leak_watch_alert_dm"  # no value: alerts by DM again
SETTING_ON = "on"
SETTING_OFF = "off"
LEAK_WATCH_PATTERN = _pattern(LEAK_WATCH)
LEAK_LIVE_CHECK_PATTERN = _pattern(LEAK_LIVE_CHECK)
LEAK_ALERT_CHANNEL_PATTERN = _pattern(LEAK_ALERT_CHANNEL)
LEAK_ALERT_DM_PATTERN = _pattern(LEAK_ALERT_DM)
