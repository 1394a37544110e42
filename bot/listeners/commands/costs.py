"""``/openai-setup usage [project]`` (privately) and ``budget <project> <dollars|off>``."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.org.costs import chart_file
from bot.slack.actors import actor_of
from bot.slack.context import person_of, services_of
from bot.store import key_records as records
from bot.ui.answers import fallback_text
from bot.ui.blocks import section
from bot.ui.costs import render_usage
from bot.ui.messages import text

_AMOUNT = re.compile(r"\$?([0-9]{1,7}(?:\.[0-9]{1,2})?)\Z")


def show_usage(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient, project: str
) -> None:
    services = services_of(context)
    workspace = person_of(context).workspace
    project_id = None
    if project:
        with services.database.read_session() as session:
            found = records.find_project(session, workspace, project)
            project_id = found.id if found else None
        if project_id is None:
            sentence = text("costs.no_project", project=project[:80])
            ack(response_type="ephemeral", text=sentence, blocks=[section(sentence)])
            return
    costs = services.costs.costs(workspace, datetime.now(UTC), project_id)
    charts = {c.project_id: chart_file(services.database, c.project_id) for c in costs}
    blocks = render_usage(costs, charts)
    ack(response_type="ephemeral", text=fallback_text(blocks), blocks=blocks)


def set_budget(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient, rest: str
) -> None:
    services = services_of(context)
    name, _, amount = rest.strip().rpartition(" ")
    matched = _AMOUNT.match(amount.strip())
    off = amount.strip().lower() == "off"
    actor = actor_of(person_of(context), client)
    with services.database.read_session() as session:
        found = records.find_project(session, actor.workspace, name) if name else None
    if found is None or not (matched or off):
        sentence = text("costs.budget_usage")
    else:
        usd = float(matched.group(1)) if matched else None
        if not services.costs.set_budget(actor, found.id, usd):
            sentence = text("costs.budget_refused")
        elif usd is None:
            sentence = text("costs.budget_removed", project=found.name)
        else:
            sentence = text("costs.budget_set", project=found.name, budget=f"{usd:,.2f}")
    ack(response_type="ephemeral", text=sentence, blocks=[section(sentence)])


COST_COMMANDS: dict[str, Callable[[Ack, dict[str, Any], BoltContext, WebClient, str], None]] = {
    "usage": show_usage,
    "budget": set_budget,
}
