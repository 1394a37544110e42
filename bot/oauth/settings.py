"""Bolt's OAuth settings for multi-workspace installs, built from explicit values only.

Bolt's ``OAuthSettings`` falls back to the process environment for what it is not given
(``SLACK_SCOPES``, ``SLACK_USER_SCOPES``, ``SLACK_INSTALL_PATH``…) and to file-based stores;
everything is passed here so the app behaves the same whatever else is set. The one exception
is deliberate: ``SLACK_REDIRECT_URI`` (optional, Bolt's own variable) names the redirect URL
when the Slack app lists several. Two details point
every Slack call at ``SLACK_API_URL``: the authorize URL is derived from it (``…/api/`` →
``…/oauth/v2/authorize``), and the ``authorize`` used for requests gets its own Web API client
on that base URL, because Bolt's default one would refresh rotating tokens at slack.com.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urljoin

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings

from bot.config import Settings
from bot.keys.keyring import Keyring
from bot.oauth.installation_store import EncryptedInstallationStore
from bot.oauth.scopes import BOT_SCOPES
from bot.oauth.state_store import DatabaseOAuthStateStore
from bot.slack_client import build_web_client
from bot.store.database import Database

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_EXPIRATION_SECONDS = 600
# Refresh a rotating token this long before it expires (Slack issues 12-hour tokens).
TOKEN_ROTATION_MINUTES = 120


@dataclass(frozen=True)
class OAuthParts:
    """What ``build_oauth_bolt_app`` hands to ``App``, and the store the listeners use."""

    settings: OAuthSettings
    installation_store: EncryptedInstallationStore
    state_store: DatabaseOAuthStateStore


def authorization_url(api_url: str) -> str:
    """Slack's authorize page next to the Web API: ``https://slack.com/oauth/v2/authorize``."""
    base = api_url if api_url.endswith("/") else f"{api_url}/"
    return urljoin(base, "../oauth/v2/authorize")


def build_oauth_parts(
    settings: Settings,
    database: Database,
    keyring: Keyring,
    *,
    redirect_uri: str | None = None,
    token_rotation_minutes: int = TOKEN_ROTATION_MINUTES,
) -> OAuthParts:
    """OAuth settings on the app's database, with tokens sealed by ``keyring``.

    ``redirect_uri`` is only needed when the Slack app lists several redirect URLs; Slack
    then requires the one used to be named in both the authorize and the token requests.
    When it is None, Bolt reads ``SLACK_REDIRECT_URI``.
    """
    if not settings.slack_client_id or settings.slack_client_secret is None:
        raise ValueError("OAuth needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
    client_id = settings.slack_client_id
    client_secret = settings.slack_client_secret.get_secret_value()
    installation_store = EncryptedInstallationStore(client_id, database.engine, keyring)
    state_store = DatabaseOAuthStateStore(STATE_EXPIRATION_SECONDS, database.engine)
    oauth_settings = OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=redirect_uri,
        install_path=INSTALL_PATH,
        # Straight to Slack's consent screen (302) rather than Bolt's "Add to Slack" page.
        install_page_rendering_enabled=False,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorization_url(settings.slack_api_url),
        installation_store=installation_store,
        token_rotation_expiration_minutes=token_rotation_minutes,
        state_store=state_store,
        state_expiration_seconds=STATE_EXPIRATION_SECONDS,
        logger=logging.getLogger("bot.oauth.flow"),
    )
    # Bolt's own authorize refreshes rotating tokens with a default client (slack.com): replace
    # it with one whose token rotator talks to SLACK_API_URL. App() picks it up from here.
    oauth_settings.authorize = InstallationStoreAuthorize(
        logger=logging.getLogger("bot.oauth.authorize"),
        installation_store=installation_store,
        client_id=client_id,
        client_secret=client_secret,
        token_rotation_expiration_minutes=token_rotation_minutes,
        client=build_web_client(settings.slack_api_url),
    )
    return OAuthParts(oauth_settings, installation_store, state_store)
