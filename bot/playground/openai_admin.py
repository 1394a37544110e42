"""The Admin API part of the fake OpenAI: an organization's projects, keys and costs.

Shapes follow the openai 3.57 SDK's generated types (``openai.types.admin.organization``)
and OpenAI's reference examples in /work/shared/fixtures/openai/success: list pages with
``first_id``/``last_id``/``has_more`` and ``after``/``limit``; costs as day buckets with
``has_more``/``next_page`` and ``page``. Errors as the real API gives them: a key that is not
an admin key, or an admin key without a scope, gets 403 "Missing scopes: …"; an unknown
admin key gets 401 ``invalid_api_key``.

Mounted by ``tests.fakes.openai_server.FakeOpenAI`` (``fake.admin``) for every path under
``/v1/organization/``.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

ADMIN_PREFIX = "sk-admin-test"
SERVICE_KEY_PREFIX = "sk-svcacct-test"
DAY = 86_400
ALL_SCOPES = frozenset({"api.management.read", "api.management.write", "api.usage.read"})

Answer = tuple[int, dict[str, Any]]


def _error(message: str, type_: str = "invalid_request_error", code: str | None = None) -> dict:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


def missing_scope(scope: str) -> Answer:
    message = (
        "You have insufficient permissions for this operation. Missing scopes: "
        f"{scope}. Check that you have the correct role in your organization (Reader, Writer, "
        "Owner) and project (Member, Owner), and if you're using a restricted API key, that it "
        "has the necessary scopes."
    )
    return 403, _error(message)


@dataclass
class ProjectKey:
    """A project API key as OpenAI keeps it; ``value`` only for keys the fake issued."""

    id: str
    name: str
    redacted_value: str
    created_at: int
    last_used_at: int | None
    owner: dict[str, Any]
    value: str | None = None
    expires_at: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "object": "organization.project.api_key",
            "redacted_value": self.redacted_value,
            "name": self.name,
            "created_at": self.created_at,
            "last_used_at": self.last_used_at,
            "expires_at": self.expires_at,
            "id": self.id,
            "owner_project_access": "active",
            "owner": self.owner,
        }


@dataclass
class FakeProject:
    id: str
    name: str
    created_at: int
    keys: list[ProjectKey] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "organization.project",
            "name": self.name,
            "created_at": self.created_at,
            "archived_at": None,
            "status": "active",
        }


def redact_like_openai(value: str) -> str:
    """The inventory's ``redacted_value``: a few leading characters, ``...``, the last 4."""
    return f"{value[:6]}...{value[-4:]}"


