"""The workspace's Slack admins and owners, for alerts that must reach them (the leak watch).

``users.list`` (scope ``users:read``, rate tier 2) pages through every member; each member
says ``is_admin``/``is_owner``/``is_primary_owner``, ``deleted`` and ``is_bot``. The answer is
kept per workspace for a while (admins change rarely, a leak alert should not cost a
workspace-wide listing each time), and the listing stops after a bounded number of pages
in giant workspaces (logged). A failure returns None: the caller falls back to whom it
knows without Slack (maintainers and KEY_ADMINS), and nothing is kept, so the next alert
asks again.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from cachetools import TTLCache
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.identity import Workspace

log = logging.getLogger(__name__)

PAGE_SIZE = 200  # Slack recommends no more than 200 a page
MAX_PAGES = 50  # 10,000 members; beyond that the listing stops (and says so in the log)
TTL_SECONDS = 15 * 60


class WorkspaceAdmins:
    def __init__(
        self,
        *,
        ttl_seconds: float = TTL_SECONDS,
        max_pages: int = MAX_PAGES,
        page_size: int = PAGE_SIZE,
        max_workspaces: int = 1024,
    ) -> None:
        self.max_pages = max_pages
        self.page_size = page_size
        self._cache: TTLCache[tuple[str, str], frozenset[str]] = TTLCache(
            maxsize=max_workspaces, ttl=ttl_seconds
        )
        self._lock = threading.Lock()

    def of(self, client: WebClient, workspace: Workspace) -> frozenset[str] | None:
        """The ids of the workspace's active, human admins and owners; None: Slack failed."""
        key = (workspace.enterprise_id, workspace.team_id)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        found = self._list(client, workspace)
        if found is not None:
            with self._lock:
                self._cache[key] = found
        return found

    def _list(self, client: WebClient, workspace: Workspace) -> frozenset[str] | None:
        admins: set[str] = set()
        cursor = ""
        for _ in range(self.max_pages):
            arguments: dict[str, Any] = {"limit": self.page_size}
            if cursor:
                arguments["cursor"] = cursor
            if workspace.enterprise_id and workspace.team_id:
                arguments["team_id"] = workspace.team_id  # needed with an org-wide token
            try:
                answer = client.users_list(**arguments)
            except SlackApiError as error:
                log.warning("users.list failed: %s", error.response.get("error"))
                return None
            for member in answer.get("members") or []:
                if isinstance(member, dict) and _is_human_admin(member):
                    admins.add(str(member["id"]))
            metadata = answer.get("response_metadata") or {}
            cursor = str(metadata.get("next_cursor") or "")
            if not cursor:
                return frozenset(admins)
        log.warning(
            "users.list: stopped after %d pages of %d members; admins further on are not told",
            self.max_pages,
            self.page_size,
        )
        return frozenset(admins)


def _is_human_admin(member: dict[str, Any]) -> bool:
    if member.get("deleted") or member.get("is_bot") or not isinstance(member.get("id"), str):
        return False
    return bool(member.get("is_admin") or member.get("is_owner") or member.get("is_primary_owner"))
