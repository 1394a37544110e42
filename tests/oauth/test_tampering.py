"""A stored token that does not decrypt fails that workspace's requests cleanly, and only its."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import select, update

from bot.log_redaction import install_redaction
from bot.store.slack_installations import slack_bots, slack_installations
from tests.fakes.slack import FakeSlack
from tests.support.oauth_app import RunningOAuthApp


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """Root logging at DEBUG through the app's redacting filter, as ``python -m bot`` runs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    install_redaction(root)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def _token(slack: FakeSlack, team_id: str) -> str:
    return next(g.token for g in slack.tokens.values() if g.team_id == team_id)


def _bot_ciphertext(app: RunningOAuthApp, team_id: str) -> str:
    with app.database.engine.connect() as connection:
        query = select(slack_bots.c.bot_token).where(slack_bots.c.team_id == team_id)
        return str(connection.scalar(query))


def _set_bot_ciphertext(app: RunningOAuthApp, team_id: str, value: str) -> None:
    with app.database.engine.begin() as connection:
        for table in (slack_installations, slack_bots):
            connection.execute(
                update(table).where(table.c.team_id == team_id).values(bot_token=value)
            )


def _altered(ciphertext: str) -> str:
    last = ciphertext[-2]
    return ciphertext[:-2] + ("A" if last != "A" else "B") + ciphertext[-1]


@pytest.mark.parametrize("tampering", ["altered", "moved from another workspace", "garbage"])
def test_tampered_token_fails_the_request_cleanly(
    oauth_app: RunningOAuthApp, debug_log: io.StringIO, tampering: str
) -> None:
    oauth_app.install("T0001")
    oauth_app.install("T0002")
    replacement = {
        "altered": _altered(_bot_ciphertext(oauth_app, "T0001")),
        "moved from another workspace": _bot_ciphertext(oauth_app, "T0002"),
        "garbage": "xoxb-not-encrypted",
    }[tampering]
    _set_bot_ciphertext(oauth_app, "T0001", replacement)

    response = oauth_app.command_from("key", team_id="T0001")
    assert response.status == 200
    (reply,) = oauth_app.slack.wait_for("response_url")
    assert "installation" in reply.text_content()
    assert not oauth_app.slack.calls_to("views.open")
    assert oauth_app.store.find_installation(enterprise_id=None, team_id="T0001") is None

    # The other workspace keeps working.
    oauth_app.command_from("key", team_id="T0002")
    (opened,) = oauth_app.slack.wait_for("views.open")
    assert opened.token == _token(oauth_app.slack, "T0002")

    logs = debug_log.getvalue()
    assert "cannot be decrypted" in logs
    assert "Traceback" not in logs
    for team in ("T0001", "T0002"):
        assert _token(oauth_app.slack, team) not in logs
