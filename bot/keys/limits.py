"""What may reach OpenAI and who may add projects: hourly limits and the creation setting.

A live key check (a submitted key, the Test button) is an oracle for stolen keys, and every
new project pushes others down the list; so each person and each workspace get an hourly
budget of both, and a workspace can keep new projects to its admins. The decision is pure
(:func:`hold_for`); :class:`Limiter` feeds it counts from the database and, when it lets a
check through, records it in the same locked transaction, so replicas share one budget and
checks still waiting for OpenAI already count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from bot.identity import Actor
from bot.store import key_records as records
from bot.store import usage
from bot.store import workspace_settings as settings_rows
from bot.store.database import Database
from bot.store.locks import lock_workspace

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class HourlyLimits:
    projects_per_person: int
    projects_per_workspace: int
    checks_per_person: int
    checks_per_workspace: int


class HoldReason(StrEnum):
    CREATION_CLOSED = "creation_closed"  # new projects are for admins in this workspace
    PROJECTS_PER_PERSON = "projects_per_person"
    PROJECTS_PER_WORKSPACE = "projects_per_workspace"
    CHECKS_PER_PERSON = "checks_per_person"
    CHECKS_PER_WORKSPACE = "checks_per_workspace"


@dataclass(frozen=True)
class Hold:
    """Why a submission or a test stopped before reaching OpenAI, and the limit it met."""

    reason: HoldReason
    limit: int = 0

    @property
    def outcome(self) -> str:
        """The audit row's outcome: a refusal by setting, or a limit."""
        return "refused" if self.reason is HoldReason.CREATION_CLOSED else "limited"

    @property
    def detail(self) -> str:
        if self.reason is HoldReason.CREATION_CLOSED:
            return "new projects are for admins in this workspace"
        return f"{self.reason} {self.limit}/hour"


@dataclass(frozen=True)
class Usage:
    """Counts over the last :data:`WINDOW`."""

    projects_by_person: int = 0
    projects_in_workspace: int = 0
    checks_by_person: int = 0
    checks_in_workspace: int = 0


def hold_for(
    used: Usage, limits: HourlyLimits, *, new_project: bool, creation_open: bool, admin: bool
) -> Hold | None:
    """None when one more live check (creating a project when ``new_project``) may go.

    Admins (workspace and org admins, ``KEY_ADMINS``) may always create projects and are held
    only by their own check budget: a flood by members must not lock them out.
    """
    if new_project and not admin:
        if not creation_open:
            return Hold(HoldReason.CREATION_CLOSED)
        if used.projects_by_person >= limits.projects_per_person:
            return Hold(HoldReason.PROJECTS_PER_PERSON, limits.projects_per_person)
        if used.projects_in_workspace >= limits.projects_per_workspace:
            return Hold(HoldReason.PROJECTS_PER_WORKSPACE, limits.projects_per_workspace)
    if used.checks_by_person >= limits.checks_per_person:
        return Hold(HoldReason.CHECKS_PER_PERSON, limits.checks_per_person)
    if not admin and used.checks_in_workspace >= limits.checks_per_workspace:
        return Hold(HoldReason.CHECKS_PER_WORKSPACE, limits.checks_per_workspace)
    return None


class Limiter:
    def __init__(
        self,
        database: Database,
        limits: HourlyLimits,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.limits = limits
        self.clock = clock

    def reserve(self, actor: Actor, *, admin: bool, project_name: str | None = None) -> Hold | None:
        """Take one live check from the budgets, or say why not (nothing is recorded then).

        ``project_name``: the project a submission is for; when it does not exist yet, the
        submission would create it, so the creation setting and project budgets apply.
        """
        now = self.clock()
        since = now - WINDOW
        workspace = actor.workspace
        with self.database.session() as session, session.begin():
            lock_workspace(session, workspace)
            new_project = (
                project_name is not None
                and records.find_project(session, workspace, project_name) is None
            )
            creation_open = not new_project or settings_rows.members_create_projects(
                session, workspace
            )
            projects = (
                usage.projects_since(session, workspace, actor.user_id, since)
                if new_project
                else (0, 0)
            )
            checks = usage.checks_since(session, workspace, actor.user_id, since)
            used = Usage(projects[0], projects[1], checks[0], checks[1])
            hold = hold_for(
                used, self.limits, new_project=new_project, creation_open=creation_open, admin=admin
            )
            if hold is None:
                usage.record_check(session, workspace, actor.user_id, now, keep_after=since)
        return hold
