"""What the associated data binds a sealed Slack token to (no database needed)."""

from __future__ import annotations

import pytest
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation

from bot.keys.crypto import DecryptionError
from bot.keys.keyring import Keyring
from bot.oauth.sealing import BOT_FIELDS, USER_FIELDS, TokenSealer

BOT_TOKEN = "xoxe.xoxb-1-bottoken0123456789"
BOT_REFRESH = "xoxe-1-botrefresh0123456789"
USER_TOKEN = "xoxe.xoxp-1-usertoken0123456789"
USER_REFRESH = "xoxe-1-userrefresh0123456789"
WEBHOOK = "https://hooks.slack.com/services/T0001/B0001/secretpath0123"


def _installation(team_id: str | None = "T0001", user_id: str = "U0INSTALLER") -> Installation:
    return Installation(
        app_id="A0OPENAI01",
        enterprise_id=None,
        team_id=team_id,
        user_id=user_id,
        bot_token=BOT_TOKEN,
        bot_id="B0001",
        bot_user_id="UBOT0001",
        bot_refresh_token=BOT_REFRESH,
        bot_token_expires_in=43200,
        user_token=USER_TOKEN,
        user_refresh_token=USER_REFRESH,
        user_token_expires_in=43200,
        incoming_webhook_url=WEBHOOK,
    )


@pytest.fixture
def sealer() -> TokenSealer:
    return TokenSealer(Keyring.generate())


def test_sealing_returns_an_encrypted_copy(sealer: TokenSealer) -> None:
    original = _installation()
    sealed = sealer.seal_installation(original)
    assert original.bot_token == BOT_TOKEN  # the caller's object is untouched
    for field in BOT_FIELDS + USER_FIELDS:
        value = getattr(sealed, field)
        assert value.startswith("v1.") and value not in (
            BOT_TOKEN,
            BOT_REFRESH,
            USER_TOKEN,
            USER_REFRESH,
            WEBHOOK,
        )
    opened = sealer.open_installation(sealed)
    assert (opened.bot_token, opened.bot_refresh_token) == (BOT_TOKEN, BOT_REFRESH)
    assert (opened.user_token, opened.user_refresh_token) == (USER_TOKEN, USER_REFRESH)
    assert opened.incoming_webhook_url == WEBHOOK
    assert opened.installed_at == original.installed_at


def test_a_bot_token_opens_in_both_tables_of_its_workspace(sealer: TokenSealer) -> None:
    sealed = sealer.seal_installation(_installation())
    bot = Bot(**{**sealed.to_bot().to_dict_for_copying()})
    assert sealer.open_bot(bot).bot_token == BOT_TOKEN


def test_a_token_moved_to_another_workspace_does_not_open(sealer: TokenSealer) -> None:
    sealed = sealer.seal_installation(_installation("T0001"))
    other = sealer.seal_installation(_installation("T0002"))
    other.bot_token = sealed.bot_token
    with pytest.raises(DecryptionError):
        sealer.open_installation(other)


def test_a_refresh_token_cannot_pass_for_an_access_token(sealer: TokenSealer) -> None:
    sealed = sealer.seal_installation(_installation())
    sealed.bot_token = sealed.bot_refresh_token
    with pytest.raises(DecryptionError):
        sealer.open_installation(sealed)


def test_a_user_token_moved_to_another_persons_row_does_not_open(sealer: TokenSealer) -> None:
    alice = sealer.seal_installation(_installation(user_id="U0ALICE"))
    bob = sealer.seal_installation(_installation(user_id="U0BOB"))
    bob.user_token = alice.user_token
    with pytest.raises(DecryptionError):
        sealer.open_installation(bob)


def test_another_keyring_does_not_open(sealer: TokenSealer) -> None:
    sealed = sealer.seal_installation(_installation())
    with pytest.raises(DecryptionError):
        TokenSealer(Keyring.generate()).open_installation(sealed)
