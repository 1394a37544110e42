"""``users.info`` and ``users.list``: the people a test added, with their workspace and
Enterprise Grid roles."""

from __future__ import annotations

import base64
import binascii
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

    def users_list(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """One page of the people added, in the order they were added, as Slack pages them.

        ``limit`` (Slack: under 1000, 200 recommended; absent: everyone at once) and
        ``cursor`` (a previous answer's ``response_metadata.next_cursor``, opaque to the
        caller; Slack's are base64 of ``user:<id>``); ``next_cursor`` is "" on the last page.
        """
        members = list(self.users.values())
        start = 0
        cursor = str(params.get("cursor") or "")
        if cursor:
            try:
                kind, _, user_id = base64.b64decode(cursor, validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return {"ok": False, "error": "invalid_cursor"}
            ids = [member.id for member in members]
            if kind != "user" or user_id not in ids:
                return {"ok": False, "error": "invalid_cursor"}
            start = ids.index(user_id)
        try:
            limit = int(params.get("limit") or 0)
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        end = len(members) if limit <= 0 else min(start + min(limit, 1000), len(members))
        page = members[start:end]
        next_cursor = (
            base64.b64encode(f"user:{members[end].id}".encode()).decode()
            if end < len(members)
            else ""
        )
        return {
            "ok": True,
            "members": [member.info() for member in page],
            "cache_ts": 1700000000,
            "response_metadata": {"next_cursor": next_cursor},
        }


ROUTES = {"users.info": UsersAPI.users_info, "users.list": UsersAPI.users_list}
