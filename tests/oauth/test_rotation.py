"""Token rotation: an expiring bot token is refreshed at SLACK_API_URL and stored encrypted."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.store.slack_installations import slack_bots, slack_installations
from tests.fakes.slack import ROTATING_TOKEN_SECONDS, FakeSlack, TokenGrant
from tests.support.oauth_app import RunningOAuthApp


def _bot_grants(slack: FakeSlack, team_id: str) -> list[TokenGrant]:
    return [g for g in slack.tokens.values() if g.team_id == team_id and g.kind == "bot"]


def _expire_stored_tokens(app: RunningOAuthApp, in_seconds: int) -> None:
    """Make the stored installation say its bot token expires soon (as 12 hours later)."""
    soon = datetime.now(tz=UTC).replace(tzinfo=None) + timedelta(seconds=in_seconds)
    with app.database.engine.begin() as connection:
        for table in (slack_installations, slack_bots):
            connection.execute(update(table).values(bot_token_expires_at=soon))


def test_expiring_bot_token_is_refreshed_and_stored_encrypted(
    oauth_app: RunningOAuthApp,
) -> None:
    oauth_app.install("T0001", rotation=True)
    (old,) = _bot_grants(oauth_app.slack, "T0001")
    old.expires_at = time.time() - 1  # Slack no longer accepts it
    _expire_stored_tokens(oauth_app, -1)

    assert oauth_app.command_from("key", team_id="T0001").status == 200
    (opened,) = oauth_app.slack.wait_for("views.open")
    refreshes = [
        call
        for call in oauth_app.slack.calls_to("oauth.v2.access")
        if call.params.get("grant_type") == "refresh_token"
    ]
    assert len(refreshes) == 1
    assert refreshes[0].params["refresh_token"] == old.refresh_token
    new = next(g for g in _bot_grants(oauth_app.slack, "T0001") if g.token != old.token)
    assert opened.token == new.token

    with oauth_app.database.engine.connect() as connection:
        for table in (slack_installations, slack_bots):
            rows = connection.execute(select(table)).mappings().all()
            assert len(rows) == 1, "the row is updated in place, not duplicated"
            for secret in (new.token, new.refresh_token, old.token, old.refresh_token):
                assert secret not in repr(dict(rows[0]))
            assert rows[0]["bot_token"].startswith("v1.")
            expires = rows[0]["bot_token_expires_at"].replace(tzinfo=UTC).timestamp()
            assert abs(expires - (time.time() + ROTATING_TOKEN_SECONDS)) < 60
    installation = oauth_app.store.find_installation(enterprise_id=None, team_id="T0001")
    assert installation.bot_token == new.token
    assert installation.bot_refresh_token == new.refresh_token
    assert oauth_app.store.find_bot(enterprise_id=None, team_id="T0001").bot_token == new.token


def test_a_fresh_token_is_not_refreshed(oauth_app: RunningOAuthApp) -> None:
    oauth_app.install("T0001", rotation=True)
    (grant,) = _bot_grants(oauth_app.slack, "T0001")
    oauth_app.command_from("key", team_id="T0001")
    (opened,) = oauth_app.slack.wait_for("views.open")
    assert opened.token == grant.token
    assert len(oauth_app.slack.calls_to("oauth.v2.access")) == 1  # the install only


def test_a_refused_refresh_fails_the_request_cleanly(oauth_app: RunningOAuthApp) -> None:
    oauth_app.install("T0001", rotation=True)
    _expire_stored_tokens(oauth_app, 60)
    oauth_app.slack.fail("oauth.v2.access", 200, {"ok": False, "error": "invalid_refresh_token"})
    response = oauth_app.command_from("key", team_id="T0001")
    assert response.status == 200
    (reply,) = oauth_app.slack.wait_for("response_url")
    assert "installation" in reply.text_content()
    assert not oauth_app.slack.calls_to("views.open")
