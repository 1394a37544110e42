"""The team's keys in Slack: list, Test, Replace, Revoke, audit, and who may do what."""

from __future__ import annotations

from sqlalchemy import select

from bot.identity import Workspace
from bot.store.models import AuditEvent, StoredKey
from bot.ui import actions
from tests.fakes.openai_server import FakeOpenAI
from tests.support.blocks import all_text, button_ids, find_button
from tests.support.running_app import RunningApp

WORKSPACE = Workspace("", "T0001")


def _store_key(app: RunningApp, project: str, user_id: str = "U0ALICE", variant: str = "") -> int:
    app.submit_key(project, FakeOpenAI.key_for("valid", variant), user_id=user_id)
    done = len(app.slack.calls_to("views.update")) + 1
    app.slack.wait_for("views.update", done)
    (row,) = [p for p in app.services.keys.list_projects(WORKSPACE) if p.name == project]
    return row.id


def _stored_count(app: RunningApp) -> int:
    with app.database.session() as session:
        return len(list(session.scalars(select(StoredKey))))


def test_keys_list_is_masked_with_buttons_for_the_maintainer(app: RunningApp) -> None:
    project_id = _store_key(app, "prod")
    response = app.command("keys")
    blocks = response.json()["blocks"]
    text = all_text(blocks)
    key = FakeOpenAI.key_for("valid")
    assert "prod" in text and key[-4:] in text and key not in response.text
    find_button(blocks, actions.KEYS_TEST, str(project_id))
    find_button(blocks, actions.KEYS_REVOKE, str(project_id))


def test_others_see_status_but_no_buttons(app: RunningApp) -> None:
    _store_key(app, "prod")
    app.slack.add_user("U0BOB")
    blocks = app.command("keys", user_id="U0BOB").json()["blocks"]
    assert "prod" in all_text(blocks)
    ids = button_ids(blocks)
    assert not any(i.startswith((actions.KEYS_TEST, actions.KEYS_REVOKE)) for i in ids)


def test_test_button_says_hello_and_updates_in_place(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    project_id = _store_key(app, "prod")
    before = len(fake_openai.requests_to("/v1/chat/completions"))
    app.action(actions.KEYS_TEST, str(project_id))
    (call,) = app.slack.wait_for("response_url")
    assert call.params["replace_original"] is True
    assert "Hello" in all_text(call.blocks())
    assert len(fake_openai.requests_to("/v1/chat/completions")) == before + 1


def test_revoke_deletes_the_stored_copy_and_reminds_openai(app: RunningApp) -> None:
    project_id = _store_key(app, "prod")
    blocks = app.command("keys").json()["blocks"]
    revoke = find_button(blocks, actions.KEYS_REVOKE, str(project_id))
    assert "platform.openai.com/api-keys" in all_text([revoke["confirm"]])
    app.action(actions.KEYS_REVOKE, str(project_id))
    (call,) = app.slack.wait_for("response_url")
    assert "platform.openai.com/api-keys" in all_text(call.blocks())
    assert _stored_count(app) == 0


def test_non_admin_cannot_touch_anothers_project(app: RunningApp) -> None:
    project_id = _store_key(app, "prod")
    app.slack.add_user("U0BOB")
    for action_id in (actions.KEYS_TEST, actions.KEYS_REVOKE):
        app.action(action_id, str(project_id), user_id="U0BOB")
    calls = app.slack.wait_for("response_url", 2)
    assert all("can" in all_text(c.blocks()).lower() for c in calls)
    assert _stored_count(app) == 1
    app.submit_key("prod", FakeOpenAI.key_for("valid", "bob"), user_id="U0BOB")
    updates = app.slack.wait_for("views.update", 2)
    assert FakeOpenAI.key_for("valid", "bob")[-4:] not in all_text(updates[-1].view()["blocks"])
    with app.database.session() as session:
        refused = session.scalars(select(AuditEvent).where(AuditEvent.outcome == "refused"))
        assert len(list(refused)) == 3


def test_admin_status_is_asked_from_slack_at_every_write(app: RunningApp) -> None:
    project_id = _store_key(app, "prod")
    app.slack.add_user("U0BOSS", is_admin=True)
    asked = len(_role_lookups(app))
    app.action(actions.KEYS_REVOKE, str(project_id), user_id="U0BOSS")
    app.slack.wait_for("response_url")
    assert _stored_count(app) == 0
    assert len(_role_lookups(app)) > asked


def _role_lookups(app: RunningApp) -> list[object]:
    """users.info calls asking for roles (the cached locale lookups ask include_locale)."""
    return [c for c in app.slack.calls_to("users.info") if "include_locale" not in c.params]


def test_key_admins_setting_allows(app: RunningApp) -> None:
    project_id = _store_key(app, "prod")
    app.action(actions.KEYS_REVOKE, str(project_id), user_id="U0KEYADMIN")
    app.slack.wait_for("response_url")
    assert _stored_count(app) == 0


def test_button_naming_another_teams_project_is_refused(app: RunningApp) -> None:
    project_id = _store_key(app, "prod")
    body_team = "T0OTHER"
    app.action(actions.KEYS_REVOKE, str(project_id), user_id="U0ALICE", team_id=body_team)
    app.slack.wait_for("response_url")
    assert _stored_count(app) == 1


def test_audit_for_admins_only(app: RunningApp) -> None:
    _store_key(app, "prod")
    app.slack.add_user("U0BOSS", is_owner=True)
    text = all_text(app.command("audit", user_id="U0BOSS").json()["blocks"])
    assert "prod" in text and "set" in text
    refused = all_text(app.command("audit", user_id="U0ALICE").json()["blocks"])
    assert "prod" not in refused


def test_submit_button_and_replace_open_the_dialog(app: RunningApp) -> None:
    project_id = _store_key(app, "prod")
    app.action(actions.OPEN_KEY_MODAL, "")
    app.action(actions.KEYS_REPLACE, str(project_id))
    first, second = app.slack.wait_for("views.open", 2)
    assert first.view()["callback_id"] == "api_key_modal"
    blocks = {b.get("block_id"): b for b in second.view()["blocks"]}
    assert blocks["project"]["element"]["initial_value"] == "prod"
