"""Buttons that move through the guide: open a step (Back/Next), the overview, the topics, and
one troubleshooting entry picked from "Is it one of these?"."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from bot.guide.model import Answer, Match
from bot.slack.context import locale_of, person_of, services_of
from bot.slack.home import publish_home
from bot.slack.in_place import show_in_place, step_from_value, tell_out_of_date
from bot.slack.locale import localized_answer, localized_entries, localized_step, localized_steps
from bot.ui.answers import render_answer, render_help
from bot.ui.guide import render_overview, render_step


def open_step(
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    services = services_of(context)
    person = person_of(context)
    step = step_from_value(services, action.get("value"))
    if step is None:
        tell_out_of_date(body, respond, client, person)
        return
    done = step.number in services.progress.completed_steps(person)
    locale = locale_of(context, client, person)
    steps = localized_steps(services.steps, locale)
    blocks = render_step(localized_step(step, locale), steps, done=done, locale=locale)
    show_in_place(body, respond, client, services, person, blocks, open_step=step)


def show_overview(
    body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    services = services_of(context)
    person = person_of(context)
    locale = locale_of(context, client, person)
    blocks = render_overview(
        localized_steps(services.steps, locale),
        services.progress.completed_steps(person),
        locale=locale,
    )
    show_in_place(body, respond, client, services, person, blocks)


def show_help(
    body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    services = services_of(context)
    locale = locale_of(context, client)
    blocks = render_help(
        localized_entries(services.troubleshooting.topics(), locale),
        steps=localized_steps(services.steps, locale),
        locale=locale,
    )
    if body.get("view", {}).get("type") == "home":
        # Help is long; on Home it goes to the person's DM with the app instead.
        publish_home(client, services, person_of(context))
        client.chat_postMessage(
            channel=person_of(context).user_id, blocks=blocks, text="Troubleshooting topics"
        )
        return
    respond(
        replace_original=True,
        response_type="ephemeral",
        text="Troubleshooting topics",
        blocks=blocks,
    )


def show_entry(
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    """The entry a person picked when the answer was not sure: its cause and fix, in place."""
    services = services_of(context)
    person = person_of(context)
    value = action.get("value")
    entry = next((e for e in services.troubleshooting.topics() if e.id == value), None)
    if entry is None:
        tell_out_of_date(body, respond, client, person)
        return
    answer, locale = localized_answer(
        Answer(query="", matches=(Match(entry, 1.0),), confident=True),
        locale_of(context, client, person),
    )
    blocks = render_answer(answer, localized_steps(services.steps, locale), locale=locale)
    show_in_place(body, respond, client, services, person, blocks)
