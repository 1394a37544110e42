"""Keyring rotation for Slack tokens: re-encrypted under the new key, old key retirable."""

from __future__ import annotations

from sqlalchemy import update

from bot.oauth.rekeying import rekey_tokens, token_rows_using
from bot.store.slack_installations import slack_bots
from tests.support.oauth_app import RunningOAuthApp


def test_tokens_move_to_the_active_key(oauth_app: RunningOAuthApp) -> None:
    oauth_app.install("T0001", rotation=True, user_scopes=("users:read",))
    oauth_app.install("T0002")
    keyring = oauth_app.services.keyring
    old_key = keyring.active_id
    assert token_rows_using(oauth_app.database, old_key) == 4  # 2 installations, 2 bots
    before = oauth_app.store.find_installation(enterprise_id=None, team_id="T0001")

    new_key = keyring.add_key()
    report = rekey_tokens(oauth_app.database, keyring, batch_size=1)
    assert (report.rotated, report.unreadable) == (4, [])
    assert token_rows_using(oauth_app.database, old_key) == 0
    assert token_rows_using(oauth_app.database, new_key) == 4
    assert rekey_tokens(oauth_app.database, keyring).rotated == 0  # nothing left to do

    keyring.retire(old_key)
    after = oauth_app.store.find_installation(enterprise_id=None, team_id="T0001")
    assert after.bot_token == before.bot_token
    assert after.bot_refresh_token == before.bot_refresh_token
    assert after.user_token == before.user_token
    oauth_app.command_from("key", team_id="T0002")
    assert oauth_app.slack.wait_for("views.open")


def test_an_unreadable_row_is_reported_and_the_others_rekeyed(oauth_app: RunningOAuthApp) -> None:
    oauth_app.install("T0001")
    oauth_app.install("T0002")
    with oauth_app.database.engine.begin() as connection:
        connection.execute(
            update(slack_bots).where(slack_bots.c.team_id == "T0001").values(bot_token="v1.x.yy")
        )
    oauth_app.services.keyring.add_key()
    report = rekey_tokens(oauth_app.database, oauth_app.services.keyring)
    assert report.rotated == 3
    assert len(report.unreadable) == 1 and report.unreadable[0].startswith("slack_bots:")
