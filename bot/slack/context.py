"""Small readers of Bolt's context shared by listeners."""

from __future__ import annotations

from slack_bolt import BoltContext

from bot.identity import Person
from bot.services import Services


def services_of(context: BoltContext) -> Services:
    services = context["services"]
    assert isinstance(services, Services)
    return services


def person_of(context: BoltContext, user_id: str | None = None) -> Person:
    """The (enterprise, team, user) the request comes from."""
    return Person(
        enterprise_id=context.enterprise_id or "",
        team_id=context.team_id or "",
        user_id=user_id or context.user_id or "",
    )
