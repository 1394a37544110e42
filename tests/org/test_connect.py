"""Connecting the OpenAI organization end to end: signed requests, fake Slack, fake OpenAI."""

from __future__ import annotations

from sqlalchemy import select

from bot.identity import Workspace
from bot.store.models import AuditEvent
from bot.store.organization_models import OrganizationConnection, ProjectLink
from tests.fakes.openai_server import FakeOpenAI
from tests.support.blocks import all_text
from tests.support.leaks import assert_nowhere, debug_logs, eventually
from tests.support.organization import ADMIN, choose_link, submit_admin_key
from tests.support.running_app import RunningApp

WORKSPACE = Workspace("", "T0001")
OTHER_PROJECT = "proj_FAKE0000000000000000beta"


def _audit(app: RunningApp) -> list[tuple[str, str]]:
    with app.database.session() as session:
        return [(row.action, row.outcome) for row in session.scalars(select(AuditEvent))]


def _connections(app: RunningApp) -> list[OrganizationConnection]:
    with app.database.session() as session:
        return list(session.scalars(select(OrganizationConnection)))


def _links(app: RunningApp) -> dict[int, str]:
    with app.database.session() as session:
        return {
            row.project_id: row.openai_project_id for row in session.scalars(select(ProjectLink))
        }


def _arrange(app: RunningApp, fake_openai: FakeOpenAI) -> None:
    app.slack.add_user(ADMIN, is_admin=True)
    app.slack.add_user("U0ALICE")
    fake_openai.admin.add_project(FakeOpenAI.PROJECT, "Backend")
    fake_openai.admin.add_project(OTHER_PROJECT, "Data team")


def _store_key(app: RunningApp, project: str, key: str) -> int:
    app.submit_key(project, key, user_id=ADMIN)
    app.slack.wait_for("views.update", len(app.slack.calls_to("views.update")) + 1)
    (row,) = [p for p in app.services.keys.list_projects(WORKSPACE) if p.name == project]
    assert row.key is not None
    return row.id


def test_connect_opens_the_private_dialog(app: RunningApp) -> None:
    app.command("connect")
    (call,) = app.slack.wait_for("views.open")
    view = call.view()
    assert view["callback_id"] == "org_connect_modal"
    (field,) = [block for block in view["blocks"] if block.get("block_id") == "admin_key"]
    assert "initial_value" not in field["element"]
    assert "only you" in all_text(view["blocks"]).lower()


