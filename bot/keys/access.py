"""Who may change a project's key. Pure decisions; the caller supplies the facts.

Workspace admins and owners (the caller checks ``users.info`` at every write, not when a
button was drawn), the people in ``KEY_ADMINS``, and the project's maintainers may set,
replace, test and revoke. Anyone may create a new project, and becomes its maintainer.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.key_records import Workspace


@dataclass(frozen=True)
class Actor:
    """A person acting in one workspace, with their admin status as Slack reports it now."""

    enterprise_id: str
    team_id: str
    user_id: str
    is_workspace_admin: bool = False

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.enterprise_id, self.team_id)


def may_manage(actor: Actor, key_admins: frozenset[str], maintainers: frozenset[str]) -> bool:
    return actor.is_workspace_admin or actor.user_id in key_admins or actor.user_id in maintainers


def may_read_audit(actor: Actor, key_admins: frozenset[str]) -> bool:
    return actor.is_workspace_admin or actor.user_id in key_admins
