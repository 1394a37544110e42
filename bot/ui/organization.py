"""Block Kit for a connected OpenAI organization: the connect dialog and what follows it.

The dialog's ``callback_id`` (``org_connect_modal``) and input ``block_id`` (``admin_key``)
are part of the outside contract (DESIGN.md §5). Views only ever show the masked key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.org.admin_api import OrgProject, Problem
from bot.org.connection import ConnectResult, Linked, Outcome
from bot.ui.actions import ORG_LINK_PROJECT
from bot.ui.blocks import Block, context, plain, section
from bot.ui.messages import text
from bot.ui.mrkdwn import MAX_BLOCKS_VIEW, MAX_MODAL_TITLE

CONNECT_CALLBACK_ID = "org_connect_modal"
CONNECT_RESULT_CALLBACK_ID = "org_connect_result"
BLOCK_ADMIN_KEY = "admin_key"
INPUT_ACTION_ID = "value"
LINK_PROJECT = ORG_LINK_PROJECT  # action_id "org_link_project:<project id>"; value: proj_…

MAX_ADMIN_KEY_INPUT = 300
MAX_OPTIONS = 100
MAX_OPTION_TEXT = 75
REJECTION_MESSAGES = {
    Problem.INVALID: "organization.rejected_invalid",
    Problem.MISSING_SCOPE: "organization.rejected_missing_scope",
    Problem.NOT_ADMIN_KEY: "organization.rejected_not_admin_key",
}


def render_connect_modal() -> dict[str, Any]:
    element = {
        "type": "plain_text_input",
        "action_id": INPUT_ACTION_ID,
        "placeholder": plain(text("organization.admin_key_placeholder"), 150),
        "max_length": MAX_ADMIN_KEY_INPUT,
    }
    blocks: list[Block] = [
        section(text("organization.intro")),
        {
            "type": "input",
            "block_id": BLOCK_ADMIN_KEY,
            "label": plain(text("organization.admin_key_label"), 2000),
            "hint": plain(text("organization.admin_key_hint"), 2000),
            "element": element,
        },
    ]
    view = _modal(blocks, CONNECT_CALLBACK_ID)
    view["submit"] = plain(text("organization.submit"), MAX_MODAL_TITLE)
    view["close"] = plain(text("organization.cancel"), MAX_MODAL_TITLE)
    return view


def typed_admin_key(values: Mapping[str, Any]) -> str:
    block = values.get(BLOCK_ADMIN_KEY)
    state = block.get(INPUT_ACTION_ID) if isinstance(block, Mapping) else None
    value = state.get("value") if isinstance(state, Mapping) else None
    return value.strip() if isinstance(value, str) else ""


def render_checking_view(masked: str) -> dict[str, Any]:
    return _modal([section(text("organization.checking", masked=masked))])


def render_message_view(message_key: str, **values: object) -> dict[str, Any]:
    return _modal([section(text(message_key, **values))])


def render_connect_result(result: ConnectResult) -> dict[str, Any]:
    """The dialog after the check: connected with the project links, or why not."""
    if result.outcome is Outcome.REFUSED:
        return render_message_view("organization.refused")
    if result.outcome is Outcome.NOT_ADMIN_KEY:
        return render_message_view("organization.project_key")
    if result.outcome is not Outcome.CONNECTED:
        key = REJECTION_MESSAGES.get(result.problem or Problem.TRY_LATER)
        return render_message_view(
            key or "organization.rejected_try_later", scope=result.scope or "api.management.read"
        )
    blocks = [
        section(
            text(
                "organization.connected",
                masked=result.masked,
                count=len(result.organization_projects),
            )
        ),
        *project_link_blocks(result.projects, result.organization_projects),
    ]
    return _modal(blocks[:MAX_BLOCKS_VIEW])


def project_link_blocks(
    projects: Sequence[Linked], organization_projects: Sequence[OrgProject]
) -> list[Block]:
    """Each stored project with its OpenAI project, or a list to pick it from."""
    if not projects:
        return [context(text("organization.no_projects"))]
    blocks: list[Block] = [section(text("organization.linked_header"))]
    options = [
        {"text": plain(choice.name, MAX_OPTION_TEXT), "value": choice.id}
        for choice in organization_projects[:MAX_OPTIONS]
    ]
    for project in projects:
        if project.openai_project_id is not None:
            line = text(
                "organization.linked_line",
                project=project.project_name,
                openai_name=project.openai_project_name or project.openai_project_id,
                openai_id=project.openai_project_id,
            )
            blocks.append(section(line))
            continue
        block = section(text("organization.unlinked_line", project=project.project_name))
        if options:
            block["accessory"] = {
                "type": "static_select",
                "action_id": f"{LINK_PROJECT}:{project.project_id}",
                "placeholder": plain(text("organization.link_placeholder"), 150),
                "options": options,
            }
        blocks.append(block)
    return blocks


def _modal(blocks: list[Block], callback_id: str = CONNECT_RESULT_CALLBACK_ID) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(text("organization.modal_title"), MAX_MODAL_TITLE),
        "close": plain(text("organization.close"), MAX_MODAL_TITLE),
        "blocks": blocks,
    }
