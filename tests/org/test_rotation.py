""" "Rotate now" end to end, and a rotation the process died in the middle of."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.identity import Actor, Workspace
from bot.jobs.runner import JobRunner
from bot.jobs.schedule import build_runner
from bot.keys.crypto import decrypt
from bot.keys.key_binding import binding
from bot.org.admin_api import AdminApi, CreatedKey
from bot.org.connection import OrganizationService
from bot.org.key_rotation import KeyRotator, Start
from bot.slack.notify import Notifier, clients_from_settings
from bot.store.models import AuditEvent, StoredKey
from bot.store.organization_models import KeyRotation
from tests.fakes.openai_server import FakeOpenAI
from tests.support.blocks import all_text
from tests.support.leaks import assert_nowhere, debug_logs, eventually
from tests.support.organization import ADMIN, submit_admin_key, submit_rotation
from tests.support.running_app import RunningApp

WORKSPACE = Workspace("", "T0001")
BOSS = Actor("", "T0001", ADMIN, True)


class Crash(BaseException):
    """The process dying: nothing after it runs, no handler catches it."""


def _arrange(app: RunningApp, fake_openai: FakeOpenAI) -> tuple[int, str, str]:
    """A linked project whose stored key OpenAI lists; (project id, old key, its OpenAI id)."""
    app.slack.add_user(ADMIN, is_admin=True)
    app.slack.add_user("U0ALICE")
    old_key = FakeOpenAI.key_for("valid")
    fake_openai.admin.add_project(FakeOpenAI.PROJECT, "Backend")
    old_id = fake_openai.admin.add_key(
        FakeOpenAI.PROJECT,
        name="prod",
        value=old_key,
        created_at=1_700_000_000,
        last_used_at=None,
    )
    app.submit_key("Backend", old_key, user_id="U0ALICE")
    app.slack.wait_for("views.update")
    submit_admin_key(app, fake_openai.admin.admin_key())
    app.slack.wait_for("views.update", 2)
    (project,) = app.services.keys.list_projects(WORKSPACE)
    return project.id, old_key, old_id


def _stored_plaintext(app: RunningApp, project_id: int) -> str:
    with app.database.session() as session:
        row = session.get(StoredKey, project_id)
        assert row is not None
        ciphertext = row.ciphertext
    return decrypt(app.services.keyring, ciphertext, binding(WORKSPACE, project_id))


def _runner(app: RunningApp) -> JobRunner:
    app.services.settings = app.settings.model_copy(
        update={"openai_requests_interval_seconds": 0.0}
    )
    clients = clients_from_settings(app.services.settings, app.database, app.services.keyring)
    runner = build_runner(app.services, Notifier(clients))
    runner.run_due(datetime.now(UTC))
    return runner


def _service_keys(fake_openai: FakeOpenAI) -> list[str]:
    return [
        key.value or key.id
        for key in fake_openai.admin.projects[FakeOpenAI.PROJECT].keys
        if key.owner["type"] == "service_account"
    ]


def test_rotate_now_from_the_key_list_end_to_end(app: RunningApp, fake_openai: FakeOpenAI) -> None:
    project_id, old_key, old_id = _arrange(app, fake_openai)
    member_list = app.command("keys", user_id="U0ALICE")
    assert "Rotate now" not in member_list.text
    admin_list = app.command("keys", user_id=ADMIN)
    assert "Rotate now" in admin_list.text

    app.action(f"org_rotate:{project_id}", str(project_id), user_id=ADMIN)
    dialog = app.slack.wait_for("views.open")[-1].view()
    assert dialog["callback_id"] == "org_rotate_modal"
    assert dialog["private_metadata"] == str(project_id)
    with debug_logs() as logs:
        ack = submit_rotation(app, project_id, "1", expiry="90")
        assert ack.json()["response_action"] == "update"
        done = eventually(
            lambda: app.slack.calls_to("views.update"),
            lambda calls: any(c.params.get("view_id") == "V0ROTATE" for c in calls),
        )
    result = [c for c in done if c.params.get("view_id") == "V0ROTATE"][-1]
    assert "was rotated" in all_text(result.view()["blocks"])
    new_key = _stored_plaintext(app, project_id)
    assert new_key.startswith("sk-svcacct-") and fake_openai.admin.is_live_service_key(new_key)
    (created,) = fake_openai.requests_to(
        f"/v1/organization/projects/{FakeOpenAI.PROJECT}/service_accounts"
    )
    assert created.body["expires_in_seconds"] == 90 * 86_400
    told = [c for c in app.slack.calls_to("chat.postMessage") if "was rotated" in c.text_content()]
    assert {c.params["channel"] for c in told} == {"U0ALICE"}
    assert "keys export" in told[0].text_content() and "1 more day" in told[0].text_content()
    assert old_id not in fake_openai.admin.deleted_key_ids  # the grace period runs
    assert_nowhere(app, logs, new_key, old_key)

    runner = _runner(app)
    runner.run_due(datetime.now(UTC) + timedelta(hours=23))
    assert old_id not in fake_openai.admin.deleted_key_ids
    runner.run_due(datetime.now(UTC) + timedelta(days=1, minutes=20))
    assert old_id in fake_openai.admin.deleted_key_ids
    with app.database.session() as session:
        (rotation,) = session.scalars(select(KeyRotation))
        steps = [
            row.outcome
            for row in session.scalars(select(AuditEvent).where(AuditEvent.action == "rotate"))
        ]
    assert rotation.state == "done" and rotation.pending_ciphertext is None
    assert steps == ["started", "created", "stored", "announced", "done"]


def test_members_cannot_rotate(app: RunningApp, fake_openai: FakeOpenAI) -> None:
    project_id, _, _ = _arrange(app, fake_openai)
    submit_rotation(app, project_id, "0", user_id="U0ALICE")
    update = app.slack.wait_for("views.update", 3)[-1]
    assert "Only workspace admins" in all_text(update.view()["blocks"])
    assert _service_keys(fake_openai) == []


@pytest.mark.parametrize("dies", ["after_saving_the_new_key", "during_the_create_call"])
def test_a_rotation_cut_short_resumes_with_no_key_lost_and_none_orphaned(
    app: RunningApp, fake_openai: FakeOpenAI, dies: str
) -> None:
    project_id, old_key, old_id = _arrange(app, fake_openai)
    organization: OrganizationService = app.services.organization
    if dies == "during_the_create_call":

        class DiesAfterCreate(AdminApi):
            def create_service_key(
                self, admin_key: str, project_id: str, name: str, expires_in_days: int | None = None
            ) -> CreatedKey:
                super().create_service_key(admin_key, project_id, name, expires_in_days)
                raise Crash  # OpenAI made the key; this process never saved it

        api = DiesAfterCreate(base_url=fake_openai.base_url, timeout=5)
        organization = OrganizationService(
            app.database, app.services.keyring, api, key_admins=frozenset()
        )
        after_step = lambda _state: None  # noqa: E731
    else:

        def after_step(state: str) -> None:
            if state == "created":
                raise Crash

    first_life = KeyRotator(organization, app.services.keys.probe, after_step=after_step)
    outcome, rotation_id = first_life.start(BOSS, project_id, grace_days=0)
    assert outcome is Start.STARTED and rotation_id is not None
    with pytest.raises(Crash):
        first_life.advance(rotation_id, lambda _announcement: None)
    assert _stored_plaintext(app, project_id) == old_key  # nothing lost meanwhile
    assert len(_service_keys(fake_openai)) == 1

    runner = _runner(app)  # the restarted app's scheduled job picks it up
    runner.run_due(datetime.now(UTC) + timedelta(minutes=20))

    with app.database.session() as session:
        rotation = session.get(KeyRotation, rotation_id)
        assert rotation is not None and rotation.state == "done"
    new_key = _stored_plaintext(app, project_id)
    assert _service_keys(fake_openai) == [new_key]  # exactly one new key, and it is stored
    assert old_id in fake_openai.admin.deleted_key_ids
    told = [c for c in app.slack.calls_to("chat.postMessage") if "was rotated" in c.text_content()]
    assert len(told) == 1


def test_a_member_cannot_start_a_rotation_and_the_refusal_is_audited(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    project_id, old_key, _old_id = _arrange(app, fake_openai)
    member = Actor("", "T0001", "U0ALICE", False)

    assert app.services.rotator.start(member, project_id, 0) == (Start.REFUSED, None)

    with app.database.session() as session:
        assert session.scalars(select(KeyRotation)).all() == []
        refusals = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "rotate", AuditEvent.outcome == "refused")
        ).all()
        assert [(event.actor, event.project_name) for event in refusals] == [("U0ALICE", None)]
    assert _service_keys(fake_openai) == []
    assert _stored_plaintext(app, project_id) == old_key
