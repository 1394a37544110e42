"""Daily cost per linked project (Admin API ``/v1/organization/costs``), month-to-date totals,
and optional monthly budgets whose 80% and 100% alerts are sent once a month each.

``fetch`` is the scheduled job's work: it stores the last 30 days and returns the alerts
due; nothing here talks to Slack.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.identity import Actor, Workspace
from bot.keys.access import may_manage
from bot.org.admin_api import AdminApiError, Problem
from bot.org.connection import OrganizationService
from bot.store import key_records as records
from bot.store import organizations as rows
from bot.store.database import Database
from bot.store.organization_models import CostChart, DailyCost, ProjectBudget

log = logging.getLogger(__name__)

WINDOW_DAYS = 30
THRESHOLDS = (100, 80)  # checked highest first: passing both at once alerts once, for 100%


@dataclass(frozen=True)
class ProjectCosts:
    project_id: int
    project_name: str
    openai_project_id: str
    days: tuple[tuple[date, float], ...]  # the last 30 days, oldest first, 0.0 when none
    month_to_date: float
    budget: float | None


@dataclass(frozen=True)
class BudgetAlert:
    workspace: Workspace
    project_name: str
    threshold: int
    spent: float
    budget: float
    maintainers: frozenset[str]


class CostService:
    def __init__(
        self,
        organization: OrganizationService,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.organization = organization
        self.database = organization.database
        self.clock = clock

    def fetch(
        self, now: datetime, pace: Callable[[Workspace], None] = lambda _w: None
    ) -> list[BudgetAlert]:
        """Store every connected workspace's last 30 days; the budget alerts now due."""
        with self.database.read_session() as session:
            workspaces = rows.connected_workspaces(session)
        alerts: list[BudgetAlert] = []
        for workspace in workspaces:
            admin_key = self.organization.admin_key(workspace)
            if admin_key is None:
                continue
            pace(workspace)
            first = now.date() - timedelta(days=WINDOW_DAYS - 1)
            try:
                costs = self.organization.api.daily_costs(admin_key, first, WINDOW_DAYS)
            except AdminApiError as error:
                if error.problem is Problem.RATE_LIMITED:
                    raise
                log.warning("costs of team %s unavailable: %s", workspace.team_id, error.problem)
                continue
            self._store(workspace, costs, first, now)
            alerts += self._budget_alerts(workspace, now)
        return alerts

    def costs(
        self, workspace: Workspace, now: datetime, project_id: int | None = None
    ) -> list[ProjectCosts]:
        first = now.date() - timedelta(days=WINDOW_DAYS - 1)
        month_start = date(now.year, now.month, 1)
        found = []
        with self.database.read_session() as session:
            links = rows.links(session, workspace)
            projects = {p.id: p.name for p in records.list_projects(session, workspace)}
            for linked_id, link in sorted(
                links.items(), key=lambda item: projects.get(item[0], "")
            ):
                if project_id is not None and linked_id != project_id:
                    continue
                by_day = {
                    row.day: row.usd
                    for row in session.scalars(
                        select(DailyCost).where(
                            DailyCost.project_id == linked_id,
                            DailyCost.day >= min(first, month_start),
                        )
                    )
                }
                budget = session.get(ProjectBudget, linked_id)
                days = tuple(
                    (first + timedelta(days=n), by_day.get(first + timedelta(days=n), 0.0))
                    for n in range(WINDOW_DAYS)
                )
                month = sum(usd for day, usd in by_day.items() if day >= month_start)
                found.append(
                    ProjectCosts(
                        linked_id,
                        projects.get(linked_id, ""),
                        link.openai_project_id,
                        days,
                        round(month, 2),
                        budget.monthly_usd if budget else None,
                    )
                )
        return found

    def set_budget(self, actor: Actor, project_id: int, monthly_usd: float | None) -> bool:
        """Admins and the project's maintainers; ``None`` removes the budget. Audited."""
        now = self.clock()
        with self.database.session() as session, session.begin():
            project = records.project_by_id(session, actor.workspace, project_id)
            if project is None:
                return False
            allowed = may_manage(
                actor, self.organization.key_admins, records.maintainers(session, project_id)
            )
            if allowed:
                row = session.get(ProjectBudget, project_id)
                if monthly_usd is None:
                    if row is not None:
                        session.delete(row)
                else:
                    if row is None:
                        row = ProjectBudget(project_id=project_id)
                        session.add(row)
                    row.monthly_usd = monthly_usd
                    row.set_by = actor.user_id
                    row.set_at = now
            records.add_audit(
                session,
                actor.workspace,
                actor=actor.user_id,
                action="budget",
                outcome="set" if allowed else "refused",
                now=now,
                project_name=project.name,
                detail=f"{monthly_usd:.2f} USD a month" if monthly_usd is not None else "removed",
            )
        return allowed

    def _store(
        self,
        workspace: Workspace,
        costs: dict[tuple[str, date], float],
        first: date,
        now: datetime,
    ) -> None:
        with self.database.session() as session, session.begin():
            links = rows.links(session, workspace)
            for project_id, link in links.items():
                for n in range(WINDOW_DAYS):
                    day = first + timedelta(days=n)
                    usd = costs.get((link.openai_project_id, day), 0.0)
                    row = session.get(DailyCost, (project_id, day))
                    if row is None:
                        row = DailyCost(project_id=project_id, day=day)
                        session.add(row)
                    row.usd = usd
                    row.fetched_at = now

    def _budget_alerts(self, workspace: Workspace, now: datetime) -> list[BudgetAlert]:
        month = f"{now.year:04d}-{now.month:02d}"
        alerts = []
        spent_by_project = {c.project_id: c.month_to_date for c in self.costs(workspace, now)}
        with self.database.session() as session, session.begin():
            for project_id, spent in spent_by_project.items():
                budget = session.get(ProjectBudget, project_id)
                if budget is None or budget.monthly_usd <= 0:
                    continue
                share = 100 * spent / budget.monthly_usd
                for threshold in THRESHOLDS:
                    if share < threshold:
                        continue
                    already = budget.alerted_100 if threshold == 100 else budget.alerted_80
                    if already != month:
                        project = records.project_by_id(session, workspace, project_id)
                        alerts.append(
                            BudgetAlert(
                                workspace,
                                project.name if project else "",
                                threshold,
                                spent,
                                budget.monthly_usd,
                                records.maintainers(session, project_id),
                            )
                        )
                    budget.alerted_80 = month
                    if threshold == 100:
                        budget.alerted_100 = month
                    break
        return alerts


def save_chart(database: Database, project_id: int, file_id: str, now: datetime) -> None:
    with database.session() as session, session.begin():
        row = session.get(CostChart, project_id)
        if row is None:
            row = CostChart(project_id=project_id)
            session.add(row)
        row.slack_file_id = file_id
        row.rendered_at = now


def chart_file(database: Database, project_id: int) -> str | None:
    with database.read_session() as session:
        row = session.get(CostChart, project_id)
        return row.slack_file_id if row is not None else None


def sparkline(values: list[float]) -> str:
    """One character per value, ▁ (zero or least) to █ (most)."""
    bars = "▁▂▃▄▅▆▇█"
    top = max(values, default=0.0)
    if top <= 0:
        return bars[0] * len(values)
    return "".join(
        bars[min(len(bars) - 1, int(value / top * (len(bars) - 1) + 0.5))] for value in values
    )
