"""Encrypting Slack tokens at rest with the keyring that protects the OpenAI keys.

Every secret field of an installation (bot and user tokens, their refresh tokens, the incoming
webhook URL) is sealed with AES-256-GCM (``bot.keys.crypto.encrypt``) before slack-sdk's store
writes it, and opened after it reads it. The associated data binds each ciphertext to:

- purpose ``slack-token:<field>``: a refresh token cannot pass for an access token;
- the row's own ``enterprise_id`` and ``team_id`` ("" when absent, as for org-wide installs):
  a ciphertext copied to another workspace's row, or a row whose ids were edited, fails;
- a record id: ``bot`` for the bot's fields (the same value sits in ``slack_installations``
  and ``slack_bots``, and slack-sdk copies it between them), ``user:<user id>`` for the
  installing user's fields, so one person's token cannot be moved to another's row.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation

from bot.keys.crypto import BindingContext, decrypt, encrypt
from bot.keys.keyring import Keyring

PURPOSE_PREFIX = "slack-token:"
BOT_FIELDS = ("bot_token", "bot_refresh_token")
USER_FIELDS = ("user_token", "user_refresh_token", "incoming_webhook_url")
BOT_RECORD = "bot"


def binding(
    field: str, enterprise_id: str | None, team_id: str | None, record_id: str
) -> BindingContext:
    """Where the ciphertext of ``field`` belongs (see the module docstring)."""
    return BindingContext(
        purpose=f"{PURPOSE_PREFIX}{field}",
        enterprise_id=enterprise_id or "",
        team_id=team_id or "",
        record_id=record_id,
    )


def user_record(user_id: str | None) -> str:
    return f"user:{user_id or ''}"


def record_for(field: str, user_id: str | None) -> str:
    """The record id of ``field``: shared by the bot's fields, per person for the user's."""
    return BOT_RECORD if field in BOT_FIELDS else user_record(user_id)


class TokenSealer:
    """Seals and opens the secret fields of slack-sdk's ``Installation`` and ``Bot``.

    Sealing returns a copy, so the caller's object (Bolt keeps using it) stays in plaintext.
    Opening raises ``bot.keys.crypto.DecryptionError`` when any field does not authenticate.
    """

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring

    def seal_installation(self, installation: Installation) -> Installation:
        sealed = Installation(**installation.to_dict_for_copying())
        self._apply(sealed, self._seal, user_id=installation.user_id)
        return sealed

    def open_installation(self, installation: Installation) -> Installation:
        self._apply(installation, self._open, user_id=installation.user_id)
        return installation

    def seal_bot(self, bot: Bot) -> Bot:
        sealed = Bot(**bot.to_dict_for_copying())
        self._apply(sealed, self._seal, user_id=None)
        return sealed

    def open_bot(self, bot: Bot) -> Bot:
        self._apply(bot, self._open, user_id=None)
        return bot

    # --- helpers ---------------------------------------------------------------------------
    def _apply(self, entity: Installation | Bot, transform: Any, *, user_id: str | None) -> None:
        fields = BOT_FIELDS + (USER_FIELDS if isinstance(entity, Installation) else ())
        for name in fields:
            value = getattr(entity, name, None)
            if value is None:
                continue
            context = binding(name, entity.enterprise_id, entity.team_id, record_for(name, user_id))
            setattr(entity, name, transform(value, context))

    def _seal(self, value: str, context: BindingContext) -> str:
        return encrypt(self._keyring, value, context)

    def _open(self, value: str, context: BindingContext) -> str:
        return decrypt(self._keyring, value, context)
