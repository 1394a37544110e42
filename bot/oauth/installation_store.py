"""slack-sdk's SQLAlchemy installation store on the app's database, with tokens encrypted.

``EncryptedInstallationStore`` wraps ``SQLAlchemyInstallationStore`` rather than re-implementing
it: slack-sdk keeps its query logic (latest installation per workspace, org-wide installs keyed
by enterprise, the bot row refreshed by token rotation, deletions), and this class only seals
the secret fields on the way in and opens them on the way out (``bot.oauth.sealing``).

The tables are the app's own (``bot.store.slack_installations``), created by Alembic; this
store never creates tables. A row that does not decrypt (tampered, moved, or a keyring that is
not the one it was stored with) is logged without any secret and treated as "not installed",
so Bolt answers that request with its authorisation error and every other workspace keeps
working.
"""

from __future__ import annotations

import logging

from slack_sdk.oauth.installation_store.installation_store import InstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine

from bot.keys.crypto import DecryptionError
from bot.keys.keyring import Keyring
from bot.oauth.sealing import TokenSealer
from bot.store.models import Base
from bot.store.slack_installations import slack_bots, slack_installations

log = logging.getLogger(__name__)


class EncryptedInstallationStore(InstallationStore):
    """An ``InstallationStore`` whose tokens never reach the database in plaintext."""

    def __init__(self, client_id: str, engine: Engine, keyring: Keyring) -> None:
        self.client_id = client_id
        self._sealer = TokenSealer(keyring)
        self._rows = SQLAlchemyInstallationStore(
            client_id=client_id, engine=engine, logger=logging.getLogger(__name__)
        )
        # Use the Alembic-managed tables on the app's metadata, not slack-sdk's private copies.
        self._rows.metadata = Base.metadata
        self._rows.installations = slack_installations
        self._rows.bots = slack_bots

    def __deepcopy__(self, memo: dict[int, object]) -> EncryptedInstallationStore:
        # Bolt deep-copies the context for lazy listeners; the store (an engine) is shared.
        return self

    @property
    def logger(self) -> logging.Logger:
        return log

    def create_tables(self) -> None:
        raise RuntimeError(
            "the Slack installation tables are created by the Alembic migrations: "
            "run `python -m bot db upgrade`"
        )

    # --- writes ----------------------------------------------------------------------------
    def save(self, installation: Installation) -> None:
        """Store an installation and its bot (slack-sdk updates the row it was read from)."""
        self._rows.save(self._sealer.seal_installation(installation))

    def save_bot(self, bot: Bot) -> None:
        self._rows.save_bot(self._sealer.seal_bot(bot))

    # --- reads -----------------------------------------------------------------------------
    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        try:
            found = self._rows.find_installation(
                enterprise_id=enterprise_id,
                team_id=team_id,
                user_id=user_id,
                is_enterprise_install=is_enterprise_install,
            )
            return None if found is None else self._sealer.open_installation(found)
        except DecryptionError as error:
            self._unreadable("installation", enterprise_id, team_id, is_enterprise_install, error)
            return None

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        try:
            found = self._rows.find_bot(
                enterprise_id=enterprise_id,
                team_id=team_id,
                is_enterprise_install=is_enterprise_install,
            )
            return None if found is None else self._sealer.open_bot(found)
        except DecryptionError as error:
            self._unreadable("bot", enterprise_id, team_id, is_enterprise_install, error)
            return None

    # --- deletions -------------------------------------------------------------------------
    def delete_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
    ) -> None:
        self._rows.delete_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self._rows.delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Every installation (all users) and bot of a workspace, or of an org-wide install."""
        self._rows.delete_all(enterprise_id=enterprise_id, team_id=team_id)

    # --- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _unreadable(
        what: str,
        enterprise_id: str | None,
        team_id: str | None,
        org_wide: bool | None,
        error: DecryptionError,
    ) -> None:
        log.error(
            "the stored Slack %s of enterprise %s team %s%s cannot be decrypted (%s); "
            "treating the workspace as not installed. Reinstall the app there, or check "
            "KEYRING_FILE.",
            what,
            enterprise_id or "-",
            team_id or "-",
            " (org-wide)" if org_wide else "",
            error,
        )
