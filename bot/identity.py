"""Who and where: a workspace, a person in it, and a person acting with their admin status.

Every stored row is keyed by (enterprise_id, team_id); ``enterprise_id`` is "" outside
Enterprise Grid. These three types are the one vocabulary for that, from listeners to store.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Workspace:
    """A Slack workspace (a team), inside its Enterprise Grid org when there is one."""

    enterprise_id: str
    team_id: str


@dataclass(frozen=True)
class Person:
    """A Slack user inside one workspace."""

    enterprise_id: str
    team_id: str
    user_id: str

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.enterprise_id, self.team_id)


@dataclass(frozen=True)
class Actor(Person):
    """A person acting now, with their admin status as Slack reported it for this request.

    ``is_workspace_admin``: an admin here, as ``bot.keys.access.admin_here`` decides (an org
    admin of this workspace's Enterprise Grid org counts too).
    """

    is_workspace_admin: bool = False

    @property
    def person(self) -> Person:
        return Person(self.enterprise_id, self.team_id, self.user_id)
