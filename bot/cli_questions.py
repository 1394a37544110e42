"""``python -m bot ask --unanswered``: the questions the app could not answer, for operators."""

from __future__ import annotations

import json
import sys
from datetime import timedelta

from bot.cli_keys import MissingDatabase, _open_database
from bot.config import Settings
from bot.identity import Workspace
from bot.store.asked_questions import Asked, QuestionLog

MAX_LISTED = 1000


def list_unanswered(settings: Settings, team: str | None, enterprise: str, *, as_json: bool) -> int:
    """Print them newest first (all workspaces, or ``team``); 3 when there is no database."""
    try:
        database = _open_database(settings, create=False)
    except MissingDatabase as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    try:
        log = QuestionLog(database, retention=timedelta(days=settings.unanswered_retention_days))
        workspace = Workspace(enterprise, team) if team else None
        rows = log.unanswered(workspace, limit=MAX_LISTED)
    finally:
        database.dispose()
    if as_json:
        print(json.dumps([_as_json(row) for row in rows], indent=2, ensure_ascii=False))
    elif not rows:
        print("No unanswered questions.")
    else:
        print("\n".join(_as_line(row) for row in rows))
    return 0


def _as_json(row: Asked) -> dict[str, object]:
    return {
        "question": row.question,
        "outcome": row.outcome.value,
        "language": row.language,
        "entries": [
            {"id": entry_id, "score": score}
            for entry_id, score in zip(row.entry_ids, row.scores, strict=False)
        ],
        "asked_by": row.user_id,
        "enterprise": row.enterprise_id or None,
        "team": row.team_id,
        "created_at": row.created_at.isoformat(),
    }


def _as_line(row: Asked) -> str:
    best = ", ".join(row.entry_ids) or "-"
    when = row.created_at.strftime("%Y-%m-%d %H:%M")
    return (
        f"{when}  {row.team_id}  {row.user_id}  {row.outcome.value:<13}  {row.language:<3}  "
        f"{row.question!r}  (closest: {best})"
    )
