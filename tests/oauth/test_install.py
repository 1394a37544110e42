"""Installing through OAuth: the install redirect, the state, and tokens encrypted at rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url

from bot.oauth.settings import BOT_SCOPES
from bot.store.slack_installations import (
    SECRET_COLUMNS,
    slack_bots,
    slack_installations,
    slack_oauth_states,
)
from tests.fakes.slack import FakeSlack
from tests.support.oauth_app import RunningOAuthApp
from tests.support.running_app import http

SLACK_TABLES = (slack_installations, slack_bots, slack_oauth_states)


def _tokens_of(slack: FakeSlack, team_id: str | None) -> list[str]:
    grants = [grant for grant in slack.tokens.values() if grant.team_id == team_id]
    return [grant.token for grant in grants] + [g.refresh_token for g in grants if g.refresh_token]


def _slack_rows_text(app: RunningOAuthApp) -> str:
    """Every column of every row of the Slack tables, as text."""
    with app.database.engine.connect() as connection:
        rows = [
            repr(tuple(row)) for table in SLACK_TABLES for row in connection.execute(select(table))
        ]
    return "\n".join(rows)


def _database_file_bytes(app: RunningOAuthApp) -> bytes:
    """The SQLite file and its WAL, as stored on disk (empty for PostgreSQL)."""
    url = make_url(app.database.url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return b""
    path = Path(url.database)
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_install_redirects_to_slack_with_a_state(oauth_app: RunningOAuthApp) -> None:
    response, state = oauth_app.start_install()
    assert response.status == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}" == oauth_app.slack.url
    assert location.path == "/oauth/v2/authorize"
    query = parse_qs(location.query)
    assert query["client_id"] == [oauth_app.slack.client_id]
    assert query["scope"] == [",".join(BOT_SCOPES)]
    assert state and f"slack-app-oauth-state={state}" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    with oauth_app.database.engine.connect() as connection:
        assert connection.scalar(select(slack_oauth_states.c.state)) == state


def test_redirect_stores_the_installation_encrypted(oauth_app: RunningOAuthApp) -> None:
    response = oauth_app.install("T0001", rotation=True)
    assert response.status == 200, response.text
    (exchange,) = oauth_app.slack.calls_to("oauth.v2.access")
    assert exchange.params["code"]
    secrets = _tokens_of(oauth_app.slack, "T0001")
    assert len(secrets) == 2  # the bot token and its refresh token
    stored = _slack_rows_text(oauth_app)
    file_bytes = _database_file_bytes(oauth_app)
    for secret in secrets:
        assert secret not in stored
        assert secret.encode() not in file_bytes
    with oauth_app.database.engine.connect() as connection:
        for table in (slack_installations, slack_bots):
            row = connection.execute(select(table)).mappings().one()
            for column in SECRET_COLUMNS:
                if column in row and row[column] is not None:
                    assert row[column].startswith("v1."), column
    bot_grant = next(g for g in oauth_app.slack.tokens.values() if g.team_id == "T0001")
    installation = oauth_app.store.find_installation(enterprise_id=None, team_id="T0001")
    assert installation.bot_token == bot_grant.token
    assert installation.bot_refresh_token == bot_grant.refresh_token
    assert installation.user_id == "U0INSTALLER"
    assert installation.bot_scopes == list(BOT_SCOPES)
    bot = oauth_app.store.find_bot(enterprise_id=None, team_id="T0001")
    assert bot.bot_token == bot_grant.token
    assert bot.bot_id == "B0001"


def test_user_tokens_are_encrypted_too(oauth_app: RunningOAuthApp) -> None:
    oauth_app.install("T0001", user_scopes=("users:read",))
    user = next(g for g in oauth_app.slack.tokens.values() if g.kind == "user")
    assert user.token not in _slack_rows_text(oauth_app)
    assert user.token.encode() not in _database_file_bytes(oauth_app)
    found = oauth_app.store.find_installation(
        enterprise_id=None, team_id="T0001", user_id="U0INSTALLER"
    )
    assert found.user_token == user.token


def test_a_state_is_used_once(oauth_app: RunningOAuthApp) -> None:
    _response, state = oauth_app.start_install()
    first = oauth_app.finish_install(oauth_app.slack.oauth_code("T0001"), state)
    assert first.status == 200
    again = oauth_app.finish_install(oauth_app.slack.oauth_code("T0002"), state)
    assert again.status == 401
    assert oauth_app.store.find_installation(enterprise_id=None, team_id="T0002") is None
    assert len(oauth_app.slack.calls_to("oauth.v2.access")) == 1


def test_unknown_expired_or_foreign_states_are_refused(oauth_app: RunningOAuthApp) -> None:
    code = oauth_app.slack.oauth_code("T0001")
    assert oauth_app.finish_install(code, "made-up-state").status == 401
    _response, state = oauth_app.start_install()
    # A state from another browser (the cookie does not match) is refused before it is used.
    assert oauth_app.finish_install(code, state, cookie_state="someone-else").status == 400
    with oauth_app.database.engine.begin() as connection:
        past = datetime.now(tz=UTC).replace(tzinfo=None) - timedelta(seconds=1)
        connection.execute(update(slack_oauth_states).values(expire_at=past))
    assert oauth_app.finish_install(code, state).status == 401
    assert not oauth_app.slack.calls_to("oauth.v2.access")
    assert oauth_app.store.find_installation(enterprise_id=None, team_id="T0001") is None


def test_a_refused_code_stores_nothing(oauth_app: RunningOAuthApp) -> None:
    _response, state = oauth_app.start_install()
    response = oauth_app.finish_install("not-a-code", state)
    assert response.status == 401
    with oauth_app.database.engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM slack_installations")).scalar() == 0


@pytest.mark.parametrize("path", ["/slack/install", "/slack/oauth_redirect"])
def test_install_pages_answer_only_get(oauth_app: RunningOAuthApp, path: str) -> None:
    assert http("POST", f"{oauth_app.url}{path}", b"", {}).status == 404
