"""Buttons on the team's keys: Submit / Replace (open the dialog), Test, Revoke."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from bot.identity import Actor
from bot.keys.results import KeyResult, Verdict
from bot.rules.submission import ProjectName, parse_project_name
from bot.slack.actors import actor_of
from bot.slack.context import person_of, services_of
from bot.slack.home import publish_home
from bot.slack.in_place import clicked_on_home
from bot.slack.key_views import keys_list_blocks
from bot.ui import blocks as block_kit
from bot.ui.actions import number_in_value
from bot.ui.answers import fallback_text
from bot.ui.keys import (
    render_held,
    render_key_modal,
    render_key_unreadable,
    render_not_found,
    render_refused,
    render_revoked,
    render_test_result,
)
from bot.ui.messages import text
from bot.ui.mrkdwn import MAX_BLOCKS_MESSAGE

PROJECT_ID_DIGITS = 11  # database ids stay far below 10**11


def open_key_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
    # The value is a project name we drew on the button; a forged one that breaks the name
    # rules just opens the dialog without a name.
    name = parse_project_name(str(action.get("value") or ""))
    shown = name.shown if isinstance(name, ProjectName) else None
    client.views_open(trigger_id=body["trigger_id"], view=render_key_modal(shown))


def replace_key(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    project = _project_id(action)
    services = services_of(context)
    row = services.keys.project(person_of(context).workspace, project) if project else None
    # An id from another workspace finds nothing here: the dialog opens without a name.
    client.views_open(
        trigger_id=body["trigger_id"], view=render_key_modal(row.name if row else None)
    )


def test_key(
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    """Asks OpenAI "Say hello" with the stored key."""
    services = services_of(context)
    project_id = _project_id(action)
    actor = actor_of(person_of(context), client)
    result = services.keys.test_key(actor, project_id) if project_id else None
    blocks = _result_blocks(result, services.steps, tested=True)
    _show(body, respond, client, context, actor, blocks)


def revoke_key(
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    services = services_of(context)
    project_id = _project_id(action)
    actor = actor_of(person_of(context), client)
    result = services.keys.revoke(actor, project_id) if project_id else None
    blocks = _result_blocks(result, services.steps, tested=False)
    _show(body, respond, client, context, actor, blocks)


def _result_blocks(result: KeyResult | None, steps: Any, *, tested: bool) -> list[dict[str, Any]]:
    if result is None or result.verdict is Verdict.NOT_FOUND:
        return render_not_found()
    if result.verdict is Verdict.REFUSED:
        return render_refused(result.project_name)
    if result.verdict is Verdict.UNREADABLE:
        return render_key_unreadable(result.project_name)
    if result.verdict is Verdict.HELD and result.hold is not None:
        return render_held(result.hold, result.project_name)
    if tested and result.validation is not None:
        return render_test_result(
            result.project_name, result.masked or "", result.validation, steps
        )
    return render_revoked(result.project_name, result.masked or "")


def _show(
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: BoltContext,
    actor: Actor,
    blocks: list[dict[str, Any]],
) -> None:
    """The outcome above a fresh list, in place; on Home, re-publish and send it by DM."""
    services = services_of(context)
    person = person_of(context)
    if clicked_on_home(body):
        publish_home(client, services, person, actor=actor)
        client.chat_postMessage(channel=person.user_id, blocks=blocks, text=fallback_text(blocks))
        return
    listing = keys_list_blocks(services, actor)
    combined = [*blocks, {"type": "divider"}, *listing]
    if len(combined) > MAX_BLOCKS_MESSAGE:
        # A long list would lose its footer if cut: point to the command instead.
        combined = [*blocks, block_kit.context(text("keys.list_elsewhere"))]
    respond(
        replace_original=True,
        response_type="ephemeral",
        text=fallback_text(blocks),
        blocks=combined,
    )
    publish_home(client, services, person, actor=actor)


def _project_id(action: dict[str, Any]) -> int | None:
    return number_in_value(action.get("value"), max_digits=PROJECT_ID_DIGITS)
