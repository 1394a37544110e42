"""Removing the app forgets the organization: admin key, links, rotations, costs."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.identity import Actor
from bot.org.key_rotation import KeyRotator
from bot.store.organization_models import (
    KeyRotation,
    OrganizationConnection,
    ProjectLink,
    RotationSetting,
)
from tests.fakes.openai_server import FakeOpenAI
from tests.support.leaks import database_text, eventually
from tests.support.organization import ADMIN, submit_admin_key
from tests.support.running_app import RunningApp


class Crash(BaseException):
    pass


def _count(app: RunningApp, table: type) -> int:
    with app.database.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_uninstall_deletes_the_admin_key_and_every_organization_row(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    app.slack.add_user(ADMIN, is_admin=True)
    fake_openai.admin.add_project(FakeOpenAI.PROJECT, "Backend")
    app.submit_key("Backend", FakeOpenAI.key_for("valid"), user_id=ADMIN)
    app.slack.wait_for("views.update")
    admin_key = fake_openai.admin.admin_key()
    submit_admin_key(app, admin_key)
    app.slack.wait_for("views.update", 2)
    boss = Actor("", "T0001", ADMIN, True)
    app.services.rotation_policy.set_rotation_days(boss, 30)

    def die(state: str) -> None:
        if state == "created":
            raise Crash

    rotator = KeyRotator(app.services.organization, app.services.keys.probe, after_step=die)
    (project,) = app.services.keys.list_projects(boss.workspace)
    _, rotation_id = rotator.start(boss, project.id, 0)
    assert rotation_id is not None
    with pytest.raises(Crash):  # the process dies holding a new key, encrypted
        rotator.advance(rotation_id, lambda _announcement: None)
    tables = (OrganizationConnection, ProjectLink, KeyRotation, RotationSetting)
    assert all(_count(app, table) == 1 for table in tables)

    app.event({"type": "app_uninstalled", "event_ts": "1700000000.1"})

    # The settings go first, then the projects' keys with their links and rotations.
    counts = eventually(
        lambda: [_count(app, table) for table in tables], lambda found: found == [0, 0, 0, 0]
    )
    assert counts == [0, 0, 0, 0]
    (issued,) = fake_openai.admin.issued  # the pending key, held only encrypted, is gone too
    assert issued not in database_text(app)
