from __future__ import annotations

from slack_bolt import App

from bot.listeners.views.api_key_modal import acknowledge_key, check_and_store_key
from bot.listeners.views.org_connect_modal import acknowledge_connect, connect_organization
from bot.listeners.views.org_rotate_modal import acknowledge_rotate, rotate_key
from bot.ui.keys import KEY_MODAL_CALLBACK_ID
from bot.ui.organization import CONNECT_CALLBACK_ID
from bot.ui.rotate import ROTATE_CALLBACK_ID


def register(app: App) -> None:
    # The ack answers within Slack's 3 s (inline errors or "Checking…"); OpenAI is asked after.
    app.view(KEY_MODAL_CALLBACK_ID)(ack=acknowledge_key, lazy=[check_and_store_key])
    app.view(CONNECT_CALLBACK_ID)(ack=acknowledge_connect, lazy=[connect_organization])
    app.view(ROTATE_CALLBACK_ID)(ack=acknowledge_rotate, lazy=[rotate_key])
