"""Usage and cost: month-to-date totals and a text sparkline of the last 30 days."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.org.costs import BudgetAlert, ProjectCosts, sparkline
from bot.ui.blocks import Block, context, header, section
from bot.ui.messages import text
from bot.ui.mrkdwn import MAX_BLOCKS_MESSAGE


def render_usage(
    costs: Sequence[ProjectCosts], charts: Mapping[int, str | None] | None = None
) -> list[Block]:
    """Month-to-date totals and a sparkline per project; the chart image when one was drawn
    (the sparkline stays: it is the text a screen reader or a notification shows)."""
    if not costs:
        return [section(text("costs.none_linked"))]
    charts = charts or {}
    blocks: list[Block] = [header(text("costs.header"))]
    for project in costs[: (MAX_BLOCKS_MESSAGE - 2) // 2]:
        line = text(
            "costs.project", project=project.project_name, month=_money(project.month_to_date)
        )
        if project.budget:
            share = round(100 * project.month_to_date / project.budget)
            line += text("costs.budget", budget=_money(project.budget), share=share)
        values = [usd for _, usd in project.days]
        trend = text("costs.trend", top=_money(max(values, default=0.0)))
        blocks.append(section(f"{line}\n{trend} `{sparkline(values)}`"))
        file_id = charts.get(project.project_id)
        if file_id:
            alt = text("costs.chart_alt", project=project.project_name)
            blocks.append({"type": "image", "slack_file": {"id": file_id}, "alt_text": alt})
    blocks.append(context(text("costs.as_of")))
    return blocks


def render_budget_alert(alert: BudgetAlert) -> list[Block]:
    return [
        section(
            text(
                "costs.alert",
                project=alert.project_name,
                threshold=alert.threshold,
                spent=_money(alert.spent),
                budget=_money(alert.budget),
            )
        ),
        context(text("costs.alert_why", project=alert.project_name)),
    ]


def _money(value: float) -> str:
    return f"{value:,.2f}"
