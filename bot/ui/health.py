"""The direct message a project's maintainers get when a re-check changes its key's status."""

from __future__ import annotations

from bot.keys.health import HealthChange
from bot.keys.outcomes import outcome_text
from bot.ui.blocks import Block, context, section
from bot.ui.messages import text


def render_health_change(change: HealthChange) -> list[Block]:
    if change.recovered:
        lines = [text("key_health.recovered", project=change.project_name, masked=change.masked)]
    else:
        words = outcome_text(change.result.outcome)
        lines = [
            text(
                "key_health.failing",
                project=change.project_name,
                masked=change.masked,
                title=words.title,
                explanation=words.explanation,
            ),
            text("key_health.todo", action=words.action),
        ]
        if words.step is not None:
            lines.append(text("key_health.step", number=words.step))
    return [
        *(section(line) for line in lines),
        context(text("key_health.why_you", project=change.project_name)),
    ]