class FakeOrganization:
    """One OpenAI organization behind the fake; tests arrange it and read what happened."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._admin_keys: dict[str, frozenset[str]] = {}
        self.projects: dict[str, FakeProject] = {}
        self.costs: list[tuple[int, str, float]] = []  # (day start, project id, usd)
        self.issued: set[str] = set()  # service-account key values still alive
        self.deleted_key_ids: list[str] = []
        self.fail_next: list[Answer] = []  # answers served (once each) before anything else

    # --- arranging -----------------------------------------------------------------------
    def admin_key(self, scopes: frozenset[str] = ALL_SCOPES, variant: str = "") -> str:
        key = f"{ADMIN_PREFIX}{variant}{secrets.token_hex(12)}_FAKEadminKEYfiller0123456789"
        with self._lock:
            self._admin_keys[key] = frozenset(scopes)
        return key

    def add_project(self, project_id: str, name: str, created_at: int | None = None) -> None:
        with self._lock:
            self.projects[project_id] = FakeProject(
                project_id, name, created_at if created_at is not None else int(self.clock())
            )

    def add_key(
        self,
        project_id: str,
        *,
        name: str,
        value: str,
        created_at: int,
        last_used_at: int | None,
        owner_email: str = "user@example.com",
    ) -> str:
        """A user-owned key OpenAI knows for the project; returns its ``key_…`` id."""
        key_id = f"key_{secrets.token_hex(8)}"
        owner = {
            "type": "user",
            "user": {
                "id": f"user_{secrets.token_hex(6)}",
                "name": owner_email.split("@", 1)[0],
                "email": owner_email,
                "role": "owner",
                "created_at": created_at,
            },
        }
        with self._lock:
            self.projects[project_id].keys.append(
                ProjectKey(key_id, name, redact_like_openai(value), created_at, last_used_at, owner)
            )
        return key_id

    def add_cost(self, project_id: str | None, day_start: int, usd: float) -> None:
        with self._lock:
            self.costs.append((day_start - day_start % DAY, project_id or "", usd))

    def is_live_service_key(self, key: str) -> bool:
        with self._lock:
            return key in self.issued

    # --- serving -------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: str, key: str | None, body: Any) -> Answer:
        if self.fail_next:
            return self.fail_next.pop(0)
        parts = [part for part in path.split("/") if part][2:]  # after "v1/organization"
        params = {name: values[-1] for name, values in parse_qs(query).items()}
        scope = _scope_for(method, parts)
        if scope is None:
            return 404, _error(f"Invalid URL ({method} {path})")
        if key is None:
            return 401, _error(
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                code=None,
            )
        with self._lock:
            scopes = self._admin_keys.get(key)
        if scopes is None:
            if key.startswith("sk-admin-"):
                return 401, _error(
                    f"Incorrect API key provided: {key[:8]}{'*' * 20}{key[-4:]}. You can find "
                    "your API key at https://platform.openai.com/account/api-keys.",
                    code="invalid_api_key",
                )
            return missing_scope(scope)  # a project or service-account key
        if scope not in scopes:
            return missing_scope(scope)
        with self._lock:
            return self._route(method, parts, params, body)

    def _route(self, method: str, parts: list[str], params: dict[str, str], body: Any) -> Answer:
        if parts == ["costs"]:
            return self._costs(params)
        if parts == ["projects"]:
            return 200, _page([p.as_json() for p in self.projects.values()], params)
        project = self.projects.get(parts[1]) if len(parts) > 1 else None
        if project is None:
            return 404, _error(f"No such project: '{parts[1] if len(parts) > 1 else ''}'")
        if parts[2:] == ["api_keys"]:
            return 200, _page([k.as_json() for k in project.keys], params)
        if len(parts) == 4 and parts[2] == "api_keys" and method == "DELETE":
            return self._delete_key(project, parts[3])
        if parts[2:] == ["service_accounts"] and method == "POST":
            return self._create_service_account(project, body)
        return 404, _error("Invalid URL")

    def _delete_key(self, project: FakeProject, key_id: str) -> Answer:
        for stored in project.keys:
            if stored.id == key_id:
                project.keys.remove(stored)
                self.deleted_key_ids.append(key_id)
                if stored.value is not None:
                    self.issued.discard(stored.value)
                return 200, {
                    "object": "organization.project.api_key.deleted",
                    "id": key_id,
                    "deleted": True,
                }
        return 404, _error(f"No such API key: '{key_id}'")

    def _create_service_account(self, project: FakeProject, body: Any) -> Answer:
        name = body.get("name") if isinstance(body, dict) else None
        if not isinstance(name, str) or not name:
            return 400, _error("Missing required parameter: 'name'.")
        now = int(self.clock())
        account_id = f"svc_acct_{secrets.token_hex(8)}"
        key_id = f"key_{secrets.token_hex(8)}"
        value = f"{SERVICE_KEY_PREFIX}{secrets.token_hex(16)}_FAKEserviceKEYfiller0123"
        expires_in = body.get("expires_in_seconds")
        expires_at = now + int(expires_in) if isinstance(expires_in, int) else None
        owner = {
            "type": "service_account",
            "service_account": {
                "id": account_id,
                "name": name,
                "role": "member",
                "created_at": now,
            },
        }
        project.keys.append(
            ProjectKey(
                key_id, "Secret Key", redact_like_openai(value), now, None, owner, value, expires_at
            )
        )
        self.issued.add(value)
        return 200, {
            "object": "organization.project.service_account",
            "id": account_id,
            "name": name,
            "role": "member",
            "created_at": now,
            "api_key": {
                "object": "organization.project.service_account.api_key",
                "value": value,
                "name": "Secret Key",
                "created_at": now,
                "expires_at": expires_at,
                "id": key_id,
            },
        }

    def _costs(self, params: dict[str, str]) -> Answer:
        try:
            start = int(params["start_time"])
        except (KeyError, ValueError):
            return 400, _error("Missing required parameter: 'start_time'.")
        end = int(params.get("end_time") or self.clock())
        limit = int(params.get("limit") or 7)
        if not 1 <= limit <= 180:
            return 400, _error("Invalid 'limit': must be between 1 and 180.")
        if params.get("bucket_width", "1d") != "1d":
            return 400, _error("Invalid 'bucket_width': only '1d' is supported for costs.")
        # The SDK sends lists as ``group_by[]=project_id``; curl users write ``group_by=``.
        by_project = "project_id" in (params.get("group_by"), params.get("group_by[]"))
        first = start + DAY * int(params.get("page") or 0)
        buckets: list[dict[str, Any]] = []
        bucket_start = first
        while bucket_start < end and len(buckets) < limit:
            buckets.append(self._bucket(bucket_start, by_project))
            bucket_start += DAY
        has_more = bucket_start < end
        next_page = str((bucket_start - start) // DAY) if has_more else None
        return 200, {
            "object": "page",
            "data": buckets,
            "has_more": has_more,
            "next_page": next_page,
        }

    def _bucket(self, start: int, by_project: bool) -> dict[str, Any]:
        totals: dict[str, float] = {}
        for day, project_id, usd in self.costs:
            if start <= day < start + DAY:
                group = project_id if by_project else ""
                totals[group] = totals.get(group, 0.0) + usd
        results = [
            {
                "object": "organization.costs.result",
                "amount": {"value": round(value, 6), "currency": "usd"},
                "line_item": None,
                "project_id": group or None,
                "api_key_id": None,
                "quantity": None,
            }
            for group, value in sorted(totals.items())
        ]
        return {
            "object": "bucket",
            "start_time": start,
            "end_time": start + DAY,
            "results": results,
        }


def _scope_for(method: str, parts: list[str]) -> str | None:
    """The scope a request needs, or None for a path the Admin API does not have."""
    if parts == ["costs"] and method == "GET":
        return "api.usage.read"
    if parts == ["projects"] and method == "GET":
        return "api.management.read"
    if len(parts) == 3 and parts[0] == "projects" and parts[2] == "api_keys" and method == "GET":
        return "api.management.read"
    if len(parts) == 4 and parts[0] == "projects" and parts[2] == "api_keys" and method == "DELETE":
        return "api.management.write"
    if len(parts) == 3 and parts[2] == "service_accounts" and method == "POST":
        return "api.management.write"
    return None


def _page(items: list[dict[str, Any]], params: dict[str, str]) -> dict[str, Any]:
    """A cursor page: ``after`` an id, at most ``limit`` (1–100, default 20) items."""
    limit = max(1, min(100, int(params.get("limit") or 20)))
    after = params.get("after")
    start = 0
    if after:
        ids = [item["id"] for item in items]
        start = ids.index(after) + 1 if after in ids else len(items)
    chunk = items[start : start + limit]
    return {
        "object": "list",
        "data": chunk,
        "first_id": chunk[0]["id"] if chunk else None,
        "last_id": chunk[-1]["id"] if chunk else None,
        "has_more": start + limit < len(items),
    }


# --- the playground's demo organization (``--offline`` only; tests keep an empty one) -------
# Fixed, so the page can list it; shaped like ``admin_key()``'s keys.
DEMO_ADMIN_KEY = f"{ADMIN_PREFIX}demo0123456789abcdef0123_FAKEadminKEYfiller0123456789"
DEMO_PROJECTS = (
    # (id, name, typical daily cost in USD); the first is the one the test keys belong to.
    ("proj_FAKE00000000000000000test", "Support chatbot", 4.0),
    ("proj_FAKE0000000000000000000data", "Data pipeline", 1.5),
    ("proj_FAKE0000000000000000000docs", "Docs search", 0.4),
)
DEMO_NOTE = "an admin key of a simulated organization (/openai-setup connect)"


def seed_demo(organization: FakeOrganization, project_key: str) -> str:
    """Give ``organization`` projects, keys and 45 days of costs; returns its admin key.

    ``project_key`` (the ``valid`` test key) is known to the first project, so a project that
    stores it is linked by key when the organization is connected."""
    now = int(organization.clock())
    today = now - now % DAY
    with organization._lock:
        organization._admin_keys[DEMO_ADMIN_KEY] = ALL_SCOPES
    for index, (project_id, name, daily) in enumerate(DEMO_PROJECTS):
        organization.add_project(project_id, name, created_at=today - 400 * DAY)
        organization.add_key(
            project_id,
            name="production",
            value=project_key if index == 0 else f"sk-proj-demo{index}{project_id[-12:]}",
            created_at=today - (200 if index == 0 else 30) * DAY,
            last_used_at=now - 3600 if index != 2 else today - 60 * DAY,
            owner_email=f"owner{index + 1}@example.com",
        )
        for day in range(45):
            # A weekly rhythm and a slow rise, deterministic (no randomness in a demo).
            weekday = 0.6 if day % 7 in (1, 2) else 1.0
            usd = round(daily * weekday * (1 + (45 - day) / 90), 2)
            organization.add_cost(project_id, today - day * DAY, usd)
    return DEMO_ADMIN_KEY
