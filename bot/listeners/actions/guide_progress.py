"""Mark done / Mark not done: store the change, redraw in place, re-publish App Home."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.context import locale_of, person_of, services_of
from bot.slack.home import publish_home
from bot.slack.in_place import (
    clicked_on_home,
    show_in_place,
    step_from_value,
    tell_out_of_date,
)
from bot.slack.locale import localized_step, localized_steps
from bot.ui.guide import render_step


def mark_done(
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    _set_done(body, action, context, client, respond, done=True)


def mark_undone(
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    _set_done(body, action, context, client, respond, done=False)


def _set_done(
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    *,
    done: bool,
) -> None:
    services = services_of(context)
    person = person_of(context)
    step = step_from_value(services, action.get("value"))
    if step is None:
        tell_out_of_date(body, respond, client, person)
        return
    if done:
        services.progress.mark_done(person, step.number)
    else:
        services.progress.mark_undone(person, step.number)
    locale = locale_of(context, client, person)
    steps = localized_steps(services.steps, locale)
    blocks = render_step(localized_step(step, locale), steps, done=done, locale=locale)
    show_in_place(body, respond, client, services, person, blocks, open_step=step)
    if not clicked_on_home(body):
        publish_home(client, services, person)
