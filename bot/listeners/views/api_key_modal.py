"""The private key dialog's submission: format errors inline, then a live check, then save.

The key exists only in this request's memory: it is never put in the view, in
``private_metadata``, in a message or in a log line; views show ``mask(key)`` only.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.keys.access import Actor
from bot.keys.crypto import mask
from bot.keys.key_format import check_key_format
from bot.keys.service import Verdict
from bot.listeners.actors import actor_of
from bot.listeners.context import person_of, services_of
from bot.listeners.home import publish_home
from bot.ui.keys import (
    BLOCK_API_KEY,
    BLOCK_OPENAI_PROJECT,
    BLOCK_ORGANIZATION,
    BLOCK_PROJECT,
    parse_key_modal,
    render_checking_view,
    render_error_view,
    render_held_view,
    render_refused_view,
    render_result_view,
)
from bot.ui.messages import text

log = logging.getLogger(__name__)
ORGANIZATION_ID = re.compile(r"org-[A-Za-z0-9]{6,64}")
OPENAI_PROJECT_ID = re.compile(r"proj_[A-Za-z0-9]{6,64}")
PROJECT_NAME = re.compile(r"[^\x00-\x1f<>]{1,80}")


def input_errors(values: Any) -> dict[str, str]:
    """Inline field errors (``response_action: errors``); never repeats what was typed."""
    errors: dict[str, str] = {}
    if not PROJECT_NAME.fullmatch(values.project or ""):
        errors[BLOCK_PROJECT] = text("keys.error_project_name")
    key_problem = check_key_format(values.api_key)
    if key_problem:
        errors[BLOCK_API_KEY] = key_problem
    if values.organization and not ORGANIZATION_ID.fullmatch(values.organization):
        errors[BLOCK_ORGANIZATION] = text("keys.error_organization")
    if values.openai_project and not OPENAI_PROJECT_ID.fullmatch(values.openai_project):
        errors[BLOCK_OPENAI_PROJECT] = text("keys.error_openai_project")
    return errors


def acknowledge_key(ack: Ack, view: dict[str, Any]) -> None:
    values = parse_key_modal(view["state"]["values"])
    errors = input_errors(values)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack(response_action="update", view=render_checking_view(values.project, mask(values.api_key)))


def check_and_store_key(view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    values = parse_key_modal(view["state"]["values"])
    if input_errors(values):
        return  # the ack already showed the errors
    services = services_of(context)
    actor: Actor | None = None
    try:
        actor = actor_of(context, client)
        result = services.keys.submit(
            actor,
            values.project,
            values.api_key,
            organization=values.organization or None,
            openai_project=values.openai_project or None,
            check_billing=values.check_billing,
        )
        if result.verdict is Verdict.REFUSED:
            new_view = render_refused_view(result.project_name)
        elif result.verdict is Verdict.HELD and result.hold is not None:
            new_view = render_held_view(result.hold, result.project_name)
        else:
            assert result.validation is not None
            new_view = render_result_view(
                result.project_name,
                result.masked or "",
                result.validation,
                stored=result.stored,
                replaced=result.replaced,
                steps=services.steps,
            )
    except Exception as error:
        log.error("key submission failed: %s", type(error).__name__)
        new_view = render_error_view("keys.error_internal")
    # Only the view id: the old hash would make a concurrent update fail for nothing.
    client.views_update(view_id=view["id"], view=new_view)
    publish_home(client, services, person_of(context), actor=actor)
