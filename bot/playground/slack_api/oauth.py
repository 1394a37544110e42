"""OAuth (multi-workspace): the installer's consent, ``oauth.v2.access`` and
``oauth.v2.exchange``.

``oauth_code()`` stands for an installer approving the app on Slack's consent page;
``oauth.v2.access`` exchanges that code once (checking the client credentials) and refreshes
rotating tokens (``grant_type=refresh_token``), and ``oauth.v2.exchange`` turns a long-lived
token into a rotating one.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from bot.playground.slack_api.defaults import (
    APP_ID,
    BOT_SCOPES,
    BOT_USER_ID,
    ROTATING_TOKEN_SECONDS,
)
from bot.playground.slack_api.tokens import TokenGrant, TokensAPI

OAUTH_METHODS = frozenset({"oauth.v2.access", "oauth.v2.exchange"})


@dataclass
class OAuthConsent:
    """What an installer approved on Slack's consent page; a code stands for it, once."""

    team_id: str | None
    team_name: str
    enterprise_id: str | None
    enterprise_name: str | None
    is_enterprise_install: bool
    installer_id: str
    rotation: bool
    scopes: tuple[str, ...]
    user_scopes: tuple[str, ...]


class OAuthAPI(TokensAPI):
    """Installs and token exchanges; the tokens they issue are kept by ``TokensAPI``."""

    client_id: str
    client_secret: str
    _codes: dict[str, OAuthConsent]

    def _init_oauth(self, client_id: str, client_secret: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self._codes = {}

    def oauth_code(
        self,
        team_id: str | None = "T0001",
        *,
        team_name: str | None = None,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        is_enterprise_install: bool = False,
        installer_id: str = "U0INSTALLER",
        rotation: bool = False,
        scopes: tuple[str, ...] = BOT_SCOPES,
        user_scopes: tuple[str, ...] = (),
    ) -> str:
        """A code as Slack appends to the redirect URL after the installer approves the app.

        An org-wide install (``is_enterprise_install``) has no team: pass ``team_id=None``.
        With ``rotation`` the tokens expire after 12 hours and come with refresh tokens.
        """
        code = f"{int(time.time())}.{secrets.token_hex(16)}"
        with self._lock:
            self._codes[code] = OAuthConsent(
                team_id=team_id,
                team_name=team_name or f"Team {team_id or enterprise_id}",
                enterprise_id=enterprise_id,
                enterprise_name=enterprise_name
                or (f"Org {enterprise_id}" if enterprise_id else None),
                is_enterprise_install=is_enterprise_install,
                installer_id=installer_id,
                rotation=rotation,
                scopes=tuple(scopes),
                user_scopes=tuple(user_scopes),
            )
        return code

    def answer_oauth(
        self, method: str, params: dict[str, Any], credentials: tuple[str, str] | None
    ) -> dict[str, Any]:
        """``oauth.v2.access`` (code or refresh token) and ``oauth.v2.exchange``.

        The client authenticates with HTTP Basic (slack-sdk) or ``client_id`` and
        ``client_secret`` parameters, as Slack accepts both.
        """
        client_id, client_secret = credentials or (
            str(params.get("client_id") or ""),
            str(params.get("client_secret") or ""),
        )
        if client_id != self.client_id:
            return {"ok": False, "error": "invalid_client_id"}
        if client_secret != self.client_secret:
            return {"ok": False, "error": "bad_client_secret"}
        if method == "oauth.v2.exchange":
            return self._exchange(str(params.get("token") or ""))
        if params.get("grant_type") == "refresh_token":
            return self._refresh(str(params.get("refresh_token") or ""))
        with self._lock:
            consent = self._codes.pop(str(params.get("code") or ""), None)
        if consent is None:
            return {"ok": False, "error": "invalid_code"}
        return self._install(consent)

    def _install(self, consent: OAuthConsent) -> dict[str, Any]:
        common: dict[str, Any] = {
            "enterprise_id": consent.enterprise_id,
            "enterprise_name": consent.enterprise_name,
            "is_enterprise_install": consent.is_enterprise_install,
            "team_name": consent.team_name,
        }
        expires = ROTATING_TOKEN_SECONDS if consent.rotation else None
        bot = self.issue_token(consent.team_id, expires_in=expires, scopes=consent.scopes, **common)
        authed_user: dict[str, Any] = {"id": consent.installer_id}
        if consent.user_scopes:
            user = self.issue_token(
                consent.team_id,
                kind="user",
                expires_in=expires,
                user_id=consent.installer_id,
                scopes=consent.user_scopes,
                **common,
            )
            authed_user.update(
                scope=",".join(consent.user_scopes),
                access_token=user.token,
                token_type="user",
                **_rotation_fields(user),
            )
        return {**_token_response(bot), "authed_user": authed_user}

    def _refresh(self, refresh_token: str) -> dict[str, Any]:
        with self._lock:
            old = self._refresh_tokens.pop(refresh_token, None)
        if old is None or old.revoked:
            return {"ok": False, "error": "invalid_refresh_token"}
        new = self._reissue(old)
        return _token_response(new)

    def _exchange(self, token: str) -> dict[str, Any]:
        old = self.grant_for(token)
        if old is None or old.revoked:
            return {"ok": False, "error": "invalid_auth"}
        if old.refresh_token is not None:
            return {"ok": False, "error": "token_rotation_already_enabled"}
        return _token_response(self._reissue(old))

    def _reissue(self, old: TokenGrant) -> TokenGrant:
        return self.issue_token(
            old.team_id,
            kind=old.kind,
            expires_in=ROTATING_TOKEN_SECONDS,
            user_id=old.user_id,
            enterprise_id=old.enterprise_id,
            enterprise_name=old.enterprise_name,
            is_enterprise_install=old.is_enterprise_install,
            team_name=old.team_name,
            scopes=old.scopes,
        )


def _rotation_fields(grant: TokenGrant) -> dict[str, Any]:
    if grant.refresh_token is None or grant.expires_at is None:
        return {}
    return {"refresh_token": grant.refresh_token, "expires_in": ROTATING_TOKEN_SECONDS}


def _token_response(grant: TokenGrant) -> dict[str, Any]:
    """The ``oauth.v2.access`` body for a bot token (install, refresh and exchange alike)."""
    return {
        "ok": True,
        "app_id": APP_ID,
        "access_token": grant.token,
        "token_type": grant.kind,
        "scope": ",".join(grant.scopes),
        "bot_user_id": BOT_USER_ID if grant.kind == "bot" else None,
        "team": None if grant.team_id is None else {"id": grant.team_id, "name": grant.team_name},
        "enterprise": (
            None
            if grant.enterprise_id is None
            else {"id": grant.enterprise_id, "name": grant.enterprise_name}
        ),
        "is_enterprise_install": grant.is_enterprise_install,
        **_rotation_fields(grant),
    }
