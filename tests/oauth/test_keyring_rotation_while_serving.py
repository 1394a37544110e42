"""`keyring add` + `keys rotate` while an OAuth deployment serves: the one keyring object the
app shares (stored keys and Slack tokens alike) follows the rotation without a restart."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import select

from bot.keys.crypto import stored_key_id
from bot.keys.keyring import Keyring
from bot.store.models import StoredKey
from bot.store.slack_installations import slack_bots
from tests.fakes.openai_server import FakeOpenAI
from tests.support.app_process import ROOT
from tests.support.oauth_app import RunningOAuthApp


def _operator(oauth_app: RunningOAuthApp, *command: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bot", *command],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": oauth_app.settings.resolved_database_url,
            "DATA_DIR": str(oauth_app.settings.data_dir),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_rotation_while_an_oauth_app_serves(oauth_app: RunningOAuthApp) -> None:
    oauth_app.install("T0001")
    oauth_app.submit_key("prod", FakeOpenAI.key_for("valid"))
    oauth_app.slack.wait_for("views.update")
    old_id = oauth_app.services.keyring.active_id

    _operator(oauth_app, "keyring", "add")
    rotated = _operator(oauth_app, "keys", "rotate")
    assert "rotated 1" in rotated
    new_id = Keyring.load(oauth_app.settings.data_dir / "keyring.json").active_id
    assert new_id != old_id
    with oauth_app.database.engine.connect() as connection:
        (bot_token,) = connection.execute(select(slack_bots.c.bot_token)).scalars()
        assert stored_key_id(bot_token) == new_id
        (key,) = connection.execute(select(StoredKey.ciphertext)).scalars()
        assert stored_key_id(key) == new_id

    # The installation is still found (its token decrypts) and the stored key still tests.
    listing = oauth_app.command_from("keys", team_id="T0001")
    assert listing.status == 200
    assert "prod" in listing.text
    assert oauth_app.services.keyring.active_id == new_id  # new writes use the new key
