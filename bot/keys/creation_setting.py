"""The workspace setting "members may create projects", changed by admins in App Home."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bot.identity import Actor, Workspace
from bot.keys.access import is_admin
from bot.store import key_records as records
from bot.store import workspace_settings as settings_rows
from bot.store.database import Database
from bot.store.locks import lock_workspace

AUDIT_ACTION = "project_creation"


class CreationSetting:
    def __init__(
        self,
        database: Database,
        *,
        key_admins: frozenset[str] = frozenset(),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.key_admins = key_admins
        self.clock = clock

    def members_may_create(self, workspace: Workspace) -> bool:
        with self.database.read_session() as session:
            return settings_rows.members_create_projects(session, workspace)

    def may_change(self, actor: Actor) -> bool:
        return is_admin(actor, self.key_admins)

    def change(self, actor: Actor, members_may_create: bool) -> bool:
        """Set the choice when ``actor`` is an admin now; audited either way. False: refused."""
        allowed = self.may_change(actor)
        now = self.clock()
        with self.database.session() as session, session.begin():
            lock_workspace(session, actor.workspace)
            if allowed:
                settings_rows.set_members_create_projects(
                    session, actor.workspace, members_may_create, changed_by=actor.user_id, now=now
                )
            choice = "members_allowed" if members_may_create else "admins_only"
            records.add_audit(
                session,
                actor.workspace,
                actor=actor.user_id,
                action=AUDIT_ACTION,
                outcome=choice if allowed else "refused",
                now=now,
                detail=None if allowed else f"asked for {choice}",
            )
        return allowed
