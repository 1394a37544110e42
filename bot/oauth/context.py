"""The installation store in Bolt's context (OAuth mode only).

Listeners reach the store through the context, like the services: in single-workspace mode
there is none and ``installation_store_of`` returns ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk.oauth.installation_store.installation_store import InstallationStore

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