def test_a_project_key_is_refused_clearly_and_never_sent(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    _arrange(app, fake_openai)
    project_key = FakeOpenAI.key_for("valid")

    response = submit_admin_key(app, project_key)

    errors = response.json()["errors"]
    assert "project key, not an admin key" in errors["admin_key"]
    assert project_key not in response.text
    assert eventually(lambda: _audit(app), bool) == [("org_connect", "not_admin_key")]
    assert not fake_openai.requests_to("/v1/organization/projects")
    assert not _connections(app)
    assert not app.slack.calls_to("views.update")


def test_an_admin_connects_and_projects_are_linked_by_their_keys(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    _arrange(app, fake_openai)
    backend = _store_key(app, "Backend", FakeOpenAI.key_for("valid"))
    # OpenAI places this key in a project the organization does not list: not linked.
    stray = _store_key(app, "Stray", FakeOpenAI.key_for("mismatched_project"))
    admin_key = fake_openai.admin.admin_key()
    updates = len(app.slack.calls_to("views.update"))

    with debug_logs() as logs:
        response = submit_admin_key(app, admin_key)
        assert response.json()["response_action"] == "update"
        update = app.slack.wait_for("views.update", updates + 1)[-1]

    shown = all_text(update.view()["blocks"])
    assert "Connected" in shown and "sk-admin-…" in shown
    assert _links(app) == {backend: FakeOpenAI.PROJECT}
    (select_block,) = [
        block for block in update.view()["blocks"] if block.get("accessory", {}).get("type")
    ]
    assert select_block["accessory"]["action_id"] == f"org_link_project:{stray}"
    assert {o["value"] for o in select_block["accessory"]["options"]} == {
        FakeOpenAI.PROJECT,
        OTHER_PROJECT,
    }
    (row,) = _connections(app)
    assert row.masked.startswith("sk-admin-…") and row.connected_by == ADMIN
    assert ("org_connect", "connected") in _audit(app)
    assert_nowhere(app, logs, admin_key, admin_key[len("sk-admin-") :])

    choose_link(app, stray, OTHER_PROJECT)
    eventually(lambda: _links(app), lambda links: stray in links)
    assert _links(app)[stray] == OTHER_PROJECT
    assert ("org_link", "linked") in _audit(app)


def test_a_forged_link_to_a_project_outside_the_organization_changes_nothing(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    _arrange(app, fake_openai)
    stray = _store_key(app, "Stray", FakeOpenAI.key_for("mismatched_project"))
    updates = len(app.slack.calls_to("views.update")) + 1
    submit_admin_key(app, fake_openai.admin.admin_key())
    app.slack.wait_for("views.update", updates)

    choose_link(app, stray, "proj_NOTinTHISorg0000")

    update = app.slack.wait_for("views.update", updates + 1)[-1]
    assert "not in the connected organization" in all_text(update.view()["blocks"])
    assert stray not in _links(app)


def test_a_malformed_admin_key_is_an_inline_error_and_never_sent(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    _arrange(app, fake_openai)
    response = submit_admin_key(app, "sk-admin-short")
    assert "doesn't look like an OpenAI admin key" in response.json()["errors"]["admin_key"]
    assert eventually(lambda: _audit(app), bool) == [("org_connect", "not_admin_key")]
    assert not fake_openai.requests_to("/v1/organization/projects")


def test_members_cannot_connect_or_link(app: RunningApp, fake_openai: FakeOpenAI) -> None:
    _arrange(app, fake_openai)
    submit_admin_key(app, fake_openai.admin.admin_key(), user_id="U0ALICE")
    update = app.slack.wait_for("views.update")[-1]
    assert "Only workspace admins" in all_text(update.view()["blocks"])
    assert not _connections(app)
    assert not fake_openai.requests_to("/v1/organization/projects")
    assert ("org_connect", "refused") in _audit(app)


def test_an_admin_key_without_read_scope_is_not_stored(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    _arrange(app, fake_openai)
    narrow = fake_openai.admin.admin_key(frozenset({"api.usage.read"}))
    submit_admin_key(app, narrow)
    update = app.slack.wait_for("views.update")[-1]
    assert "`api.management.read`" in all_text(update.view()["blocks"])
    assert not _connections(app)
    assert ("org_connect", "rejected:missing_scope") in _audit(app)


def test_an_unknown_admin_key_is_not_stored(app: RunningApp, fake_openai: FakeOpenAI) -> None:
    _arrange(app, fake_openai)
    submit_admin_key(app, "sk-admin-" + "Zx9" * 15)
    update = app.slack.wait_for("views.update")[-1]
    assert "doesn't know this admin key" in all_text(update.view()["blocks"])
    assert not _connections(app)


def test_disconnect_deletes_the_admin_key_and_links(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    _arrange(app, fake_openai)
    _store_key(app, "Backend", FakeOpenAI.key_for("valid"))
    submit_admin_key(app, fake_openai.admin.admin_key())
    eventually(lambda: _connections(app), bool)

    refused = app.command("disconnect", user_id="U0ALICE")
    assert "Only workspace admins" in refused.text and _connections(app)

    done = app.command("disconnect", user_id=ADMIN)
    assert "disconnected" in done.text
    assert not _connections(app) and not _links(app)
    assert ("org_disconnect", "disconnected") in _audit(app)
