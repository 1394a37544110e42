"""``users.info``: the people a test added, with their workspace and Enterprise Grid roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class FakeUser:
    """A person as ``users.info`` describes them.

    ``is_admin``/``is_owner``/``is_primary_owner`` are workspace roles (of ``team_id``). An
    Enterprise Grid member has ``enterprise_id`` set: the answer then carries Slack's
    ``enterprise_user`` object, whose ``is_admin``/``is_owner`` are org-level roles
    (``is_org_admin``/``is_org_owner`` here) and ``teams`` the workspaces they belong to.
    """

    id: str
    team_id: str = "T0001"
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    is_primary_owner: bool = False
    enterprise_id: str | None = None
    is_org_admin: bool = False
    is_org_owner: bool = False
    teams: tuple[str, ...] = ()
    locale: str = "en-US"

    def info(self, *, include_locale: bool = False) -> dict[str, Any]:
        """The ``user`` object of a ``users.info`` answer.

        Slack adds ``locale`` (e.g. "zh-CN", "es-LA") only when asked with
        ``include_locale=true``; without it the key is absent, as in Slack's answers.
        """
        user: dict[str, Any] = {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.id.lower(),
            "deleted": self.deleted,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": self.is_primary_owner,
            "is_bot": self.is_bot,
            "is_restricted": False,
        }
        if include_locale:
            user["locale"] = self.locale
        if self.enterprise_id is not None:
            user["enterprise_user"] = {
                "id": self.id,
                "enterprise_id": self.enterprise_id,
                "enterprise_name": "Example Grid",
                "is_admin": self.is_org_admin,
                "is_owner": self.is_org_owner,
                "teams": list(self.teams or (self.team_id,)),
            }
        return user


class UsersAPI:
    team_id: str
    users: dict[str, FakeUser]

    users_info_error: str | None

    def _init_users(self) -> None:
        self.users = {}
        self.users_info_error = None

    def add_user(self, user_id: str, **attributes: Any) -> FakeUser:
        user = FakeUser(id=user_id, team_id=attributes.pop("team_id", self.team_id), **attributes)
        self.users[user_id] = user
        return user

    def fail_users_info(self, error: str | None) -> None:
        """Make every ``users.info`` answer ``{"ok": false, "error": error}`` (None: stop)."""
        self.users_info_error = error

    def users_info(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if self.users_info_error is not None:
            return {"ok": False, "error": self.users_info_error}
        user = self.users.get(str(params.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        asked = str(params.get("include_locale", "")).strip().lower() in {"1", "true"}
        return {"ok": True, "user": user.info(include_locale=asked)}


ROUTES = {"users.info": UsersAPI.users_info}
