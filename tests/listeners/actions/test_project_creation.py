"""Who may add projects: a workspace setting that admins change in App Home.

Default: anyone may. Once admins keep new projects to themselves, a member's key for a new
project is refused before OpenAI; existing projects keep working for their maintainers.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.store.models import AuditEvent
from bot.ui import actions
from tests.fakes.openai_server import FakeOpenAI
from tests.support import payloads
from tests.support.blocks import all_text, button_ids, find_button
from tests.support.running_app import RunningApp

BOSS = "U0BOSS"  # a workspace admin, as users.info says


@pytest.fixture(autouse=True)
def people(app: RunningApp) -> None:
    app.slack.add_user(BOSS, is_admin=True)
    app.slack.add_user("U0ALICE")
    app.slack.add_user("U0BOB")


def _home_after(app: RunningApp, user_id: str, before: int) -> list[dict]:
    """The first Home published for ``user_id`` after the first ``before`` publishes."""
    count = before + 1
    while True:  # wait_for raises when no further publish comes
        calls = app.slack.wait_for("views.publish", count)
        for call in calls[before:]:
            if call.params.get("user_id") == user_id:
                return call.blocks()
        count += 1


def _home_for(app: RunningApp, user_id: str) -> list[dict]:
    published = len(app.slack.calls_to("views.publish"))
    app.event(payloads.app_home_opened(user_id))
    return _home_after(app, user_id, published)


def _submit(app: RunningApp, project: str, user_id: str) -> str:
    done = len(app.slack.calls_to("views.update")) + 1
    key = FakeOpenAI.key_for("valid", f"{user_id}{done}")
    app.submit_key(project, key, user_id=user_id)
    return all_text(app.slack.wait_for("views.update", done)[-1].view()["blocks"])


def _click(app: RunningApp, user_id: str, value: str) -> list[dict]:
    """Click the setting's button on ``user_id``'s Home; the Home published afterwards."""
    published = len(app.slack.calls_to("views.publish"))
    app.action(actions.PROJECT_CREATION, value, user_id=user_id, container="home")
    return _home_after(app, user_id, published)


def _audit(app: RunningApp, action: str) -> list[tuple[str, str, str | None]]:
    with app.database.session() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
        return [(row.actor, row.outcome, row.detail) for row in rows]


def test_the_setting_is_shown_to_admins_only(app: RunningApp) -> None:
    assert actions.PROJECT_CREATION not in button_ids(_home_for(app, "U0BOB"))
    for admin in (BOSS, "U0KEYADMIN"):
        blocks = _home_for(app, admin)
        button = find_button(blocks, actions.PROJECT_CREATION)
        assert button["value"] == actions.CREATION_ADMINS
        assert "anyone in this workspace can add one" in all_text(blocks)


def test_admins_only_refuses_a_members_new_project_but_not_maintainers_or_admins(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    assert "Saved" in _submit(app, "prod", "U0ALICE")
    home = _click(app, BOSS, actions.CREATION_ADMINS)
    assert _audit(app, "project_creation") == [(BOSS, "admins_only", None)]
    assert find_button(home, actions.PROJECT_CREATION)["value"] == actions.CREATION_MEMBERS
    assert "only admins can add them" in all_text(home)

    sent = len(fake_openai.requests)
    text = _submit(app, "bobs-project", "U0BOB")
    assert "only admins can add new projects" in text
    assert len(fake_openai.requests) == sent
    refused = [row for row in _audit(app, "set") if row[1] == "refused"]
    assert refused == [("U0BOB", "refused", "new projects are for admins in this workspace")]

    assert "Saved" in _submit(app, "prod", "U0ALICE")  # a maintainer replaces her key
    assert "Saved" in _submit(app, "boss-project", BOSS)
    assert "Saved" in _submit(app, "key-admin-project", "U0KEYADMIN")

    _click(app, BOSS, actions.CREATION_MEMBERS)
    assert "Saved" in _submit(app, "bobs-project", "U0BOB")


def test_a_forged_click_from_a_member_is_refused_and_audited(app: RunningApp) -> None:
    _click(app, "U0BOB", actions.CREATION_ADMINS)
    (message,) = app.slack.wait_for("chat.postMessage")
    assert message.params["channel"] == "U0BOB"
    assert "Only workspace admins and owners" in message.text_content()
    assert _audit(app, "project_creation") == [("U0BOB", "refused", "asked for admins_only")]
    assert "Saved" in _submit(app, "bobs-project", "U0BOB")  # nothing changed


def test_admin_status_is_asked_again_when_the_button_is_clicked(app: RunningApp) -> None:
    assert actions.PROJECT_CREATION in button_ids(_home_for(app, BOSS))
    app.slack.users[BOSS].is_admin = False  # demoted after the Home tab was drawn
    _click(app, BOSS, actions.CREATION_ADMINS)
    assert _audit(app, "project_creation") == [(BOSS, "refused", "asked for admins_only")]
    assert "Saved" in _submit(app, "bobs-project", "U0BOB")


@pytest.mark.parametrize("value", ["", "²", "ADMINS", "admins ", "9" * 5000])
def test_odd_button_values_change_nothing(app: RunningApp, value: str) -> None:
    _click(app, BOSS, value)
    (message,) = app.slack.wait_for("chat.postMessage")
    assert "out of date" in message.text_content()
    assert _audit(app, "project_creation") == []
