"""Small readers of Bolt's context shared by listeners."""

from __future__ import annotations

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.identity import Person
from bot.services import Services


def services_of(context: BoltContext) -> Services:
    services = context["services"]
    assert isinstance(services, Services)
    return services


def locale_of(context: BoltContext, client: WebClient, person: Person | None = None) -> str:
    """The shipped locale the person reads steps in (cached ``users.info``; English on error)."""
    return services_of(context).locales.locale_of(person or person_of(context), client)


def person_of(context: BoltContext, user_id: str | None = None) -> Person:
    """The (enterprise, team, user) the request comes from."""
    return Person(
        enterprise_id=context.enterprise_id or "",
        team_id=context.team_id or "",
        user_id=user_id or context.user_id or "",
    )
