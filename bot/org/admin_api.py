"""OpenAI's Admin API through the openai SDK: projects, their keys, service accounts, costs.

Every call takes the admin key as an argument and keeps it only for that call. The client
has ``max_retries=0`` (429s are retried by the scheduler's backoff, not by the SDK) and the
same short timeout as key checks. Errors come back as ``AdminApiError`` with a ``Problem``,
never with the SDK's text (which may quote part of a key).
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import openai

ADMIN_KEY_PREFIX = "sk-admin-"
PAGE_SIZE = 100
MAX_COST_BUCKETS = 180  # the costs endpoint's largest ``limit``
_MISSING_SCOPES = re.compile(r"Missing scopes: ([a-z_]{1,30}(?:\.[a-z_]{1,30}){0,4})")

T = TypeVar("T")


class Problem(enum.StrEnum):
    INVALID = "invalid"  # 401: unknown or deleted admin key
    NOT_ADMIN_KEY = "not_admin_key"  # a project/service-account key on an admin endpoint
    MISSING_SCOPE = "missing_scope"  # an admin key without the permission for this call
    NOT_FOUND = "not_found"  # the project or key is gone
    RATE_LIMITED = "rate_limited"
    TRY_LATER = "try_later"  # 5xx, timeout, no connection, an answer we cannot read


class AdminApiError(Exception):
    """A failed Admin API call; ``scope`` names a missing permission, never the key."""

    def __init__(
        self,
        problem: Problem,
        *,
        status: int | None = None,
        scope: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"admin api: {problem.value} (status {status}, scope {scope})")
        self.problem = problem
        self.status = status
        self.scope = scope
        self.retry_after = retry_after


@dataclass(frozen=True)
class OrgProject:
    id: str
    name: str


@dataclass(frozen=True)
class InventoryKey:
    """A project API key as OpenAI lists it (no secret: OpenAI shows a redacted value)."""

    id: str
    name: str
    redacted_value: str
    created_at: datetime
    last_used_at: datetime | None
    owner: str  # a user's name or email, or the service account's name
    owner_type: str  # "user" or "service_account"


@dataclass(frozen=True)
class CreatedKey:
    """A new service-account key: ``value`` is shown by OpenAI this once."""

    id: str
    service_account_id: str
    value: str

    def __repr__(self) -> str:  # never the value, whatever prints it
        return f"CreatedKey(id={self.id!r}, service_account_id={self.service_account_id!r})"


@dataclass(frozen=True)
class AdminApi:
    """Admin API calls against ``base_url`` (``OPENAI_BASE_URL``)."""

    base_url: str | None = None
    timeout: float = 10.0

    def projects(self, admin_key: str) -> list[OrgProject]:
        with self._client(admin_key) as client:
            projects = client.admin.organization.projects
            return _call(
                lambda: [OrgProject(p.id, p.name or p.id) for p in projects.list(limit=PAGE_SIZE)],
                admin_key,
            )

    def keys(self, admin_key: str, project_id: str) -> list[InventoryKey]:
        with self._client(admin_key) as client:
            api_keys = client.admin.organization.projects.api_keys
            return _call(
                lambda: [_inventory_key(k) for k in api_keys.list(project_id, limit=PAGE_SIZE)],
                admin_key,
            )

    def create_service_key(
        self, admin_key: str, project_id: str, name: str, expires_in_days: int | None = None
    ) -> CreatedKey:
        expires = expires_in_days * 86_400 if expires_in_days else None
        with self._client(admin_key) as client:
            created = _call(
                lambda: client.admin.organization.projects.service_accounts.create(
                    project_id, name=name, expires_in_seconds=expires
                ),
                admin_key,
            )
        if created.api_key is None:
            raise AdminApiError(Problem.TRY_LATER, status=200)
        return CreatedKey(created.api_key.id, created.id, created.api_key.value)

    def delete_key(self, admin_key: str, project_id: str, key_id: str) -> None:
        with self._client(admin_key) as client:
            _call(
                lambda: client.admin.organization.projects.api_keys.delete(
                    key_id, project_id=project_id
                ),
                admin_key,
            )

    def daily_costs(self, admin_key: str, start: date, days: int) -> dict[tuple[str, date], float]:
        """USD per (OpenAI project id, day) from ``start`` for ``days`` days, all pages."""
        start_time = int(datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp())
        totals: dict[tuple[str, date], float] = {}
        page: str | None = None
        with self._client(admin_key) as client:
            usage = client.admin.organization.usage

            def fetch(cursor: str | None) -> Any:
                extra: dict[str, Any] = {"page": cursor} if cursor else {}
                return usage.costs(
                    start_time=start_time,
                    bucket_width="1d",
                    group_by=["project_id"],
                    limit=min(days, MAX_COST_BUCKETS),
                    **extra,
                )

            for _ in range(days + 1):  # a bound on pages, whatever the server says
                response = _call(functools.partial(fetch, page), admin_key)
                for bucket in response.data:
                    day = datetime.fromtimestamp(bucket.start_time, UTC).date()
                    for result in bucket.results:
                        amount = getattr(result, "amount", None)
                        project_id = getattr(result, "project_id", None)
                        if amount is None or amount.value is None or not project_id:
                            continue
                        key = (project_id, day)
                        totals[key] = totals.get(key, 0.0) + float(amount.value)
                if not response.has_more or not response.next_page:
                    break
                page = response.next_page
        return totals

    @contextmanager
    def _client(self, admin_key: str) -> Iterator[openai.OpenAI]:
        import openai

        client = openai.OpenAI(
            api_key=admin_key,  # admin endpoints send admin_api_key; nothing else is called
            admin_api_key=admin_key,
            base_url=self.base_url,
            max_retries=0,
            timeout=self.timeout,
        )
        client.organization = None
        client.project = None
        try:
            yield client
        finally:
            client.close()


def _call(call: Callable[[], T], admin_key: str) -> T:
    """Run ``call``; any SDK failure becomes an ``AdminApiError`` without its text."""
    import openai

    try:
        return call()
    except openai.APIStatusError as error:
        raise _classified(error, admin_key) from None
    except openai.APITimeoutError:
        raise AdminApiError(Problem.TRY_LATER) from None
    except (openai.APIConnectionError, openai.APIResponseValidationError):
        raise AdminApiError(Problem.TRY_LATER) from None


def _classified(error: openai.APIStatusError, admin_key: str) -> AdminApiError:
    status = error.status_code
    body = error.body if isinstance(error.body, dict) else {}
    raw_message = body.get("message")
    message = raw_message if isinstance(raw_message, str) else ""
    scope_match = _MISSING_SCOPES.search(message)
    if scope_match is not None:
        problem = (
            Problem.MISSING_SCOPE
            if admin_key.startswith(ADMIN_KEY_PREFIX)
            else Problem.NOT_ADMIN_KEY
        )
        return AdminApiError(problem, status=status, scope=scope_match.group(1))
    if status == 401:
        return AdminApiError(Problem.INVALID, status=status)
    if status == 404:
        return AdminApiError(Problem.NOT_FOUND, status=status)
    if status == 429:
        return AdminApiError(
            Problem.RATE_LIMITED, status=status, retry_after=_retry_after(error.response.headers)
        )
    if status == 403:
        return AdminApiError(Problem.NOT_ADMIN_KEY, status=status)
    return AdminApiError(Problem.TRY_LATER, status=status)


def _retry_after(headers: Any) -> float | None:
    try:
        value = float(headers.get("retry-after"))
    except (TypeError, ValueError):
        return None
    return min(max(value, 0.0), 3600.0)


def _inventory_key(key: Any) -> InventoryKey:
    owner = key.owner
    owner_type = owner.type or ("service_account" if owner.service_account else "user")
    if owner.service_account is not None:
        owner_name = owner.service_account.name
    elif owner.user is not None:
        owner_name = owner.user.name or owner.user.email
    else:
        owner_name = ""
    return InventoryKey(
        id=key.id,
        name=key.name,
        redacted_value=key.redacted_value,
        created_at=datetime.fromtimestamp(key.created_at, UTC),
        last_used_at=datetime.fromtimestamp(key.last_used_at, UTC) if key.last_used_at else None,
        owner=owner_name,
        owner_type=owner_type,
    )
