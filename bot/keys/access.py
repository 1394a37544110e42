"""Who may change a project's key. Pure decisions; the caller supplies the facts.

Admins (see :func:`admin_here`; the caller asks ``users.info`` at every write, not when a
button was drawn), the people in ``KEY_ADMINS``, and the project's maintainers may set,
replace, test and revoke. Anyone may create a new project, and becomes its maintainer,
unless the workspace keeps that to admins (``bot.keys.limits``).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.identity import Actor


@dataclass(frozen=True)
class SlackRoles:
    """A person's roles as ``users.info`` reports them; unknown facts stay at their default.

    ``team_id``/``workspace_admin``: the user's own workspace and whether they are its admin,
    owner or primary owner (the top-level ``is_admin``/``is_owner``/``is_primary_owner``).
    ``org_id``/``org_admin``: on Enterprise Grid, the ``enterprise_user`` object's
    ``enterprise_id`` and its org-level ``is_admin``/``is_owner``.
    """

    team_id: str | None = None
    workspace_admin: bool = False
    org_id: str | None = None
    org_admin: bool = False
    deleted: bool = False


def admin_here(roles: SlackRoles, enterprise_id: str, team_id: str) -> bool:
    """Whether ``roles`` make someone an admin of the workspace a request comes from.

    Org admins and owners manage every workspace of their own org; workspace admins and owners
    only their own workspace: on Grid one person belongs to several workspaces, and being an
    admin of one says nothing about the others. Anything missing or odd means "no".
    """
    if roles.deleted or not team_id:
        return False
    if enterprise_id and roles.org_admin and roles.org_id == enterprise_id:
        return True
    return roles.workspace_admin and roles.team_id == team_id


def is_admin(actor: Actor, key_admins: frozenset[str]) -> bool:
    """An admin here or a person listed in ``KEY_ADMINS``: may read the audit, change settings."""
    return actor.is_workspace_admin or actor.user_id in key_admins


def may_manage(actor: Actor, key_admins: frozenset[str], maintainers: frozenset[str]) -> bool:
    return is_admin(actor, key_admins) or actor.user_id in maintainers


def may_read_audit(actor: Actor, key_admins: frozenset[str]) -> bool:
    return is_admin(actor, key_admins)
