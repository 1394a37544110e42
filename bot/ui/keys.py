"""Block Kit for team keys, in one import: the dialog, results, the list and the audit.

The builders live in ``key_modal`` (the dialog and its follow-up views), ``key_results``
(what happened to a key) and ``key_list`` (the list, the App Home part, the audit trail).
"""

from __future__ import annotations

from bot.ui.key_holds import render_held
from bot.ui.key_list import (
    home_keys_blocks,
    render_audit,
    render_audit_refused,
    render_keys_list,
    slack_date,
)
from bot.ui.key_modal import (
    BLOCK_API_KEY,
    BLOCK_CHECK_BILLING,
    BLOCK_OPENAI_PROJECT,
    BLOCK_ORGANIZATION,
    BLOCK_PROJECT,
    CHECK_BILLING_VALUE,
    INPUT_ACTION_ID,
    KEY_MODAL_CALLBACK_ID,
    KEY_RESULT_CALLBACK_ID,
    KeyModalInput,
    parse_key_modal,
    render_checking_view,
    render_error_view,
    render_held_view,
    render_input_errors,
    render_key_modal,
    render_refused_view,
    render_result_view,
)
from bot.ui.key_results import (
    render_key_unreadable,
    render_not_found,
    render_refused,
    render_revoked,
    render_test_result,
)

__all__ = [
    "BLOCK_API_KEY",
    "BLOCK_CHECK_BILLING",
    "BLOCK_OPENAI_PROJECT",
    "BLOCK_ORGANIZATION",
    "BLOCK_PROJECT",
    "CHECK_BILLING_VALUE",
    "INPUT_ACTION_ID",
    "KEY_MODAL_CALLBACK_ID",
    "KEY_RESULT_CALLBACK_ID",
    "KeyModalInput",
    "home_keys_blocks",
    "parse_key_modal",
    "render_audit",
    "render_audit_refused",
    "render_checking_view",
    "render_error_view",
    "render_held",
    "render_held_view",
    "render_input_errors",
    "render_key_modal",
    "render_key_unreadable",
    "render_keys_list",
    "render_not_found",
    "render_refused",
    "render_refused_view",
    "render_result_view",
    "render_revoked",
    "render_test_result",
    "slack_date",
]
