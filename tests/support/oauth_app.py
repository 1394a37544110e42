"""The real app in OAuth (multi-workspace) mode on a loopback port, and an installing browser.

``RunningOAuthApp`` builds the app the way ``python -m bot`` does with ``SLACK_CLIENT_ID`` and
``SLACK_CLIENT_SECRET`` set (HTTP mode) and keeps ``RunningApp``'s signed-request helpers.
``install()`` plays the installer's browser: ``/slack/install`` (a redirect to Slack's
authorize page with a state and a state cookie), Slack's consent (``FakeSlack.oauth_code``),
then ``/slack/oauth_redirect`` with the code, the state and the cookie.
"""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from slack_bolt import App

from bot.app import build_oauth_bolt_app
from bot.config import Settings
from bot.services import Services
from tests.fakes.slack import FakeSlack
from tests.support import payloads
from tests.support.running_app import SIGNING_SECRET, HttpResponse, RunningApp

STATE_COOKIE = "slack-app-oauth-state"


def get(url: str, headers: dict[str, str] | None = None) -> HttpResponse:
    """A GET that does not follow redirects (the install page sends the browser to Slack)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return HttpResponse(response.status, response.read(), dict(response.getheaders()))
    finally:
        connection.close()


class RunningOAuthApp(RunningApp):
    """``RunningApp`` in OAuth mode: no bot token; tokens come from the installation store."""

    def credentials(self, slack: FakeSlack) -> dict[str, Any]:
        return {
            "slack_client_id": slack.client_id,
            "slack_client_secret": slack.client_secret,
            "slack_signing_secret": SIGNING_SECRET,
        }

    def build_bolt(self, settings: Settings, services: Services) -> App:
        return build_oauth_bolt_app(settings, services)

    @property
    def store(self) -> Any:
        """The app's installation store (``EncryptedInstallationStore``)."""
        assert self.bolt.installation_store is not None
        return self.bolt.installation_store

    # --- installing --------------------------------------------------------------------------
    def start_install(self) -> tuple[HttpResponse, str]:
        """``GET /slack/install``: the response and the state it carries."""
        response = get(f"{self.url}/slack/install")
        location = response.headers.get("Location", "")
        (state,) = parse_qs(urlsplit(location).query)["state"]
        return response, state

    def finish_install(
        self, code: str, state: str, *, cookie_state: str | None = None
    ) -> HttpResponse:
        """``GET /slack/oauth_redirect`` as the browser does after the consent page."""
        cookie = f"{STATE_COOKIE}={cookie_state if cookie_state is not None else state}"
        query = urlencode({"code": code, "state": state})
        return get(f"{self.url}/slack/oauth_redirect?{query}", headers={"Cookie": cookie})

    def install(self, team_id: str | None = "T0001", **consent: Any) -> HttpResponse:
        """The whole install of the app into ``team_id`` (see ``FakeSlack.oauth_code``)."""
        _response, state = self.start_install()
        return self.finish_install(self.slack.oauth_code(team_id, **consent), state)

    # --- requests from other workspaces -----------------------------------------------------
    def command_from(
        self,
        text: str,
        *,
        team_id: str,
        enterprise_id: str | None = None,
        org_wide: bool = False,
        user_id: str = "U0ALICE",
    ) -> HttpResponse:
        """A slash command from another team (and org), signed like Slack signs it."""
        body = payloads.slash_command(
            text,
            user_id=user_id,
            response_url=self.next_response_url(),
            team_id=team_id,
            enterprise_id=enterprise_id,
        )
        if org_wide:
            body = body.replace(b"is_enterprise_install=false", b"is_enterprise_install=true")
        return self.post(body, "application/x-www-form-urlencoded")

    def event_from(
        self,
        event: dict[str, Any],
        *,
        team_id: str | None,
        enterprise_id: str | None = None,
        org_wide: bool = False,
    ) -> HttpResponse:
        """An Events API delivery whose authorization is for this team (or org)."""
        envelope = json.loads(payloads.event_callback(event, team_id=team_id or "T0ORGLEVEL"))
        envelope["enterprise_id"] = enterprise_id
        envelope["authorizations"] = [
            {
                "enterprise_id": enterprise_id,
                "team_id": None if org_wide else team_id,
                "user_id": "UBOT0001",
                "is_bot": True,
                "is_enterprise_install": org_wide,
            }
        ]
        return self.post(json.dumps(envelope).encode(), "application/json")
