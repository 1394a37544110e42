"""Tokens the fake Slack issued, and ``auth.test``, which says whose a token is.

A token issued here (by an OAuth install or ``issue_token``) is remembered: ``auth.test``
answers with the workspace or org it belongs to, and the server refuses it once it expired or
was revoked. Any other token works for the fake's default team.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from bot.playground.slack_api.defaults import BOT_ID, BOT_SCOPES, BOT_USER_ID


@dataclass
class TokenGrant:
    """A token Slack issued: whose it is, and until when it works."""

    token: str
    team_id: str | None
    enterprise_id: str | None = None
    is_enterprise_install: bool = False
    kind: str = "bot"  # "bot" or "user"
    user_id: str = BOT_USER_ID
    team_name: str = "Example"
    enterprise_name: str | None = None
    scopes: tuple[str, ...] = BOT_SCOPES
    expires_at: float | None = None  # None: a long-lived (non-rotating) token
    refresh_token: str | None = None
    revoked: bool = False

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= time.time()


class TokensAPI:
    team_id: str
    enterprise_id: str | None
    tokens: dict[str, TokenGrant]
    _refresh_tokens: dict[str, TokenGrant]
    _lock: threading.Condition

    def _init_tokens(self) -> None:
        self.tokens = {}
        self._refresh_tokens = {}

    def issue_token(
        self,
        team_id: str | None,
        *,
        kind: str = "bot",
        expires_in: float | None = None,
        refreshable: bool = False,
        **attributes: Any,
    ) -> TokenGrant:
        """Register a token as if Slack had issued it (``expires_in`` may be negative)."""
        rotating = refreshable or expires_in is not None
        grant = TokenGrant(
            token=_new_token(kind, rotating=rotating),
            team_id=team_id,
            kind=kind,
            expires_at=None if expires_in is None else time.time() + expires_in,
            **attributes,
        )
        if rotating:
            grant.refresh_token = f"xoxe-1-{secrets.token_hex(24)}"
        with self._lock:
            self.tokens[grant.token] = grant
            if grant.refresh_token:
                self._refresh_tokens[grant.refresh_token] = grant
        return grant

    def revoke(self, token: str) -> None:
        with self._lock:
            self.tokens[token].revoked = True

    def grant_for(self, token: str | None) -> TokenGrant | None:
        with self._lock:
            return self.tokens.get(token or "")

    def auth_test(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        grant = self.grant_for(token)
        if grant is not None:
            return _auth_test(grant)
        return {
            "ok": True,
            "url": "https://example.slack.com/",
            "team": "Example",
            "user": "openai-setup",
            "team_id": self.team_id,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "enterprise_id": self.enterprise_id,
            "is_enterprise_install": False,
        }


ROUTES = {"auth.test": TokensAPI.auth_test}


def _new_token(kind: str, *, rotating: bool) -> str:
    prefix = "xoxb" if kind == "bot" else "xoxp"
    token = f"{prefix}-{secrets.randbelow(10**12)}-{secrets.token_hex(12)}"
    return f"xoxe.{token}" if rotating else token


def _auth_test(grant: TokenGrant) -> dict[str, Any]:
    """``auth.test`` for a token Slack issued: the workspace (or org) it belongs to."""
    is_bot = grant.kind == "bot"
    return {
        "ok": True,
        "url": f"https://{(grant.team_id or grant.enterprise_id or 'example').lower()}.slack.com/",
        "team": grant.team_name,
        "user": "openai-setup" if is_bot else grant.user_id.lower(),
        # An org-level token answers for the org.
        "team_id": grant.team_id or grant.enterprise_id,
        "user_id": grant.user_id,
        "bot_id": BOT_ID if is_bot else None,
        "enterprise_id": grant.enterprise_id,
        "is_enterprise_install": grant.is_enterprise_install,
    }
