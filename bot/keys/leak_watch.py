"""The leak watch: OpenAI keys seen in channel messages, the projects they compromise, and
the replacement that clears them. No Slack here; ``bot.listeners.events.leak_watch`` talks
to Slack and renders.

Only a seen key's HMAC fingerprint and mask are written. The same key seen again on the
same UTC day is counted, not alerted again: the first insert of (workspace, fingerprint,
day) wins on every database, so two replicas handling the key at once alert once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.identity import Actor, Workspace
from bot.keys.access import is_admin
from bot.keys.key_binding import KeyFaces
from bot.keys.keyring import Keyring
from bot.keys.probe import OpenAIProbe
from bot.keys.validation import KeyOutcome
from bot.store import key_records as records
from bot.store import leaks as rows
from bot.store.database import Database
from bot.store.leak_models import LeakSighting
from bot.store.leaks import WatchSetting
from bot.store.locks import lock_workspace
from bot.store.models import KeyProject

log = logging.getLogger(__name__)

AUDIT_ACTION = "leak"
SETTING_AUDIT_ACTION = "leak_watch"
ACTIVE = "active"
REJECTED = "rejected"
UNKNOWN = "unknown"
_REJECTED_OUTCOMES = frozenset({KeyOutcome.INVALID, KeyOutcome.ACCOUNT_PROBLEM})


@dataclass(frozen=True)
class Post:
    """Where and by whom a key was posted (Slack ids only, never the message)."""

    workspace: Workspace
    user_id: str
    channel_id: str
    message_ts: str


@dataclass(frozen=True)
class AlertRef:
    """A message the app posted about a sighting, to update in place later."""

    channel: str
    ts: str


@dataclass(frozen=True)
class Sighting:
    """A key seen in a channel, as the listener needs it: ``first`` means "alert now"."""

    id: int
    masked: str
    fingerprint_id: str
    first: bool
    seen_count: int
    posted_by: str
    channel_id: str
    message_ts: str
    created_at: datetime
    project_id: int | None = None
    project_name: str | None = None
    maintainers: frozenset[str] = frozenset()
    permalink: str | None = None
    live_status: str | None = None
    alerts: tuple[AlertRef, ...] = ()
    resolved_by: str | None = None
    resolved_at: datetime | None = None


class LeakWatch:
    def __init__(
        self,
        database: Database,
        keyring: Keyring,
        probe: OpenAIProbe,
        *,
        key_admins: frozenset[str] = frozenset(),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.keyring = keyring
        self.probe = probe
        self.key_admins = key_admins
        self.clock = clock

    # --- the workspace setting -------------------------------------------------------------
    def setting(self, workspace: Workspace) -> WatchSetting:
        with self.database.read_session() as session:
            return rows.watch_setting(session, workspace)

    def may_change(self, actor: Actor) -> bool:
        return is_admin(actor, self.key_admins)

    def change(
        self,
        actor: Actor,
        *,
        enabled: bool | None = None,
        live_check: bool | None = None,
        alert_channel: str | None = None,
        clear_alert_channel: bool = False,
    ) -> bool:
        """Change the given parts when ``actor`` is an admin now; audited. False: refused."""
        allowed = self.may_change(actor)
        now = self.clock()
        with self.database.session() as session, session.begin():
            lock_workspace(session, actor.workspace)
            old = rows.watch_setting(session, actor.workspace)
            new = WatchSetting(
                enabled=old.enabled if enabled is None else enabled,
                live_check=old.live_check if live_check is None else live_check,
                alert_channel=None if clear_alert_channel else (alert_channel or old.alert_channel),
            )
            if allowed:
                rows.set_watch_setting(
                    session, actor.workspace, new, changed_by=actor.user_id, now=now
                )
            records.add_audit(
                session,
                actor.workspace,
                actor=actor.user_id,
                action=SETTING_AUDIT_ACTION,
                outcome=_setting_outcome(new) if allowed else "refused",
                now=now,
            )
        return allowed

    # --- seeing a key ----------------------------------------------------------------------
    def see(self, post: Post, api_key: str) -> Sighting:
        """Record ``api_key`` seen in ``post``: a new sighting (and, when it is a stored key,
        an audit row marking its project compromised), or one more count of today's."""
        faces = KeyFaces.of(self.keyring, api_key)
        now = self.clock()
        day = now.astimezone(UTC).date().isoformat()
        try:
            with self.database.session() as session, session.begin():
                project = rows.project_holding(session, post.workspace, faces.fingerprint)
                row = LeakSighting(
                    enterprise_id=post.workspace.enterprise_id,
                    team_id=post.workspace.team_id,
                    fingerprint=faces.fingerprint,
                    day=day,
                    masked=faces.masked,
                    seen_count=1,
                    posted_by=post.user_id,
                    channel_id=post.channel_id,
                    message_ts=post.message_ts,
                    project_id=project.id if project else None,
                    created_at=now,
                )
                session.add(row)
                session.flush()
                if project is not None:
                    records.add_audit(
                        session,
                        post.workspace,
                        actor=post.user_id,
                        action=AUDIT_ACTION,
                        outcome="compromised",
                        now=now,
                        project_name=project.name,
                        fingerprint_id=faces.fingerprint_id,
                        detail=f"posted in channel {post.channel_id} at {post.message_ts}",
                    )
                return self._facts(session, row, first=True)
        except IntegrityError:
            pass  # seen before today (here or on another replica): count it
        with self.database.session() as session, session.begin():
            found = rows.sighting(session, post.workspace, faces.fingerprint, day)
            if found is None:  # deleted in between (the workspace was removed)
                raise LookupError("the sighting disappeared") from None
            rows.count_again(session, found.id)
            session.refresh(found)
            return self._facts(session, found, first=False)

    def live_status(self, api_key: str) -> str:
        """Ask OpenAI once (``GET /v1/models``) whether the key still works."""
        result = self.probe.validate(api_key, organization=None, project=None, check_billing=False)
        if result.outcome.stores_key:
            return ACTIVE
        if result.outcome in _REJECTED_OUTCOMES:
            return REJECTED
        return UNKNOWN

    def note(
        self,
        sighting_id: int,
        *,
        permalink: str | None = None,
        live_status: str | None = None,
        alerts: Iterable[AlertRef] = (),
    ) -> None:
        """What the listener learned after the first insert: the permalink, the live check,
        and the alert messages it posted."""
        with self.database.session() as session, session.begin():
            row = session.get(LeakSighting, sighting_id)
            if row is None:
                return
            if permalink:
                row.permalink = permalink[:500]
            if live_status:
                row.live_status = live_status
            refs = [*_alerts_of(row.alerts), *alerts]
            row.alerts = "\n".join(f"{ref.channel} {ref.ts}" for ref in refs) or None

    def current(self, sighting_id: int) -> Sighting | None:
        """The sighting as stored now (its count, alerts, live check); None: gone."""
        with self.database.read_session() as session:
            row = session.get(LeakSighting, sighting_id)
            return self._facts(session, row, first=False) if row is not None else None

    # --- compromised projects --------------------------------------------------------------
    def compromised(self, workspace: Workspace) -> dict[int, Sighting]:
        """The projects whose stored key was seen in a channel and not replaced since."""
        with self.database.read_session() as session:
            found = rows.open_compromises(session, workspace)
            return {pid: self._facts(session, row, first=False) for pid, row in found.items()}

    def resolve(self, actor: Actor, project_name: str, new_fingerprint: str) -> list[Sighting]:
        """A new key was stored for ``project_name``: its open sightings of other keys close.

        Returns them (with the alerts to update); each closing is an audit row.
        """
        now = self.clock()
        closed: list[Sighting] = []
        with self.database.session() as session, session.begin():
            project = records.find_project(session, actor.workspace, project_name)
            if project is None:
                return []
            for row in rows.compromises_of(session, actor.workspace, project.id):
                if row.fingerprint == new_fingerprint:
                    continue  # the leaked key itself was stored again: still compromised
                row.resolved_by = actor.user_id
                row.resolved_at = now
                records.add_audit(
                    session,
                    actor.workspace,
                    actor=actor.user_id,
                    action=AUDIT_ACTION,
                    outcome="replaced",
                    now=now,
                    project_name=project.name,
                    fingerprint_id=row.fingerprint[:12],
                    detail=f"seen {row.seen_count} times; replaced after the leak",
                )
                closed.append(self._facts(session, row, first=False))
        return closed

    def _facts(self, session: Session, row: LeakSighting, *, first: bool) -> Sighting:
        name = None
        maintainers: frozenset[str] = frozenset()
        if row.project_id is not None:
            project = session.get(KeyProject, row.project_id)
            name = project.name if project else None
            maintainers = records.maintainers(session, row.project_id)
        return Sighting(
            id=row.id,
            masked=row.masked,
            fingerprint_id=row.fingerprint[:12],
            first=first,
            seen_count=row.seen_count,
            posted_by=row.posted_by,
            channel_id=row.channel_id,
            message_ts=row.message_ts,
            created_at=row.created_at,
            project_id=row.project_id,
            project_name=name,
            maintainers=maintainers,
            permalink=row.permalink,
            live_status=row.live_status,
            alerts=tuple(_alerts_of(row.alerts)),
            resolved_by=row.resolved_by,
            resolved_at=row.resolved_at,
        )


def _alerts_of(stored: str | None) -> list[AlertRef]:
    refs = []
    for line in (stored or "").splitlines():
        channel, _, ts = line.partition(" ")
        if channel and ts:
            refs.append(AlertRef(channel, ts))
    return refs


def _setting_outcome(setting: WatchSetting) -> str:
    state = "on" if setting.enabled else "off"
    live = "live_check" if setting.live_check else "no_live_check"
    channel = "channel" if setting.alert_channel else "dm"
    return f"{state}:{live}:{channel}"
