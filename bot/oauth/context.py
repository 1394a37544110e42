"""The installation store in Bolt's context (OAuth mode only), and the workspaces it covers.

Listeners reach the store through the context, like the services: in single-workspace mode
there is none and ``installation_store_of`` returns ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk.oauth.installation_store.installation_store import InstallationStore
from sqlalchemy import select, union

from bot.store.database import Database
from bot.store.models import KeyProject, StepCompletion

CONTEXT_KEY = "slack_installations"


def inject_installation_store(store: InstallationStore) -> Callable[..., Any]:
    """A Bolt middleware putting ``store`` into every request's context."""

    def middleware(context: dict[str, Any], next: Callable[[], Any]) -> Any:
        context[CONTEXT_KEY] = store
        return next()

    return middleware


def installation_store_of(context: Any) -> InstallationStore | None:
    store = context.get(CONTEXT_KEY)
    return store if isinstance(store, InstallationStore) else None


def teams_with_data(database: Database, enterprise_id: str) -> list[str]:
    """Every team of an Enterprise Grid org that has progress or projects stored here.

    An org-wide install serves many teams under one installation, and the app keys its data
    by (enterprise, team): uninstalling it org-wide must forget each of those teams.
    """
    query = union(
        select(StepCompletion.team_id).where(StepCompletion.enterprise_id == enterprise_id),
        select(KeyProject.team_id).where(KeyProject.enterprise_id == enterprise_id),
    )
    with database.session() as session:
        return sorted({str(team) for team in session.scalars(query)})
